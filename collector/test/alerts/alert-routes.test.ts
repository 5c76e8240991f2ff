/**
 * The alert routes against embedded mode (real SQLite store, real HTTP server on a free
 * port): alerts are put into the store directly, then listed, filtered, fetched,
 * acknowledged and silenced through the API.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/domain/alerts/alert.ts';
import { startEmbedded, type RunningEmbedded } from '../../src/main/start-embedded.ts';
import { startApiServer } from '../../src/adapters/http/api-server.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { call } from '../http/http-client.ts';
import { makeAlert } from './alert-fixtures.ts';

let dir: string;
let app: RunningEmbedded;
let base: string;

const recent = (minutesAgo: number): string =>
  new Date(Date.now() - minutesAgo * 60_000).toISOString();
const alerts: Alert[] = [
  makeAlert({ instance: 'o-1', step: 'pick', owner: 'ann' }, { lastSeenAt: recent(1) }),
  makeAlert({ instance: 'o-2', kind: 'orphan', owner: 'bob' }, { lastSeenAt: recent(2) }),
  makeAlert({ instance: 'o-3', process: 'returns' }, { lastSeenAt: recent(3) }),
  makeAlert({ instance: 'o-4', owner: 'ann' }, { status: 'resolved', lastSeenAt: recent(4) }),
];
const [pick, orphan, returns, resolved] = alerts as [Alert, Alert, Alert, Alert];
const path = (id: string, action = ''): string =>
  `${base}/api/alerts/${encodeURIComponent(id)}${action}`;
const post = (url: string, body?: unknown) =>
  call(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const listed = async (query: string): Promise<{ total: number; ids: string[] }> => {
  const answer = await call(`${base}/api/alerts${query}`);
  expect(answer.status).toBe(200);
  const body = answer.body as { total: number; alerts: { id: string }[] };
  return { total: body.total, ids: body.alerts.map((a) => a.id) };
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flowtrail-alert-routes-'));
  app = await startEmbedded({
    dataDir: dir,
    http: { host: '127.0.0.1', port: 0 },
    logger: createLogger('silent'),
  });
  base = app.api.url;
  const written = await app.alerts.store.upsertAlerts(alerts);
  expect(written.written).toHaveLength(alerts.length);
});

afterAll(async () => {
  await app?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('GET /api/alerts', () => {
  it('lists alerts most recently seen first, in the fixed shape', async () => {
    const answer = await call(`${base}/api/alerts`);
    expect(answer.status).toBe(200);
    const body = answer.body as { total: number; alerts: Record<string, unknown>[] };
    expect(body.total).toBe(4);
    expect(body.alerts.map((a) => a.id)).toEqual(alerts.map((a) => a.id));
    expect(body.alerts[0]).toMatchObject({
      id: pick.id,
      kind: 'stuck',
      status: 'firing',
      source: 'shop',
      process: 'order-fulfilment',
      instance: 'shop/order-fulfilment/o-1',
      step: 'pick',
      owner: 'ann',
      since: pick.since,
      summary: pick.summary,
    });
    expect(body.alerts[2]).toMatchObject({ step: null, owner: null });
    expect(body.alerts[0]).not.toHaveProperty('history');
  });

  it('gives each alert its history with history=true, the same as the alert alone', async () => {
    const answer = await call(`${base}/api/alerts?history=true`);
    expect(answer.status).toBe(200);
    const listed = (answer.body as { alerts: Record<string, unknown>[] }).alerts;
    expect(listed.map((a) => a.id)).toEqual(alerts.map((a) => a.id));
    for (const item of listed) {
      const { details: _details, ...alone } = (await call(path(String(item.id)))).body as Record<
        string,
        unknown
      >;
      expect(item).toEqual(alone);
    }
    expect(listed[0]?.history).toEqual(pick.history);
    const without = await call(`${base}/api/alerts?history=false`);
    expect((without.body as { alerts: object[] }).alerts[0]).not.toHaveProperty('history');
    expect(await call(`${base}/api/alerts?history=yes`)).toMatchObject({
      status: 400,
      body: { problems: ['history: expected true or false, got "yes"'] },
    });
  });

  it('filters by status, kind, process and owner, and pages', async () => {
    expect(await listed('?status=resolved')).toEqual({ total: 1, ids: [resolved.id] });
    expect(await listed('?status=firing,acknowledged&owner=ann')).toEqual({
      total: 1,
      ids: [pick.id],
    });
    expect(await listed('?kind=orphan')).toEqual({ total: 1, ids: [orphan.id] });
    expect(await listed('?process=returns')).toEqual({ total: 1, ids: [returns.id] });
    expect(await listed('?from=1&size=2')).toEqual({ total: 4, ids: [orphan.id, returns.id] });
  });

  it('answers 400 listing every problem', async () => {
    const answer = await call(`${base}/api/alerts?status=open&kind=late&size=500&x=1`);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      error: 'invalid query parameters',
      retriable: false,
      problems: [
        expect.stringMatching(/^x: unknown/),
        expect.stringMatching(/^status:/),
        expect.stringMatching(/^kind:/),
        expect.stringMatching(/^size:/),
      ],
    });
  });
});

describe('GET /api/alerts/:id', () => {
  it('gives the alert with its history, by encoded or raw id', async () => {
    const encoded = await call(path(pick.id));
    expect(encoded).toMatchObject({
      status: 200,
      body: { id: pick.id, history: pick.history, details: {} },
    });
    expect((await call(`${base}/api/alerts/${pick.id}`)).body).toEqual(encoded.body);
  });

  it('answers 404 for an unknown alert and 405 for a wrong method', async () => {
    expect(await call(path('stuck/nope'))).toMatchObject({
      status: 404,
      body: { error: 'no alert with id "stuck/nope"', retriable: false },
    });
    const wrong = await call(path(pick.id, '/acknowledge'));
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
  });
});

describe('POST /api/alerts/:id/acknowledge and /silence', () => {
  it('acknowledges an alert (body optional), then silences it for a while', async () => {
    const acked = await post(path(orphan.id, '/acknowledge'), { by: 'bob' });
    expect(acked).toMatchObject({
      status: 200,
      body: { id: orphan.id, status: 'acknowledged', acknowledgedBy: 'bob' },
    });
    expect(await listed('?status=acknowledged')).toEqual({ total: 1, ids: [orphan.id] });
    const again = await post(`${base}/api/alerts/${returns.id}/acknowledge`);
    expect(again).toMatchObject({
      status: 200,
      body: { status: 'acknowledged', acknowledgedBy: null },
    });

    const before = Date.now();
    const silenced = await post(path(orphan.id, '/silence'), { for: '2h', by: 'bob' });
    expect(silenced).toMatchObject({
      status: 200,
      body: { status: 'silenced', silencedBy: 'bob' },
    });
    const until = Date.parse((silenced.body as { silencedUntil: string }).silencedUntil);
    expect(until - before).toBeGreaterThanOrEqual(2 * 3_600_000);
    expect(until - Date.now()).toBeLessThanOrEqual(2 * 3_600_000);

    const end = new Date(Date.now() + 600_000).toISOString();
    const untilAnswer = await post(path(pick.id, '/silence'), { until: end });
    expect(untilAnswer).toMatchObject({
      status: 200,
      body: { status: 'silenced', silencedUntil: end },
    });
    expect((await call(path(pick.id))).body).toMatchObject({ status: 'silenced' });
  });

  it('answers 400 for bad bodies, 404 for unknown alerts, 409 for a resolved one', async () => {
    const bad = await post(path(pick.id, '/silence'), { for: 'soon', who: 'x' });
    expect(bad).toMatchObject({
      status: 400,
      body: {
        error: 'invalid request body',
        problems: [expect.stringMatching(/^who:/), expect.stringMatching(/^for:/)],
      },
    });
    expect((await post(path(pick.id, '/acknowledge'), 'not json')).status).toBe(400);
    expect((await post(path('stuck/nope', '/acknowledge'))).status).toBe(404);
    expect((await post(path('stuck/nope', '/silence'), { for: '1h' })).status).toBe(404);
    expect(await post(path(resolved.id, '/acknowledge'))).toMatchObject({
      status: 409,
      body: { error: expect.stringContaining('resolved'), retriable: false },
    });
  });
});

describe('without an alert store', () => {
  it('answers 503 "alerts not enabled"', async () => {
    const api = await startApiServer({
      host: '127.0.0.1',
      port: 0,
      ingest: {} as never,
      reader: {} as never,
      store: 'sqlite',
      maxBodyBytes: 1024,
      logger: createLogger('silent'),
    });
    try {
      for (const answer of [
        await call(`${api.url}/api/alerts`),
        await call(`${api.url}/api/alerts/x%2Fy`),
        await call(`${api.url}/api/alerts/x/y/acknowledge`, { method: 'POST', body: '{}' }),
      ]) {
        expect(answer).toMatchObject({
          status: 503,
          body: { error: expect.stringContaining('alerts not enabled'), retriable: false },
        });
      }
    } finally {
      await api.close();
    }
  });
});
