/**
 * End to end against the REAL Kafka and Elasticsearch: events produced with the SDK's
 * KafkaTransport (structured mode) and with a plain kafkajs producer (binary mode) land
 * exactly once, and the folded instance state is searchable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@elastic/elasticsearch';
import type { Admin, Producer } from 'kafkajs';
import { KafkaTransport } from '@flowtrail/sdk';
import { startCollector, type RunningCollector } from '../src/main/start-collector.ts';
import { parseConfig } from '../src/main/config/config.ts';
import type { InstanceState } from '../src/domain/instance/instance-state.ts';
import { createLogger } from '../src/shared/logger.ts';
import { ElasticsearchEventStore } from '../src/adapters/elasticsearch/es-event-store.ts';
import { at, makeEvent } from './helpers/events.ts';
import {
  collectorTestEnv,
  brokers,
  countEvents,
  createTopics,
  uniqueName,
} from './helpers/servers.ts';
import { connectSuiteServers, type SuiteServers } from './helpers/suite-servers.ts';
import { waitFor } from './helpers/wait-for.ts';
import { expectedBuckets } from './analytics/expected-buckets.ts';

const name = uniqueName('pipe');
const topic = `${name}.events`;
const dlqTopic = `${name}.dlq`;
const config = parseConfig(
  collectorTestEnv(name, {
    FLOWTRAIL_RETRY_MIN_MS: '50',
    FLOWTRAIL_RETRY_MAX_MS: '2000',
  }),
);
const logger = createLogger('warn');

let servers: SuiteServers | undefined;
let es: Client;
let admin: Admin;
let producer: Producer;
let transport: KafkaTransport;
let collector: RunningCollector;
let reader: ElasticsearchEventStore;

beforeAll(async () => {
  servers = await connectSuiteServers(name);
  ({ es, admin } = servers);
  const kafka = servers.kafka;
  await createTopics(admin, [topic]);
  producer = kafka.producer();
  await producer.connect();
  transport = new KafkaTransport({ brokers, topic });
  collector = await startCollector(config, { logger });
  reader = ElasticsearchEventStore.fromConfig(config.elasticsearch, logger);
});

afterAll(async () => {
  await collector?.stop();
  await transport?.close();
  await producer?.disconnect();
  await reader?.close();
  await servers?.release([topic, dlqTopic], [name]);
});

async function stateOf(key: string, eventCount: number): Promise<InstanceState> {
  return waitFor(
    async () => {
      const state = await reader.getInstance(key);
      return state !== undefined && state.eventCount === eventCount ? state : undefined;
    },
    { timeoutMs: 60_000, description: `state of ${key} with ${eventCount} events` },
  );
}

describe('collector pipeline (real Kafka + Elasticsearch)', () => {
  it('indexes SDK events exactly once and folds a searchable instance state', async () => {
    const base = '2024-06-01T08:00:00.000Z';
    const instance = `order-${name}`;
    const events = [
      makeEvent({
        type: 'flowtrail.process.started',
        instance,
        time: at(base, 0),
        owner: 'team-shop',
        data: { businessKeys: { orderId: `4711-${name}` } },
      }),
      makeEvent({
        type: 'flowtrail.step.started',
        instance,
        time: at(base, 1),
        step: 'payment',
        owner: 'team-billing',
      }),
      makeEvent({ type: 'flowtrail.step.completed', instance, time: at(base, 2), step: 'payment' }),
      makeEvent({
        type: 'flowtrail.step.started',
        instance,
        time: at(base, 3),
        step: 'shipping',
        owner: 'team-warehouse',
      }),
      makeEvent({
        type: 'flowtrail.step.waiting',
        instance,
        time: at(base, 4),
        step: 'shipping',
        data: { for: 'carrier pickup', deadline: at(base, 7200) },
      }),
      makeEvent({
        type: 'parcel.labelled',
        instance,
        time: at(base, 5),
        data: { attributes: { carrier: 'zebra-express' } },
      }),
    ];
    await transport.send(events);

    const key = `shop/order-fulfilment/${instance}`;
    const state = await stateOf(key, events.length);
    expect(state.status).toBe('waiting');
    expect(state.businessKeys).toEqual({ orderId: `4711-${name}` });
    expect(state.steps.map((s) => [s.name, s.status])).toEqual([
      ['payment', 'completed'],
      ['shipping', 'waiting'],
    ]);
    expect(state.nextDeadline).toBe(at(base, 7200));

    for (const event of events) {
      expect(await countEvents(es, name, { term: { id: event.id } })).toBe(1);
    }
    expect((await reader.getEvents(key)).map((e) => e.id)).toEqual(events.map((e) => e.id));
    // The event lives in the daily index of its time.
    const daily = await es.count({
      index: `${name}-events-2024.06.01`,
      query: { term: { instanceKey: key } },
    });
    expect(daily.count).toBe(events.length);

    // Search is near-real-time (refresh interval): poll.
    const found = (query: Parameters<typeof reader.search>[0]) =>
      waitFor(
        async () => {
          const page = await reader.search(query);
          return page.total > 0 ? page : undefined;
        },
        { timeoutMs: 30_000, description: `search ${JSON.stringify(query)}` },
      );
    expect((await found({ businessKey: `4711-${name}` })).instances.map((i) => i.key)).toEqual([
      key,
    ]);
    expect((await found({ businessKey: `orderId=4711-${name}` })).total).toBe(1);
    const byText = await found({ text: instance, status: 'waiting', process: 'order-fulfilment' });
    expect(byText.instances.map((i) => i.key)).toEqual([key]);
    expect((await reader.search({ businessKey: `4711-${name}`, status: 'completed' })).total).toBe(
      0,
    );
    // Free text over event data (the `text` catch-all of the events indices).
    expect(await countEvents(es, name, { match: { text: 'zebra-express' } })).toBe(1);

    // The collector's compaction takes the contribution into the heat-map buckets.
    const want = JSON.stringify(expectedBuckets(events));
    await waitFor(
      async () => {
        const buckets = await reader.analyticsBuckets({ process: 'order-fulfilment' });
        return JSON.stringify(buckets) === want ? true : undefined;
      },
      { timeoutMs: 30_000, description: 'analytics buckets of the collector' },
    );
  });

  it('ingests a raw CloudEvent produced in binary mode (ce_* headers)', async () => {
    const instance = `bin-${name}`;
    const id = `bin-event-${name}`;
    await producer.send({
      topic,
      messages: [
        {
          key: instance,
          headers: {
            ce_specversion: '1.0',
            ce_id: id,
            ce_source: 'legacy-erp',
            ce_type: 'flowtrail.process.started',
            ce_time: '2024-06-02T09:30:00Z',
            ce_ftprocess: 'invoicing',
            ce_ftinstance: instance,
            'content-type': 'application/json',
          },
          value: JSON.stringify({ businessKeys: { invoiceNo: `INV-${name}` } }),
        },
      ],
    });
    const state = await stateOf(`legacy-erp/invoicing/${instance}`, 1);
    expect(state.status).toBe('running');
    expect(state.businessKeys).toEqual({ invoiceNo: `INV-${name}` });
    expect(await countEvents(es, name, { term: { id } })).toBe(1);
  });

  it('keeps one document per event id and counts a duplicate once', async () => {
    const instance = `dup-${name}`;
    const started = makeEvent({
      type: 'flowtrail.process.started',
      instance,
      time: '2024-06-03T10:00:00Z',
    });
    const completed = makeEvent({
      type: 'flowtrail.process.completed',
      instance,
      time: '2024-06-03T10:05:00Z',
    });
    await transport.send([started]);
    await transport.send([started, completed]);
    await transport.send([completed]);
    const key = `shop/order-fulfilment/${instance}`;
    const state = await stateOf(key, 2);
    expect(state.status).toBe('completed');
    expect(await countEvents(es, name, { term: { instanceKey: key } })).toBe(2);
    expect(await countEvents(es, name, { term: { id: started.id } })).toBe(1);
    // Every message was consumed and committed; still exactly one document per id.
    await waitFor(() => collector.metrics.snapshot().consumed >= 10, {
      description: 'all messages consumed',
    });
    expect(await countEvents(es, name, { term: { id: completed.id } })).toBe(1);
    expect((await reader.getInstance(key))?.eventCount).toBe(2);
  });
});
