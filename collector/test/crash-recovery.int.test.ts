/**
 * Crash safety against the REAL Kafka and Elasticsearch: a collector child process is
 * SIGKILLed mid-stream and restarted. Afterwards every distinct event is stored exactly
 * once, every instance state equals the fold of the events produced for it, the consumer
 * group has no lag, and a SIGTERM stops the collector gracefully with exit code 0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@elastic/elasticsearch';
import type { Admin } from 'kafkajs';
import { KafkaTransport } from '@flowtrail/sdk';
import { instanceKeyOf, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { foldInstance } from '../src/domain/instance/fold.ts';
import type { InstanceState } from '../src/domain/instance/instance-state.ts';
import { createLogger } from '../src/shared/logger.ts';
import { ElasticsearchEventStore } from '../src/adapters/elasticsearch/es-event-store.ts';
import { parseConfig } from '../src/main/config/config.ts';
import { startChildCollector, type ChildCollector } from './helpers/child-collector.ts';
import { at, makeEvent } from './helpers/events.ts';
import {
  collectorTestEnv,
  brokers,
  consumerLag,
  countEvents,
  createTopics,
  uniqueName,
} from './helpers/servers.ts';
import { connectSuiteServers, type SuiteServers } from './helpers/suite-servers.ts';
import { waitFor } from './helpers/wait-for.ts';

const name = uniqueName('crash');
const topic = `${name}.events`;
const dlqTopic = `${name}.dlq`;
const env = collectorTestEnv(name, {
  FLOWTRAIL_BATCH_SIZE: '50',
  FLOWTRAIL_SESSION_TIMEOUT_MS: '6000',
  FLOWTRAIL_STATS_INTERVAL_MS: '2000',
  LOG_LEVEL: 'info',
});

const INSTANCES = 100;
const EVENTS_PER_INSTANCE = 30;

/** 30 events per instance: started, 14 steps (started + completed), an ending that varies. */
function eventsOf(i: number): FlowtrailEvent[] {
  const instance = `inst-${String(i).padStart(3, '0')}`;
  const base = at('2024-08-01T00:00:00Z', i * 60);
  const events = [
    makeEvent({
      type: 'flowtrail.process.started',
      instance,
      time: base,
      data: { businessKeys: { orderId: `o-${i}` } },
    }),
  ];
  for (let s = 0; s < 14; s++) {
    const step = `step-${s}`;
    events.push(
      makeEvent({ type: 'flowtrail.step.started', instance, step, time: at(base, 2 * s + 1) }),
    );
    events.push(
      makeEvent({ type: 'flowtrail.step.completed', instance, step, time: at(base, 2 * s + 2) }),
    );
  }
  const ends = [
    'flowtrail.process.completed',
    'flowtrail.process.failed',
    'flowtrail.process.cancelled',
    'custom.note',
  ];
  events.push(makeEvent({ type: ends[i % 4] as string, instance, time: at(base, 40) }));
  return events;
}

const perInstance = Array.from({ length: INSTANCES }, (_, i) => eventsOf(i));
/** Round-robin over instances, so every instance has events before and after the crash. */
const stream: FlowtrailEvent[] = [];
for (let j = 0; j < EVENTS_PER_INSTANCE; j++)
  for (const events of perInstance) stream.push(events[j] as FlowtrailEvent);
const phase1 = [...stream.slice(0, 2000), ...stream.slice(0, 2000).filter((_, k) => k % 40 === 0)];
const phase2 = [...stream.slice(2000), ...stream.filter((_, k) => k % 17 === 0)];

let servers: SuiteServers | undefined;
let es: Client;
let admin: Admin;
let transport: KafkaTransport;
let reader: ElasticsearchEventStore;
const children: ChildCollector[] = [];

beforeAll(async () => {
  servers = await connectSuiteServers(name);
  ({ es, admin } = servers);
  await createTopics(admin, [topic], 6);
  transport = new KafkaTransport({ brokers, topic });
  const config = parseConfig(env);
  reader = ElasticsearchEventStore.fromConfig(config.elasticsearch, createLogger('error'));
});

afterAll(async () => {
  for (const child of children) if (child.process.exitCode === null) child.process.kill('SIGKILL');
  await transport?.close();
  await reader?.close();
  await servers?.release([topic, dlqTopic], [name]);
});

async function send(events: FlowtrailEvent[]): Promise<void> {
  for (let k = 0; k < events.length; k += 200) await transport.send(events.slice(k, k + 200));
}

function summary(state: InstanceState | undefined): unknown {
  if (state === undefined) return undefined;
  const { key, status, eventCount, lastEventAt, currentSteps, businessKeys, steps } = state;
  return { key, status, eventCount, lastEventAt, currentSteps, businessKeys, steps: steps.length };
}

describe('crash recovery (child process, real Kafka + Elasticsearch)', () => {
  it('loses nothing and duplicates nothing across a SIGKILL, then stops gracefully on SIGTERM', async () => {
    const first = startChildCollector(env);
    children.push(first);
    await first.ready();

    const sending = send(phase1);
    await waitFor(async () => (await countEvents(es, name)) >= 200, {
      description: 'some events indexed',
      intervalMs: 50,
    });
    first.process.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    await sending;
    const indexedAtCrash = await countEvents(es, name);
    expect(indexedAtCrash).toBeGreaterThan(0);
    expect(indexedAtCrash).toBeLessThan(stream.length);

    const second = startChildCollector(env);
    children.push(second);
    await second.ready();
    await send(phase2);

    await waitFor(
      async () =>
        (await countEvents(es, name)) === stream.length &&
        (await consumerLag(admin, name, topic)) === 0,
      {
        timeoutMs: 150_000,
        description: `all ${stream.length} events indexed and lag 0`,
      },
    );

    // Exactly once: 3000 documents and no id twice.
    expect(await countEvents(es, name)).toBe(stream.length);
    const dups = await es.search({
      index: `${name}-events-*`,
      size: 0,
      aggs: { dups: { terms: { field: 'id', min_doc_count: 2, size: 10 } } },
    });
    expect((dups.aggregations?.dups as { buckets: unknown[] }).buckets).toEqual([]);

    // Every state equals the fold of what was produced for the instance.
    const expected = perInstance.map((events) => summary(foldInstance(events)));
    const actual = await waitFor(
      async () => {
        const states = await Promise.all(
          perInstance.map((events) => reader.getInstance(instanceKeyOf(events[0]!))),
        );
        const summaries = states.map(summary);
        return JSON.stringify(summaries) === JSON.stringify(expected) ? summaries : undefined;
      },
      {
        timeoutMs: 60_000,
        description: 'instance states equal to the fold of the produced events',
      },
    ).catch(async () =>
      Promise.all(
        perInstance.map(async (events) =>
          summary(await reader.getInstance(instanceKeyOf(events[0]!))),
        ),
      ),
    );
    expect(actual).toEqual(expected);
    expect(new Set(expected.map((s) => (s as { status: string }).status))).toEqual(
      new Set(['completed', 'failed', 'cancelled', 'running']),
    );

    // Graceful stop: exit code 0, offsets committed, nothing left behind.
    second.process.kill('SIGTERM');
    const exit = await second.exited;
    expect(exit, second.output.slice(-10).join('\n')).toEqual({ code: 0, signal: null });
    expect(second.output.some((line) => line.includes('collector stopped'))).toBe(true);
    expect(await consumerLag(admin, name, topic)).toBe(0);
  });
});
