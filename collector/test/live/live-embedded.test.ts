/**
 * `GET /api/live` against embedded mode: the real SQLite stores and the real HTTP server
 * on a free port. A client connects, waits for `ready`, and sees `change` events for
 * ingested events and alert writes; clients that leave are dropped (and the stores are no
 * longer read when none listens); `Last-Event-ID` from before a change gets a `change`
 * at once; the API key is also accepted as `?apiKey=` here (and only here); closing the
 * server ends open streams instead of waiting for them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { instanceKeyOf } from '@flowtrail/sdk/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldInstance } from '../../src/domain/instance/fold.ts';
import { startEmbedded, type RunningEmbedded } from '../../src/main/start-embedded.ts';
import { startApiServer } from '../../src/adapters/http/api-server.ts';
import { EventIngest } from '../../src/app/ingest/event-ingest.ts';
import { LiveHub } from '../../src/app/live/live-hub.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { Metrics } from '../../src/shared/metrics.ts';
import { SqliteEventStore } from '../../src/adapters/sqlite/sqlite-event-store.ts';
import { makeAlert } from '../alerts/alert-fixtures.ts';
import { makeEvent } from '../helpers/events.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { call, postStructured } from '../http/http-client.ts';
import { SseClient, type LiveChangeData } from './sse-client.ts';

const logger = createLogger('silent');
let dir: string;
let app: RunningEmbedded;
let secured: RunningEmbedded;
const clients: SseClient[] = [];

async function connect(base: string, headers: Record<string, string> = {}, query = '') {
  const client = await SseClient.open(`${base}/api/live${query}`, headers);
  clients.push(client);
  return client;
}

const started = (instance: string) =>
  makeEvent({ type: 'flowtrail.process.started', instance, time: '2026-11-22T09:00:00Z' });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flowtrail-live-'));
  // Writes through the HTTP API nudge the live channel; the test's direct store writes
  // show up at the next read (every 200 ms).
  app = await startEmbedded({
    dataDir: join(dir, 'open'),
    http: { host: '127.0.0.1', port: 0, livePollMs: 200 },
    logger,
  });
  secured = await startEmbedded({
    dataDir: join(dir, 'secured'),
    http: { host: '127.0.0.1', port: 0, apiKey: 'live-key' },
    logger,
  });
});

afterAll(async () => {
  for (const client of clients) client.close();
  await app?.stop();
  await secured?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('GET /api/live', () => {
  it('streams ready, then a change naming the instance of an ingested event', async () => {
    const client = await connect(app.api.url);
    expect(client.status).toBe(200);
    expect(client.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const ready = await client.next<{ events: number; alerts: number }>('ready');
    expect(client.frames[0]?.retry).toBeGreaterThan(0);
    expect(ready.id).toBe(`${ready.data.events}-${ready.data.alerts}`);

    const event = started('o-live-1');
    expect((await postStructured(app.api.url, JSON.stringify(event))).status).toBe(202);
    const key = instanceKeyOf(event);
    const change = await client.next(
      'change',
      (c) => c.instances.includes(key),
      `change of ${key}`,
    );
    expect(change.data.events).toBeGreaterThan(ready.data.events);
    expect(change.data).toMatchObject({ alerts: ready.data.alerts, truncated: false });
    expect(change.id).toBe(`${change.data.events}-${change.data.alerts}`);
  });

  it('streams a change for alert writes: a new alert and an acknowledgement', async () => {
    const client = await connect(app.api.url);
    const ready = await client.next<{ events: number; alerts: number }>('ready');
    const alert = makeAlert({ process: 'live-alerts', instance: 'a-1' });
    // Written to the store directly: no nudge, the poller finds it at its next read.
    expect((await app.alerts.store.upsertAlerts([alert])).written).toHaveLength(1);
    const fired = await client.next(
      'change',
      (c) => c.alerts > ready.data.alerts && c.instances.includes(alert.instance),
      'the alert change',
    );

    const ack = await call(
      `${app.api.url}/api/alerts/${encodeURIComponent(alert.id)}/acknowledge`,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"by":"ann"}' },
    );
    expect(ack.status).toBe(200);
    const acked = await client.next(
      'change',
      (c) => c.alerts > fired.data.alerts,
      'the acknowledgement change',
    );
    expect(acked.data.instances).toEqual([alert.instance]);
  });

  it('sends a change at once to a client reconnecting from before a change', async () => {
    expect((await postStructured(app.api.url, JSON.stringify(started('o-m')))).status).toBe(202);
    const client = await connect(app.api.url, { 'last-event-id': '0-0' });
    const ready = await client.next<{ events: number; alerts: number }>('ready');
    expect(ready.data.events).toBeGreaterThan(0);
    const missed = await client.next('change', () => true, 'the missed change');
    expect(missed.data).toEqual({ ...ready.data, instances: [], truncated: true });
    expect(client.frames.findIndex((f) => f.event === 'ready')).toBeLessThan(
      client.frames.findIndex((f) => f.event === 'change'),
    );
  });

  it('drops clients that leave, and reads the stores only while one listens', async () => {
    for (const client of clients.splice(0)) client.close();
    await waitFor(() => app.live.clientCount === 0, { description: 'no clients' });
    expect(app.live.isPolling).toBe(false);

    const [a, b] = [await connect(app.api.url), await connect(app.api.url)];
    await Promise.all([a.next('ready'), b.next('ready')]);
    expect(app.live.clientCount).toBe(2);
    expect(app.live.isPolling).toBe(true);
    a.close();
    await waitFor(() => app.live.clientCount === 1, { description: 'one client left' });
    expect(app.live.isPolling).toBe(true);

    const event = started('o-live-2');
    await postStructured(app.api.url, JSON.stringify(event));
    await b.next('change', (c) => c.instances.includes(instanceKeyOf(event)));
    b.close();
    await waitFor(() => app.live.clientCount === 0, { description: 'no clients' });
    expect(app.live.isPolling).toBe(false);
  });

  it('answers the current watermark, read from the stores, the same numbers `ready` carries', async () => {
    for (const client of clients.splice(0)) client.close();
    await waitFor(() => app.live.clientCount === 0, { description: 'no clients' });
    const watermark = async () => {
      const answer = await call(`${app.api.url}/api/live/watermark`);
      expect(answer.status).toBe(200);
      return answer.body as { events: number; alerts: number };
    };
    // Nobody listens (the stores are not being polled): still read now.
    const before = await watermark();
    expect((await postStructured(app.api.url, JSON.stringify(started('o-w')))).status).toBe(202);
    const alert = makeAlert({ process: 'live-watermark', instance: 'w-1' });
    await app.alerts.store.upsertAlerts([alert]);
    const after = await watermark();
    expect(after.events).toBeGreaterThan(before.events);
    expect(after.alerts).toBeGreaterThan(before.alerts);
    expect(Object.keys(after).sort()).toEqual(['alerts', 'events']);

    const client = await connect(app.api.url);
    expect((await client.next<typeof after>('ready')).data).toEqual(after);
    expect((await call(`${app.api.url}/api/live/watermark`, { method: 'POST' })).status).toBe(405);
    client.close();
    await waitFor(() => app.live.clientCount === 0, { description: 'no clients' });
  });

  it('answers HEAD with the stream headers only, and refuses other methods', async () => {
    const head = await SseClient.open(`${app.api.url}/api/live`, {}, 'HEAD');
    await head.ended;
    expect(head.status).toBe(200);
    expect(head.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(app.live.clientCount).toBe(0);
    const post = await call(`${app.api.url}/api/live`, { method: 'POST' });
    expect(post.status).toBe(405);
  });
});

describe('GET /api/live with an API key', () => {
  it('takes the key from the header or from ?apiKey=, on this route only', async () => {
    const url = secured.api.url;
    expect((await call(`${url}/api/live`)).status).toBe(401);
    expect((await call(`${url}/api/live?apiKey=wrong`)).status).toBe(401);
    const viaQuery = await connect(url, {}, '?apiKey=live-key');
    expect(viaQuery.status).toBe(200);
    await viaQuery.next('ready');
    const viaHeader = await connect(url, { authorization: 'Bearer live-key' });
    await viaHeader.next('ready');
    expect((await call(`${url}/api/instances?apiKey=live-key`)).status).toBe(401);
    viaQuery.close();
    viaHeader.close();
  });
});

describe('closing the API server', () => {
  it('ends open streams instead of waiting for them', async () => {
    const store = new SqliteEventStore({ dataDir: join(dir, 'closing') });
    await store.prepare();
    const live = new LiveHub({ sources: { instances: store }, logger });
    // A grace period far beyond the test's timeout: only ending the streams lets close() finish.
    const server = await startApiServer({
      host: '127.0.0.1',
      port: 0,
      closeTimeoutMs: 3_600_000,
      ingest: new EventIngest({
        writer: store,
        deadLetters: { send: async () => undefined },
        fold: foldInstance,
        maxEventBytes: 1024,
        metrics: new Metrics(),
        logger,
      }),
      reader: store,
      store: 'sqlite',
      maxBodyBytes: 1024,
      logger,
      live,
    });
    try {
      const client = await SseClient.open(`${server.url}/api/live`);
      const other = await SseClient.open(`${server.url}/api/live`);
      await Promise.all([client.next('ready'), other.next('ready')]);
      const state = foldInstance([started('o-close')]);
      await store.writeStates([state]);
      await client.next<LiveChangeData>('change', (c) => c.instances.includes(state.key));

      await server.close();
      await Promise.all([client.ended, other.ended]);
      expect(client.isEnded && other.isEnded).toBe(true);
      expect(live.clientCount).toBe(0);
      const refused = await call(`${server.url}/api/health`).catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(Error); // no longer listening
    } finally {
      await server.close();
      await store.close();
    }
  });
});
