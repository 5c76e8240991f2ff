/**
 * `GET /api/live` in Kafka mode against the REAL Kafka and Elasticsearch: two collectors
 * share the consumer group and the index prefix, a client listens on collector A. Writes
 * that A never sees in-process — events ingested over HTTP by B, events consumed from
 * Kafka by either, alerts written and acknowledged through B — reach A's stream, because
 * the live channel reads the change feed of the shared store. Stopping A ends its streams.
 */
import { instanceKeyOf } from '@flowtrail/sdk/protocol';
import type { Admin, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type RunningCollector } from '../../src/main/start-collector.ts';
import { parseConfig } from '../../src/main/config/config.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { makeAlert } from '../alerts/alert-fixtures.ts';
import { produceEvents } from '../detection-int/helpers.ts';
import { makeEvent } from '../helpers/events.ts';
import { collectorTestEnv, createTopics, uniqueName } from '../helpers/servers.ts';
import { call, postStructured } from '../http/http-client.ts';
import { connectSuiteServers, type SuiteServers } from '../helpers/suite-servers.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { SseClient } from './sse-client.ts';

const name = uniqueName('live');
const topic = `${name}.events`;
const KEY = 'it-live-key';
const auth = { authorization: `Bearer ${KEY}` };
const config = parseConfig(
  collectorTestEnv(name, { FLOWTRAIL_API_KEY: KEY, FLOWTRAIL_LIVE_POLL_MS: '250' }),
);
const logger = createLogger('error');

let servers: SuiteServers | undefined;
let admin: Admin;
let producer: Producer;
let a: RunningCollector | undefined;
let b: RunningCollector | undefined;
let stream: SseClient;

const started = (instance: string) =>
  makeEvent({ type: 'flowtrail.process.started', instance, time: new Date().toISOString() });

function apiOf(collector: RunningCollector | undefined): string {
  const url = collector?.api?.url;
  if (url === undefined) throw new Error('collector without an HTTP API');
  return url;
}

beforeAll(async () => {
  servers = await connectSuiteServers(name);
  admin = servers.admin;
  const kafka = servers.kafka;
  await createTopics(admin, [topic], 2);
  producer = kafka.producer();
  await producer.connect();
  a = await startCollector(config, { logger: logger.child({ collector: 'a' }) });
  b = await startCollector(config, { logger: logger.child({ collector: 'b' }) });
  // EventSource cannot send headers: the browser's way in is ?apiKey=.
  stream = await SseClient.open(`${apiOf(a)}/api/live?apiKey=${KEY}`);
  expect(stream.status).toBe(200);
  await stream.next('ready');
});

afterAll(async () => {
  stream?.close();
  await Promise.all([a?.stop(), b?.stop()]);
  await producer?.disconnect();
  await servers?.release([topic], [name]);
});

describe('GET /api/live across collectors sharing Elasticsearch', () => {
  it('pushes an event ingested over HTTP by another collector', async () => {
    const event = started('o-http');
    const answer = await postStructured(apiOf(b), JSON.stringify(event), auth);
    expect(answer.status).toBe(202);
    const key = instanceKeyOf(event);
    const change = await stream.next('change', (c) => c.instances.includes(key), key);
    expect(change.data.events).toBeGreaterThan(0);
  });

  it('pushes an event consumed from Kafka', async () => {
    const event = started('o-kafka');
    await produceEvents(producer, topic, [event]);
    const key = instanceKeyOf(event);
    await stream.next('change', (c) => c.instances.includes(key), key);
  });

  it('pushes alert writes and acknowledgements made through another collector', async () => {
    const before = stream.events<{ alerts: number }>('change').at(-1)?.data.alerts ?? 0;
    const alert = makeAlert({ process: `live-${name}`, instance: 'a-1' });
    expect((await b!.alerts.store.upsertAlerts([alert])).written).toHaveLength(1);
    const fired = await stream.next(
      'change',
      (c) => c.alerts > before && c.instances.includes(alert.instance),
      'the alert change',
    );
    const ack = await call(`${apiOf(b)}/api/alerts/${encodeURIComponent(alert.id)}/acknowledge`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ by: 'ann' }),
    });
    expect(ack.status).toBe(200);
    const acked = await stream.next(
      'change',
      (c) => c.alerts > fired.data.alerts,
      'the acknowledgement change',
    );
    expect(acked.data.instances).toEqual([alert.instance]);
  });

  it('answers a watermark that counts the writes of every collector', async () => {
    const watermark = async () => {
      const answer = await call(`${apiOf(a)}/api/live/watermark`, { headers: auth });
      expect(answer.status).toBe(200);
      return answer.body as { events: number; alerts: number };
    };
    const before = await watermark();
    const alert = makeAlert({ process: `live-${name}`, instance: 'w-1' });
    expect((await b!.alerts.store.upsertAlerts([alert])).written).toHaveLength(1);
    // Near-real-time: the write counts once Elasticsearch refreshed.
    const after = await waitFor(
      async () => {
        const now = await watermark();
        return now.alerts > before.alerts ? now : undefined;
      },
      { timeoutMs: 30_000, description: 'the watermark to count the alert written on B' },
    );
    expect(after.events).toBeGreaterThanOrEqual(before.events);
  });

  it('refuses ?apiKey= on other routes', async () => {
    expect((await call(`${apiOf(a)}/api/instances?apiKey=${KEY}`)).status).toBe(401);
  });

  it('ends the open streams when the collector stops', async () => {
    const second = await SseClient.open(`${apiOf(a)}/api/live`, auth);
    await second.next('ready');
    const stopping = a!.stop();
    a = undefined;
    await stopping;
    await Promise.all([stream.ended, second.ended]);
    expect(stream.isEnded && second.isEnded).toBe(true);
  });
});
