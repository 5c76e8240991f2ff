/**
 * HTTP ingest and queries end to end against embedded mode (the real SQLite store and
 * dead-letter table in a temp dir, the real HTTP server on a free port).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFlowtrail, HttpTransport, type HttpRejection } from '@flowtrail/sdk';
import { instanceKeyOf, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import type { InstanceState } from '../../src/domain/instance/instance-state.ts';
import { startEmbedded, type RunningEmbedded } from '../../src/main/start-embedded.ts';
import { foldInstance } from '../../src/domain/instance/fold.ts';
import { StorageError } from '../../src/shared/errors.ts';
import { startApiServer } from '../../src/adapters/http/api-server.ts';
import { EventIngest } from '../../src/app/ingest/event-ingest.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { Metrics } from '../../src/shared/metrics.ts';
import { SqliteDeadLetterStore } from '../../src/adapters/sqlite/sqlite-dead-letter-store.ts';
import { SqliteEventStore } from '../../src/adapters/sqlite/sqlite-event-store.ts';
import { makeEvent } from '../helpers/events.ts';
import { call, keyPath, postBatch, postBinary, postStructured } from './http-client.ts';

const logger = createLogger('silent');
const MAX_EVENT_BYTES = 4096;
const MAX_BODY_BYTES = 256 * 1024;
const T0 = '2026-11-22T09:00:00.000Z';

let dir: string;
let app: RunningEmbedded;
let base: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flowtrail-http-'));
  app = await startEmbedded({
    dataDir: join(dir, 'open'),
    http: { host: '127.0.0.1', port: 0, maxBodyBytes: MAX_BODY_BYTES },
    logger,
    maxEventBytes: MAX_EVENT_BYTES,
  });
  base = app.api.url;
});

afterAll(async () => {
  await app?.stop();
  await rm(dir, { recursive: true, force: true });
});

const started = (instance: string, id: string, orderId: string): FlowtrailEvent =>
  makeEvent({
    id,
    type: 'flowtrail.process.started',
    instance,
    time: T0,
    data: { businessKeys: { orderId } },
  });

function parseOrNull(bytes: Buffer | null): unknown {
  try {
    return JSON.parse(bytes?.toString() ?? 'null');
  } catch {
    return null;
  }
}

async function stateOf(event: FlowtrailEvent): Promise<InstanceState> {
  const answer = await call(`${base}/api/instances/${keyPath(instanceKeyOf(event))}`);
  expect(answer.status).toBe(200);
  return answer.body as InstanceState;
}

async function eventIdsOf(event: FlowtrailEvent): Promise<string[]> {
  const answer = await call(`${base}/api/instances/${keyPath(instanceKeyOf(event))}/events`);
  expect(answer.status).toBe(200);
  return (answer.body as { events: FlowtrailEvent[] }).events.map((e) => e.id);
}

describe('POST /api/events (embedded mode)', () => {
  it('accepts a structured event and makes it queryable', async () => {
    const event = started('o-structured', 'st-1', 'ORD-1');
    const answer = await postStructured(base, JSON.stringify(event));
    expect(answer).toMatchObject({ status: 202, body: { accepted: 1, rejected: [] } });

    const search = await call(`${base}/api/instances?businessKey=orderId%3DORD-1`);
    expect(search.status).toBe(200);
    expect(search.body).toMatchObject({ total: 1, instances: [{ instance: 'o-structured' }] });
    expect((await stateOf(event)).status).toBe('running');
    expect(await eventIdsOf(event)).toEqual(['st-1']);
  });

  it('accepts a binary-mode event (ce-* headers, data as the body)', async () => {
    const event = makeEvent({
      id: 'bin 1/ä',
      type: 'flowtrail.step.waiting',
      instance: 'o-binary',
      step: 'await-payment',
      owner: 'team-sales',
      time: T0,
      data: {
        for: 'psp-callback',
        deadline: '2026-11-22T10:00:00Z',
        businessKeys: { orderId: 'ORD-2' },
      },
    });
    const answer = await postBinary(base, event);
    expect(answer).toMatchObject({ status: 202, body: { accepted: 1, rejected: [] } });
    const state = await stateOf(event);
    expect(state).toMatchObject({ status: 'waiting', currentSteps: ['await-payment'] });
    expect(state.waits).toEqual([
      { step: 'await-payment', for: 'psp-callback', since: T0, deadline: '2026-11-22T10:00:00Z' },
    ]);
    expect(await eventIdsOf(event)).toEqual(['bin 1/ä']);
  });

  it('dead-letters a structured body that is not JSON, with its original bytes', async () => {
    const answer = await postStructured(base, '{"id": "broken-1", ');
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({
      accepted: 0,
      rejected: [{ index: 0, reason: 'not-json' }],
    });
    const { letters } = await app.deadLetters.list({ size: 1000 });
    const letter = letters.find((l) => l.message.value?.toString() === '{"id": "broken-1", ');
    expect(letter).toMatchObject({ reason: 'not-json', message: { topic: 'http', offset: '0' } });
  });

  it('answers a mixed batch with per-event reasons; stores valid ones once, dead-letters the rest', async () => {
    const a = started('o-batch', 'b-1', 'ORD-3');
    const b = makeEvent({
      id: 'b-2',
      type: 'flowtrail.step.started',
      instance: 'o-batch',
      step: 'validate',
      time: '2026-11-22T09:00:01Z',
    });
    const invalid = {
      ...makeEvent({ id: 'b-bad', type: 'flowtrail.step.started', instance: 'o-batch', time: T0 }),
    };
    delete (invalid as { ftstep?: string }).ftstep; // step events need ftstep
    const { ftinstance: _drop, ...noInstance } = makeEvent({
      id: 'b-noinst',
      type: 'x.custom',
      instance: 'x',
      time: T0,
    });
    const oversized = makeEvent({
      id: 'b-big',
      type: 'x.custom',
      instance: 'o-batch',
      time: T0,
      data: { attributes: { blob: 'x'.repeat(MAX_EVENT_BYTES) } },
    });
    const spec = { ...a, id: 'b-spec', specversion: '0.3' };
    const batch = [a, invalid, b, noInstance, a, oversized, spec, 'not an event'];

    const answer = await postBatch(base, JSON.stringify(batch));
    expect(answer.status).toBe(202);
    const body = answer.body as { accepted: number; rejected: HttpRejection[] };
    expect(body.accepted).toBe(3); // a, b and the duplicate of a (stored once)
    expect(body.rejected.map(({ index, id, reason }) => ({ index, id, reason }))).toEqual([
      { index: 1, id: 'b-bad', reason: 'schema-violation' },
      { index: 3, id: 'b-noinst', reason: 'schema-violation' },
      { index: 5, id: 'b-big', reason: 'oversized' },
      { index: 6, id: 'b-spec', reason: 'unsupported-specversion' },
      { index: 7, reason: 'schema-violation' },
    ]);
    for (const rejection of body.rejected) expect(rejection.errors.length).toBeGreaterThan(0);

    // the same events again: accepted, still one stored copy each
    const again = await postBatch(base, JSON.stringify([b, a]));
    expect(again.body).toEqual({ accepted: 2, rejected: [] });
    expect(await eventIdsOf(a)).toEqual(['b-1', 'b-2']);
    expect(await stateOf(a)).toMatchObject({ eventCount: 2, currentSteps: ['validate'] });
    const search = await call(`${base}/api/instances?q=ORD-3`);
    expect(search.body).toMatchObject({ total: 1 });

    const { letters } = await app.deadLetters.list({ size: 1000 });
    const byId = new Map(
      letters.flatMap((l) => {
        const id = (parseOrNull(l.message.value) as { id?: unknown } | null)?.id;
        return typeof id === 'string' && id.startsWith('b-') ? [[id, l] as const] : [];
      }),
    );
    expect(byId.get('b-bad')).toMatchObject({
      reason: 'schema-violation',
      message: { offset: '1' },
    });
    expect(byId.get('b-noinst')).toMatchObject({
      reason: 'schema-violation',
      message: { offset: '3' },
    });
    expect(byId.get('b-spec')).toMatchObject({ reason: 'unsupported-specversion' });
    expect(byId.has('b-1') || byId.has('b-2')).toBe(false);
    const big = byId.get('b-big');
    expect(big).toMatchObject({ reason: 'oversized', message: { topic: 'http', offset: '5' } });
    expect(big?.message.value?.toString()).toBe(JSON.stringify(oversized));
    expect(big?.errors.join(' ')).toMatch(/limit is 4096/);
  });

  it('refuses a batch body that is not a JSON array with 400', async () => {
    const notJson = await postBatch(base, '[{"id":');
    expect(notJson.status).toBe(400);
    expect(notJson.body).toMatchObject({
      retriable: false,
      error: expect.stringMatching(/not valid JSON/),
    });
    const notArray = await postBatch(base, '{"id":"x"}');
    expect(notArray.status).toBe(400);
    expect(await postBatch(base, '[]')).toMatchObject({
      status: 202,
      body: { accepted: 0, rejected: [] },
    });
  });

  it('refuses a body over the limit with 413 and unknown media types with 415', async () => {
    const tooBig = await postBatch(base, JSON.stringify(['x'.repeat(MAX_BODY_BYTES)]));
    expect(tooBig.status).toBe(413);
    expect(tooBig.body).toMatchObject({ retriable: false });
    const text = await call(`${base}/api/events`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hi',
    });
    expect(text.status).toBe(415);
  });
});

describe('query routes', () => {
  it('validates search parameters (400 with every problem)', async () => {
    const answer = await call(`${base}/api/instances?status=bogus&size=0`);
    expect(answer.status).toBe(400);
    expect((answer.body as { problems: string[] }).problems).toHaveLength(2);
  });

  it('filters by process and status and pages', async () => {
    const events = [1, 2, 3]
      .map((n) => started(`o-page-${n}`, `page-${n}`, `ORD-P${n}`))
      .map((e) => ({ ...e, ftprocess: 'paging' }));
    await postBatch(base, JSON.stringify(events));
    const page1 = await call(`${base}/api/instances?process=paging&status=running&size=2`);
    expect(page1.body).toMatchObject({ total: 3 });
    expect((page1.body as { instances: unknown[] }).instances).toHaveLength(2);
    const page2 = await call(`${base}/api/instances?process=paging&from=2&size=2`);
    expect((page2.body as { instances: unknown[] }).instances).toHaveLength(1);
  });

  it('answers 404 for unknown instances and routes, 405 for wrong methods; health names the store', async () => {
    expect((await call(`${base}/api/instances/${keyPath('a/b/c')}`)).status).toBe(404);
    expect((await call(`${base}/api/instances/${keyPath('a/b/c')}/events`)).status).toBe(404);
    expect((await call(`${base}/api/nothing`)).status).toBe(404);
    const wrong = await call(`${base}/api/events`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    expect(await call(`${base}/api/health`)).toMatchObject({
      status: 200,
      body: { status: 'ok', store: 'sqlite' },
    });
  });
});

describe('the SDK against the API', () => {
  it('delivers a whole process through HttpTransport + createFlowtrail', async () => {
    const rejections: HttpRejection[] = [];
    const flowtrail = createFlowtrail({
      source: 'sdk-shop',
      transport: new HttpTransport({ url: base, onRejected: (r) => rejections.push(...r) }),
    });
    const order = flowtrail.process('order-fulfilment', {
      instance: 'sdk-1',
      businessKeys: { orderId: 'SDK-1' },
      owner: 'team-sales',
    });
    order.start();
    const step = order.step('validate', { owner: 'team-sales' });
    step.start();
    step.complete();
    order.complete();
    await flowtrail.shutdown();
    expect(flowtrail.stats()).toMatchObject({ emitted: 4, sent: 4, failed: 0 });
    expect(rejections).toEqual([]);
    const search = await call(`${base}/api/instances?businessKey=SDK-1`);
    expect(search.body).toMatchObject({
      total: 1,
      instances: [{ source: 'sdk-shop', status: 'completed', eventCount: 4, owner: 'team-sales' }],
    });
  });
});

describe('API key', () => {
  let secured: RunningEmbedded;
  beforeAll(async () => {
    secured = await startEmbedded({
      dataDir: join(dir, 'secured'),
      http: { host: '127.0.0.1', port: 0, apiKey: 's3cret' },
      logger,
    });
  });
  afterAll(() => secured?.stop());

  it('requires the key on /api/* except /api/health', async () => {
    const url = secured.api.url;
    const event = JSON.stringify(started('o-auth', 'auth-1', 'ORD-A'));
    const denied = await postStructured(url, event);
    expect(denied.status).toBe(401);
    expect(denied.body).toMatchObject({ retriable: false });
    expect(denied.headers.get('www-authenticate')).toBe('Bearer');
    expect((await postStructured(url, event, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await call(`${url}/api/instances`)).status).toBe(401);
    expect((await call(`${url}/api/nothing`)).status).toBe(401);
    expect((await call(`${url}/api/health`)).status).toBe(200);

    expect((await postStructured(url, event, { authorization: 'Bearer s3cret' })).status).toBe(202);
    const search = await call(`${url}/api/instances`, { headers: { 'x-api-key': 's3cret' } });
    expect(search).toMatchObject({ status: 200, body: { total: 1 } });

    const flowtrail = createFlowtrail({
      source: 'sdk-auth',
      transport: new HttpTransport({ url, apiKey: 's3cret' }),
    });
    flowtrail.process('p', { instance: 'i' }).start();
    await flowtrail.shutdown();
    expect(flowtrail.stats()).toMatchObject({ sent: 1, failed: 0 });
  });
});

describe('storage down', () => {
  it('answers 503 {retriable: true} and the SDK delivers once storage is back', async () => {
    const dataDir = join(dir, 'flaky');
    const store = new SqliteEventStore({ dataDir });
    const deadLetters = new SqliteDeadLetterStore({ dataDir });
    await store.prepare();
    await deadLetters.prepare();
    let failures = 2;
    const flaky = {
      writeEvents: async (events: readonly FlowtrailEvent[]) => {
        if (failures > 0) {
          failures -= 1;
          throw new StorageError('database is locked', true);
        }
        return store.writeEvents(events);
      },
      writeStates: (states: readonly InstanceState[]) => store.writeStates(states),
      eventsOfInstances: (keys: readonly string[]) => store.eventsOfInstances(keys),
    };
    const ingest = new EventIngest({
      writer: flaky,
      deadLetters,
      fold: foldInstance,
      maxEventBytes: MAX_EVENT_BYTES,
      metrics: new Metrics(),
      logger,
    });
    const api = await startApiServer({
      host: '127.0.0.1',
      port: 0,
      maxBodyBytes: MAX_BODY_BYTES,
      ingest,
      reader: store,
      store: 'sqlite',
      logger,
    });
    try {
      const down = await postStructured(
        api.url,
        JSON.stringify(started('o-down', 'down-1', 'D-1')),
      );
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ retriable: true, error: expect.stringMatching(/locked/) });

      const flowtrail = createFlowtrail({
        source: 'shop',
        transport: new HttpTransport({ url: api.url }),
      });
      flowtrail.process('order-fulfilment', { instance: 'o-retried' }).start(); // 503 once, then 202
      await flowtrail.shutdown();
      expect(flowtrail.stats()).toMatchObject({ sent: 1, failed: 0 });
      expect(failures).toBe(0);
      expect((await store.getInstance('shop/order-fulfilment/o-retried'))?.eventCount).toBe(1);
    } finally {
      await api.close();
      await store.close();
      await deadLetters.close();
    }
  });
});
