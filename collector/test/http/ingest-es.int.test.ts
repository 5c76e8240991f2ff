/**
 * HTTP ingest in Kafka mode: `startCollector` serves the HTTP API next to the consumer,
 * with the REAL Elasticsearch store and the REAL Kafka dead-letter topic. Valid events
 * are stored once (also when sent twice), invalid ones are answered per event and land in
 * the DLQ with their original bytes and the reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@elastic/elasticsearch';
import type { Consumer, KafkaMessage } from 'kafkajs';
import { createFlowtrail, HttpTransport } from '@flowtrail/sdk';
import { instanceKeyOf, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { startCollector, type RunningCollector } from '../../src/main/start-collector.ts';
import { parseConfig } from '../../src/main/config/config.ts';
import type { InstanceState } from '../../src/domain/instance/instance-state.ts';
import { createLogger } from '../../src/shared/logger.ts';
import type { InstancePage } from '../../src/ports/event-store.ts';
import { makeEvent } from '../helpers/events.ts';
import { collectorTestEnv, countEvents, uniqueName } from '../helpers/servers.ts';
import { connectSuiteServers, type SuiteServers } from '../helpers/suite-servers.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { call, keyPath, postBatch, postBinary, postStructured } from './http-client.ts';

const name = uniqueName('http');
const topic = `${name}.events`;
const dlqTopic = `${name}.dlq`;
const config = parseConfig(
  collectorTestEnv(name, {
    FLOWTRAIL_MAX_EVENT_BYTES: '4096',
    FLOWTRAIL_TOPIC_PARTITIONS: '1',
    FLOWTRAIL_API_KEY: 'it-key',
  }),
);
const logger = createLogger('error');
const auth = { authorization: 'Bearer it-key' };
const T0 = '2026-11-22T09:00:00.000Z';

let servers: SuiteServers | undefined;
let es: Client;
let dlqConsumer: Consumer;
let collector: RunningCollector;
let base: string;
const deadLetters: KafkaMessage[] = [];

beforeAll(async () => {
  servers = await connectSuiteServers(name);
  es = servers.es;
  const kafka = servers.kafka;
  collector = await startCollector(config, { logger });
  base = collector.api?.url ?? '';
  dlqConsumer = kafka.consumer({ groupId: `${name}-reader` });
  await dlqConsumer.connect();
  await dlqConsumer.subscribe({ topic: dlqTopic, fromBeginning: true });
  await dlqConsumer.run({ eachMessage: async ({ message }) => void deadLetters.push(message) });
});

afterAll(async () => {
  await collector?.stop();
  await dlqConsumer?.disconnect();
  await servers?.release([topic, dlqTopic], [name, `${name}-reader`]);
});

const get = (path: string) => call(`${base}${path}`, { headers: auth });

async function eventIds(event: FlowtrailEvent): Promise<string[]> {
  const answer = await get(`/api/instances/${keyPath(instanceKeyOf(event))}/events`);
  return (answer.body as { events: FlowtrailEvent[] }).events.map((e) => e.id);
}

describe('HTTP API in Kafka mode (real Elasticsearch + Kafka DLQ)', () => {
  it('reports the Elasticsearch store and enforces the API key', async () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await call(`${base}/api/health`)).toMatchObject({
      status: 200,
      body: { status: 'ok', store: 'elasticsearch' },
    });
    expect((await call(`${base}/api/instances`)).status).toBe(401);
  });

  it('stores valid events once, answers and dead-letters invalid ones', async () => {
    const started = makeEvent({
      id: `${name}-1`,
      type: 'flowtrail.process.started',
      instance: 'o-1',
      time: T0,
      data: { businessKeys: { orderId: 'ES-1' } },
    });
    const step = makeEvent({
      id: `${name}-2`,
      type: 'flowtrail.step.started',
      instance: 'o-1',
      step: 'validate',
      time: '2026-11-22T09:00:01Z',
    });
    const waiting = makeEvent({
      id: `${name}-3`,
      type: 'flowtrail.step.waiting',
      instance: 'o-1',
      step: 'validate',
      time: '2026-11-22T09:00:02Z',
      data: { for: 'approval' },
    });
    const invalid = { ...step, id: `${name}-bad`, type: 'flowtrail.step.paused' };
    const oversized = { ...step, id: `${name}-big`, data: { attributes: { x: 'y'.repeat(5000) } } };

    expect(await postStructured(base, JSON.stringify(started), auth)).toMatchObject({
      status: 202,
      body: { accepted: 1, rejected: [] },
    });
    expect(await postBinary(base, waiting).then((a) => a.status)).toBe(401); // no key
    const batch = await postBatch(base, JSON.stringify([step, invalid, started, oversized]), auth);
    expect(batch.status).toBe(202);
    expect(batch.body).toMatchObject({
      accepted: 2,
      rejected: [
        { index: 1, id: `${name}-bad`, reason: 'schema-violation' },
        { index: 3, id: `${name}-big`, reason: 'oversized' },
      ],
    });
    const notJson = await postStructured(base, 'nope', auth);
    expect(notJson.body).toMatchObject({
      accepted: 0,
      rejected: [{ index: 0, reason: 'not-json' }],
    });
    expect((await postBatch(base, 'nope', auth)).status).toBe(400);

    // the same events again (an SDK retry): accepted, still one document each
    expect((await postBatch(base, JSON.stringify([started, step]), auth)).body).toEqual({
      accepted: 2,
      rejected: [],
    });
    expect(await countEvents(es, name)).toBe(2);
    expect(await eventIds(started)).toEqual([`${name}-1`, `${name}-2`]);

    const state = await waitFor(
      async () => {
        const answer = await get(`/api/instances/${keyPath(instanceKeyOf(started))}`);
        const body = answer.body as InstanceState;
        return answer.status === 200 && body.eventCount === 2 ? body : undefined;
      },
      { timeoutMs: 30_000, description: 'instance state' },
    );
    expect(state).toMatchObject({ status: 'running', currentSteps: ['validate'] });
    const search = await waitFor(
      async () => {
        const page = (await get('/api/instances?businessKey=orderId%3DES-1')).body as InstancePage;
        return page.total === 1 ? page : undefined;
      },
      { timeoutMs: 30_000, description: 'searchable instance' },
    );
    expect(search.instances[0]?.key).toBe(instanceKeyOf(started));

    const letters = await waitFor(() => (deadLetters.length >= 3 ? deadLetters : undefined), {
      timeoutMs: 30_000,
      description: 'three dead letters',
    });
    const reasons = letters.map((m) => m.headers?.['flowtrail-dlq-reason']?.toString()).sort();
    expect(reasons).toEqual(['not-json', 'oversized', 'schema-violation']);
    const bad = letters.find((m) => m.value?.toString().includes(`${name}-bad`));
    expect(bad?.value?.toString()).toBe(JSON.stringify(invalid));
    expect(bad?.headers?.['flowtrail-dlq-topic']?.toString()).toBe('http');
    expect(bad?.headers?.['flowtrail-dlq-offset']?.toString()).toBe('1');
  });

  it('takes events from the SDK HttpTransport', async () => {
    const flowtrail = createFlowtrail({
      source: 'billing',
      transport: new HttpTransport({ url: base, apiKey: 'it-key' }),
    });
    const payment = flowtrail.process('payment', {
      instance: 'p-1',
      businessKeys: { orderId: 'ES-2' },
    });
    payment.start();
    payment.complete();
    await flowtrail.shutdown();
    expect(flowtrail.stats()).toMatchObject({ sent: 2, failed: 0 });
    const state = await waitFor(
      async () => {
        const answer = await get(`/api/instances/${keyPath('billing/payment/p-1')}`);
        return answer.status === 200 ? (answer.body as InstanceState) : undefined;
      },
      { timeoutMs: 30_000, description: 'sdk instance' },
    );
    expect(state).toMatchObject({ status: 'completed', eventCount: 2 });
  });
});
