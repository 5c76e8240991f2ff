import { describe, expect, it } from 'vitest';
import { parseDemoArgs } from '../../src/tools/cli/demo-command.ts';

describe('flowtrail demo arguments', () => {
  it('defaults: http to the local collector, continuous at 2/s, 3% faults, a random seed', () => {
    const parsed = parseDemoArgs([], {});
    expect(parsed).toMatchObject({
      ok: true,
      args: {
        transport: { kind: 'http', url: 'http://127.0.0.1:4100' },
        instances: undefined,
        rate: 2,
        faultRate: 0.03,
        historyHours: 2,
        seed: expect.stringMatching(/^[0-9a-f]{8}$/),
      },
    });
  });

  it('reads FLOWTRAIL_URL / FLOWTRAIL_API_KEY, KAFKA_BROKERS / FLOWTRAIL_TOPIC; flags win', () => {
    const env = {
      FLOWTRAIL_URL: 'http://collector:4100',
      FLOWTRAIL_API_KEY: 'k1',
      KAFKA_BROKERS: 'a:9092, b:9093',
      FLOWTRAIL_TOPIC: 'events.demo',
    };
    expect(parseDemoArgs([], env)).toMatchObject({
      args: { transport: { kind: 'http', url: 'http://collector:4100', apiKey: 'k1' } },
    });
    expect(parseDemoArgs(['--url', 'http://x:1', '--api-key', 'k2'], env)).toMatchObject({
      args: { transport: { url: 'http://x:1', apiKey: 'k2' } },
    });
    expect(parseDemoArgs(['--transport', 'kafka'], env)).toMatchObject({
      args: { transport: { kind: 'kafka', brokers: ['a:9092', 'b:9093'], topic: 'events.demo' } },
    });
    expect(
      parseDemoArgs(
        [
          '--transport',
          'kafka',
          '--topic',
          't1',
          '--instances',
          '20',
          '--seed',
          's',
          '--fault-rate',
          '1',
        ],
        env,
      ),
    ).toMatchObject({
      args: { transport: { topic: 't1' }, instances: 20, seed: 's', faultRate: 1 },
    });
  });

  it('lists every problem', () => {
    const parsed = parseDemoArgs(
      ['--transport', 'smtp', '--instances', '0', '--rate', 'fast', '--fault-rate', '2'],
      {},
    );
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems).toHaveLength(4);
    expect(parseDemoArgs(['--bogus'], {})).toMatchObject({ ok: false, help: false });
    expect(parseDemoArgs(['--topic', 't'], {})).toMatchObject({ ok: false });
    expect(parseDemoArgs(['-h'], {})).toMatchObject({ ok: false, help: true });
  });
});
