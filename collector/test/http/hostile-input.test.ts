/**
 * Issue 10 ("Integrity under hostile input"), the HTTP API's defences against a real
 * embedded server (SQLite in a temp dir): the Host allowlist, cross-site writes, strict
 * content types, the body/event/time/connection limits, and silence bodies that used to
 * answer 500. Each refusal is a JSON `{error, retriable}` (docs/security.md).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type RunningApiServer } from '../../src/adapters/http/api-server.ts';
import { SqliteDeadLetterStore } from '../../src/adapters/sqlite/sqlite-dead-letter-store.ts';
import { SqliteEventStore } from '../../src/adapters/sqlite/sqlite-event-store.ts';
import { EventIngest } from '../../src/app/ingest/event-ingest.ts';
import { foldInstance } from '../../src/domain/instance/fold.ts';
import { startEmbedded, type RunningEmbedded } from '../../src/main/start-embedded.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { Metrics } from '../../src/shared/metrics.ts';
import { makeEvent } from '../helpers/events.ts';
import { raw } from './raw-request.ts';

const logger = createLogger('silent');
const MAX_BODY_BYTES = 64 * 1024;
const T0 = '2026-11-22T09:00:00.000Z';
let dir: string;
let app: RunningEmbedded;
let base: string;
let port: number;
let tight: RunningApiServer;

const event = (id: string): string =>
  JSON.stringify(
    makeEvent({ id, type: 'flowtrail.process.started', instance: `o-${id}`, time: T0 }),
  );

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flowtrail-hostile-'));
  app = await startEmbedded({
    dataDir: join(dir, 'embedded'),
    http: { host: '127.0.0.1', port: 0, maxBodyBytes: MAX_BODY_BYTES },
    logger,
  });
  base = app.api.url;
  port = app.api.port;
  const dataDir = join(dir, 'tight');
  const store = new SqliteEventStore({ dataDir });
  const deadLetters = new SqliteDeadLetterStore({ dataDir });
  await store.prepare();
  await deadLetters.prepare();
  const ingest = new EventIngest({
    writer: store,
    deadLetters,
    fold: foldInstance,
    maxEventBytes: 4096,
    metrics: new Metrics(),
    logger,
  });
  tight = await startApiServer({
    host: '127.0.0.1',
    port: 0,
    maxBodyBytes: 1024 * 1024,
    ingest,
    reader: store,
    store: 'sqlite',
    logger,
    guard: { maxEventsPerRequest: 3, bodyTimeoutMs: 300, maxConnections: 4 },
  });
});

afterAll(async () => {
  await tight?.close();
  await app?.stop();
  await rm(dir, { recursive: true, force: true });
});

const ingestHeaders = { 'content-type': 'application/cloudevents+json' };

describe('the Host allowlist of a loopback-bound API (DNS rebinding)', () => {
  it('answers its loopback names', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      expect((await raw(base, { path: '/api/health', headers: { host } })).status).toBe(200);
    }
  });

  it('refuses any other Host with 403 and a JSON error', async () => {
    for (const host of [`evil.example:${port}`, 'localhost', `127.0.0.1:${port + 1}`]) {
      const answer = await raw(base, { path: '/api/instances', headers: { host } });
      expect(answer.status).toBe(403);
      expect(answer.json).toMatchObject({ error: expect.stringMatching(/host/), retriable: false });
    }
  });
});

describe('cross-site writes', () => {
  const post = (headers: Record<string, string>) =>
    raw(base, {
      method: 'POST',
      path: '/api/events',
      headers: { ...ingestHeaders, ...headers },
      body: event(`x-${Math.random()}`),
    });

  it('refuses a foreign Origin, Origin null and Sec-Fetch-Site cross-site with 403', async () => {
    for (const headers of <Record<string, string>[]>[
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { origin: `http://localhost:${port}`, 'sec-fetch-site': 'cross-site' },
    ]) {
      const answer = await post(headers);
      expect(answer.status, JSON.stringify(headers)).toBe(403);
      expect(answer.json).toMatchObject({ error: expect.any(String), retriable: false });
    }
  });

  it('accepts the API’s own origin, the dashboard’s, and server-to-server calls', async () => {
    for (const headers of <Record<string, string>[]>[
      {},
      { origin: `http://127.0.0.1:${port}`, 'sec-fetch-site': 'same-origin' },
      { origin: 'http://localhost:3000', 'sec-fetch-site': 'same-site' },
      { origin: 'http://127.0.0.1:3000', 'sec-fetch-site': 'cross-site' },
    ]) {
      expect((await post(headers)).status, JSON.stringify(headers)).toBe(202);
    }
  });

  it('lets cross-site reads through (no CORS headers: the browser hides the answer)', async () => {
    const answer = await raw(base, {
      path: '/api/health',
      headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('strict content types', () => {
  it('refuses text/plain and an untyped body on ingest, accepts binary mode with any type', async () => {
    for (const headers of [{ 'content-type': 'text/plain' }, {}]) {
      const answer = await raw(base, {
        method: 'POST',
        path: '/api/events',
        headers,
        body: event('plain'),
      });
      expect(answer.status).toBe(415);
      expect(answer.json).toMatchObject({ error: expect.any(String) });
    }
    const binary = await raw(base, {
      method: 'POST',
      path: '/api/events',
      headers: {
        'content-type': 'text/plain',
        'ce-specversion': '1.0',
        'ce-id': 'bin-1',
        'ce-source': 'shop',
        'ce-type': 'flowtrail.process.started',
        'ce-ftprocess': 'order-fulfilment',
        'ce-ftinstance': 'o-bin',
        'ce-time': new Date().toISOString(),
      },
      body: 'hello',
    });
    expect(binary.status, binary.text).toBe(202);
  });

  it('refuses a text/plain alert action and command ack (415), accepts JSON and empty', async () => {
    for (const path of ['/api/alerts/a%2Fb/acknowledge', '/api/commands/ack']) {
      const plain = await raw(base, {
        method: 'POST',
        path,
        headers: { 'content-type': 'text/plain' },
        body: '{"by":"eve","ids":["x"]}',
      });
      expect(plain.status, path).toBe(415);
    }
    const empty = await raw(base, { method: 'POST', path: '/api/alerts/a%2Fb/acknowledge' });
    expect(empty.status).toBe(404); // no such alert: the body was fine
    const json = await raw(base, {
      method: 'POST',
      path: '/api/commands/ack',
      headers: { 'content-type': 'application/json' },
      body: '{"ids":["x"]}',
    });
    expect(json).toMatchObject({ status: 200, json: { acked: 0 } });
  });
});

describe('limits', () => {
  it('answers a declared Content-Length over the limit with 413 at once, unread', async () => {
    const started = Date.now();
    const answer = await raw(base, {
      method: 'POST',
      path: '/api/events',
      headers: { ...ingestHeaders, 'content-length': String(100 * 1024 * 1024) },
      headersOnly: true,
    });
    expect(answer.status).toBe(413);
    expect(answer.json).toMatchObject({ error: expect.stringMatching(/limit/), retriable: false });
    expect(answer.headers.connection).toBe('close');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('answers a batch over the events-per-request cap with 413', async () => {
    const batch = (n: number): string =>
      `[${Array.from({ length: n }, (_, i) => event(`cap-${n}-${i}`)).join(',')}]`;
    const headers = { 'content-type': 'application/cloudevents-batch+json' };
    const over = await raw(tight.url, {
      method: 'POST',
      path: '/api/events',
      headers,
      body: batch(4),
    });
    expect(over.status).toBe(413);
    expect(over.json).toMatchObject({ error: expect.stringMatching(/limit of 3/) });
    const at = await raw(tight.url, {
      method: 'POST',
      path: '/api/events',
      headers,
      body: batch(3),
    });
    expect(at.status, at.text).toBe(202);
    expect(at.json, at.text).toMatchObject({ accepted: 3 });
  });

  it('refuses a batch element nested too deeply to re-serialize with 400, not 500', async () => {
    const deep = `[${'['.repeat(200_000)}${']'.repeat(200_000)}]`;
    const answer = await raw(base, {
      method: 'POST',
      path: '/api/events',
      headers: { 'content-type': 'application/cloudevents-batch+json' },
      body: deep,
    });
    expect(answer.status).toBe(413); // over this server's 64 KB body limit first
    const roomy = await raw(tight.url, {
      method: 'POST',
      path: '/api/events',
      headers: { 'content-type': 'application/cloudevents-batch+json' },
      body: deep,
    });
    expect(roomy.status, roomy.text).toBe(400);
    expect(roomy.json).toMatchObject({ error: expect.stringMatching(/nested too deeply/) });
  });

  it('cuts a body that arrives too slowly with 408', async () => {
    const answer = await raw(tight.url, {
      method: 'POST',
      path: '/api/events',
      headers: ingestHeaders,
      body: event('slow'),
      trickleMs: 50,
    });
    expect(answer.status).toBe(408);
    expect(answer.json).toMatchObject({ retriable: true });
    expect((await raw(tight.url, { path: '/api/health' })).status).toBe(200);
  });

  it('refuses connections over the cap and serves again once they close', async () => {
    const open: Socket[] = await Promise.all(
      Array.from(
        { length: 4 },
        () =>
          new Promise<Socket>((resolve) => {
            const socket = createConnection(tight.port, '127.0.0.1', () => resolve(socket));
          }),
      ),
    );
    await new Promise((r) => setTimeout(r, 50));
    await expect(raw(tight.url, { path: '/api/health', timeoutMs: 2000 })).rejects.toThrow();
    for (const socket of open) socket.destroy();
    await new Promise((r) => setTimeout(r, 50));
    expect((await raw(tight.url, { path: '/api/health' })).status).toBe(200);
  });
});

describe('silence and acknowledge bodies', () => {
  const action = (name: string, body: string) =>
    raw(base, {
      method: 'POST',
      path: `/api/alerts/a%2Fb/${name}`,
      headers: { 'content-type': 'application/json' },
      body,
    });

  it('answers 400 listing the problem for hostile bodies, never 500', async () => {
    for (const [name, body] of [
      ['silence', '{"for":"99999999999999h"}'],
      ['silence', '{"for":"P99999999999Y"}'],
      ['silence', '{"until":"+275760-09-13T00:00:00Z"}'],
      ['silence', '{"until":"9999-12-31T23:59:59Z"}'],
      ['silence', '{"for":7200}'],
      ['silence', '{"__proto__":{"for":"1h"}}'],
      ['silence', `{"for":"${'9'.repeat(10_000)}h"}`],
      ['acknowledge', '{"__proto__":{"by":"x"}}'],
      ['acknowledge', '{"by":["alice"]}'],
      ['acknowledge', `{"by":"${'a'.repeat(10_000)}"}`],
      ['acknowledge', '[1,2]'],
      ['acknowledge', '"\\ud800"'],
      [
        'acknowledge',
        JSON.stringify(Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`f${i}`, i]))),
      ],
    ] as const) {
      const answer = await action(name, body);
      expect(answer.status, body.slice(0, 60)).toBe(400);
      expect(answer.json).toMatchObject({
        error: 'invalid request body',
        problems: expect.any(Array),
      });
      expect(answer.text.length).toBeLessThan(2000);
    }
  });
});
