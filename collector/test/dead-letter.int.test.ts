/**
 * Invalid inputs go to the dead-letter topic with their ORIGINAL bytes and headers plus
 * the reason; valid events around them still land (the pipeline never stops on bad input).
 * Real Kafka and Elasticsearch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@elastic/elasticsearch';
import type { Consumer, KafkaMessage, Producer } from 'kafkajs';
import { startCollector, type RunningCollector } from '../src/main/start-collector.ts';
import { parseConfig } from '../src/main/config/config.ts';
import { createLogger } from '../src/shared/logger.ts';
import { ElasticsearchEventStore } from '../src/adapters/elasticsearch/es-event-store.ts';
import { makeEvent } from './helpers/events.ts';
import { collectorTestEnv, countEvents, uniqueName } from './helpers/servers.ts';
import { connectSuiteServers, type SuiteServers } from './helpers/suite-servers.ts';
import { waitFor } from './helpers/wait-for.ts';

const name = uniqueName('dlq');
const topic = `${name}.events`;
const dlqTopic = `${name}.dlq`;
const config = parseConfig(
  collectorTestEnv(name, {
    FLOWTRAIL_MAX_EVENT_BYTES: '4096',
    FLOWTRAIL_TOPIC_PARTITIONS: '1', // one partition: the order below is the processing order
  }),
);
const logger = createLogger('error');

let servers: SuiteServers | undefined;
let es: Client;
let producer: Producer;
let dlqConsumer: Consumer;
let collector: RunningCollector;
let reader: ElasticsearchEventStore;
const deadLetters: KafkaMessage[] = [];

beforeAll(async () => {
  servers = await connectSuiteServers(name);
  es = servers.es;
  const kafka = servers.kafka;
  // The collector creates both topics (they do not exist yet).
  collector = await startCollector(config, { logger });
  producer = kafka.producer();
  await producer.connect();
  dlqConsumer = kafka.consumer({ groupId: `${name}-reader` });
  await dlqConsumer.connect();
  await dlqConsumer.subscribe({ topic: dlqTopic, fromBeginning: true });
  await dlqConsumer.run({ eachMessage: async ({ message }) => void deadLetters.push(message) });
  reader = ElasticsearchEventStore.fromConfig(config.elasticsearch, logger);
});

afterAll(async () => {
  await collector?.stop();
  await dlqConsumer?.disconnect();
  await producer?.disconnect();
  await reader?.close();
  await servers?.release([topic, dlqTopic], [name, `${name}-reader`]);
});

const header = (message: KafkaMessage, key: string): string | undefined =>
  message.headers?.[key]?.toString();

describe('dead-letter topic (real Kafka + Elasticsearch)', () => {
  it('dead-letters every kind of invalid input with its original bytes and keeps going', async () => {
    const instance = `ok-${name}`;
    const time = '2024-07-01T12:00:00Z';
    const before = makeEvent({
      type: 'flowtrail.process.started',
      instance,
      time,
      data: { attributes: { amount: 12 } },
    });
    const after = makeEvent({
      type: 'flowtrail.process.completed',
      instance,
      time: '2024-07-01T12:10:00Z',
    });
    const notJson = Buffer.from('{"specversion": "1.0", oops');
    const { ftinstance: _dropped, ...withoutInstance } = makeEvent({
      type: 'flowtrail.process.started',
      instance,
      time,
    });
    const schemaViolation = Buffer.from(JSON.stringify(withoutInstance));
    const oversized = Buffer.from(
      JSON.stringify(
        makeEvent({ type: 'custom.big', instance, time, data: { blob: 'x'.repeat(10_000) } }),
      ),
    );
    const oldSpec = Buffer.from(
      JSON.stringify({ ...makeEvent({ type: 'custom.old', instance, time }), specversion: '0.3' }),
    );
    // Valid for the protocol, but `data.attributes.amount` was mapped as a number above.
    const conflicting = makeEvent({
      type: 'custom.conflict',
      instance,
      time,
      data: { attributes: { amount: { value: 1 } } },
    });

    await producer.send({ topic, messages: [{ key: instance, value: JSON.stringify(before) }] });
    await waitFor(
      async () => (await reader.getInstance(`shop/order-fulfilment/${instance}`))?.eventCount === 1,
      {
        description: 'first valid event folded',
      },
    );
    await producer.send({
      topic,
      messages: [
        { key: 'a', value: notJson, headers: { 'x-origin': 'integration-test' } },
        { key: 'b', value: schemaViolation },
        { key: 'c', value: oversized },
        { key: 'd', value: oldSpec },
        { key: 'e', value: JSON.stringify(conflicting) },
        { key: instance, value: JSON.stringify(after) },
      ],
    });

    const state = await waitFor(
      async () => {
        const s = await reader.getInstance(`shop/order-fulfilment/${instance}`);
        return s?.eventCount === 2 ? s : undefined;
      },
      { description: 'valid event after the invalid ones folded' },
    );
    expect(state.status).toBe('completed');
    await waitFor(() => deadLetters.length >= 5, { description: 'five dead letters' });
    expect(deadLetters).toHaveLength(5);

    const byReason = new Map(deadLetters.map((m) => [header(m, 'flowtrail-dlq-reason'), m]));
    const expectations: [string, Buffer][] = [
      ['not-json', notJson],
      ['schema-violation', schemaViolation],
      ['oversized', oversized],
      ['unsupported-specversion', oldSpec],
      ['storage-rejected', Buffer.from(JSON.stringify(conflicting))],
    ];
    for (const [reason, original] of expectations) {
      const letter = byReason.get(reason);
      expect(letter, reason).toBeDefined();
      expect(letter?.value?.equals(original), `${reason}: original bytes`).toBe(true);
      expect(header(letter!, 'flowtrail-dlq-topic')).toBe(topic);
      expect(header(letter!, 'flowtrail-dlq-partition')).toBe('0');
      expect(Number(header(letter!, 'flowtrail-dlq-offset'))).toBeGreaterThanOrEqual(1);
      const errors = JSON.parse(header(letter!, 'flowtrail-dlq-errors') ?? 'null') as unknown[];
      expect(Array.isArray(errors) && errors.length > 0, `${reason}: errors`).toBe(true);
    }
    expect(header(byReason.get('not-json')!, 'x-origin')).toBe('integration-test');
    expect(header(byReason.get('schema-violation')!, 'flowtrail-dlq-errors')).toContain(
      'ftinstance',
    );
    expect(header(byReason.get('storage-rejected')!, 'flowtrail-dlq-errors')).toContain('amount');
    expect(header(byReason.get('not-json')!, 'flowtrail-dlq-offset')).toBe('1');

    // Only the two valid events are stored.
    expect(await countEvents(es, name)).toBe(2);
    expect(collector.metrics.snapshot()).toMatchObject({ dlq: 5, indexed: 2, storageRejected: 1 });
  });
});
