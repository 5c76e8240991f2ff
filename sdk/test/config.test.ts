import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  createFlowtrail,
  KafkaTransport,
  MemoryTransport,
  parseSdkEnv,
  sdkOptionsFromEnv,
} from '../src/index.ts';
import type { FlowtrailOptions } from '../src/index.ts';

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).retriable).toBe(false);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('sdkOptionsFromEnv', () => {
  it('reads FLOWTRAIL_SOURCE, KAFKA_BROKERS and FLOWTRAIL_TOPIC', () => {
    expect(
      parseSdkEnv({
        FLOWTRAIL_SOURCE: 'billing',
        KAFKA_BROKERS: 'k1:9092, k2:9093',
        FLOWTRAIL_TOPIC: 'billing.events',
      }),
    ).toEqual({ source: 'billing', brokers: ['k1:9092', 'k2:9093'], topic: 'billing.events' });
  });

  it('defaults brokers and topic, and builds a lazily connecting KafkaTransport', async () => {
    expect(parseSdkEnv({ FLOWTRAIL_SOURCE: 'billing' })).toEqual({
      source: 'billing',
      brokers: ['127.0.0.1:9092'],
      topic: 'flowtrail.events',
    });
    const options = sdkOptionsFromEnv({ FLOWTRAIL_SOURCE: 'billing' }, { maxBatchSize: 10 });
    expect(options.transport).toBeInstanceOf(KafkaTransport);
    expect((options.transport as KafkaTransport).topic).toBe('flowtrail.events');
    expect(options.maxBatchSize).toBe(10);
    await options.transport.close(); // never connected: nothing to do
  });

  it('lists every problem at once', () => {
    const problems = problemsOf(() =>
      parseSdkEnv({ KAFKA_BROKERS: 'nohost, ok:1, x:99999', FLOWTRAIL_TOPIC: 'bad topic!' }),
    );
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/FLOWTRAIL_SOURCE/);
    expect(problems.join('\n')).toMatch(/"nohost"/);
    expect(problems.join('\n')).toMatch(/"x:99999"/);
    expect(problems.join('\n')).toMatch(/FLOWTRAIL_TOPIC/);
  });
});

describe('createFlowtrail options', () => {
  it('rejects a bad options object listing every problem', () => {
    const problems = problemsOf(() =>
      createFlowtrail({
        source: '',
        transport: {} as FlowtrailOptions['transport'],
        maxQueueSize: 10,
        maxBatchSize: 20,
        maxRetries: -1,
        scheduledDelayMs: 1.5,
        clock: 'now' as unknown as () => Date,
      }),
    );
    expect(problems).toHaveLength(6);
  });

  it('accepts the minimal options', async () => {
    const ft = createFlowtrail({ source: 'billing', transport: new MemoryTransport() });
    expect(ft.source).toBe('billing');
    await ft.shutdown();
  });

  it('KafkaTransport needs exactly one of brokers, kafka, producer', () => {
    expect(problemsOf(() => new KafkaTransport({}))).toHaveLength(1);
    expect(problemsOf(() => new KafkaTransport({ brokers: [] }))).toHaveLength(1);
  });
});
