/**
 * The dashboard view routes against embedded mode (real SQLite store, real HTTP server on
 * a free port): a parent order in `shop` with two picking children in `warehouse` (one
 * got the order's message and completed, one still picks), and a stuck alert on the order.
 * Timeline, state as of, process graph, ownership and process list, and their 400/404s.
 */
import { expectSketchClose } from '../analytics/sketch-close.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbedded, type RunningEmbedded } from '../../src/main/start-embedded.ts';
import { createLogger } from '../../src/shared/logger.ts';
import type { InstanceTimeline } from '../../src/app/queries/instance-views.ts';
import type { Ownership } from '../../src/domain/views/ownership.ts';
import type { ProcessGraph } from '../../src/domain/views/process-graph.ts';
import { makeAlert } from '../alerts/alert-fixtures.ts';
import { eventOfKey, type EventExtra } from '../helpers/events.ts';
import { call, keyPath, postBatch } from './http-client.ts';

const ORDER = 'shop/order/o-1';
const PICK = 'warehouse/picking/p-1';
const PACK = 'warehouse/picking/p-2';
const T = (hms: string): string => `2026-11-20T${hms}.000Z`;

let n = 0;
const ev = (key: string, type: string, time: string, extra: EventExtra = {}): FlowtrailEvent =>
  eventOfKey(key, type, T(time), { id: `v-${(n += 1)}`, ...extra });
const parent = { source: 'shop', process: 'order', instance: 'o-1', expectationId: 'x-pick' };

export const events: FlowtrailEvent[] = [
  ev(ORDER, 'process.started', '10:00:00'),
  ev(ORDER, 'step.started', '10:00:00', { step: 'pay', owner: 'ann' }),
  ev(ORDER, 'step.completed', '10:01:00', { step: 'pay', owner: 'ann' }),
  ev(ORDER, 'step.started', '10:02:00', { step: 'ship', owner: 'ann' }),
  ev(ORDER, 'message.sent', '10:02:10', {
    step: 'ship',
    data: { messageId: 'm-1', to: 'warehouse' },
  }),
  ev(ORDER, 'step.waiting', '10:02:30', { step: 'ship', data: { for: 'picking' } }),
  ev(PICK, 'process.started', '10:03:00', { data: { parent } }),
  ev(PICK, 'message.received', '10:03:05', { data: { messageId: 'm-1', from: 'shop' } }),
  ev(PICK, 'step.started', '10:03:10', { step: 'pick', owner: 'bob' }),
  ev(PICK, 'step.completed', '10:10:00', { step: 'pick', owner: 'bob' }),
  ev(PICK, 'process.completed', '10:11:00'),
  ev(PACK, 'process.started', '10:04:00', { data: { parent } }),
  ev(PACK, 'step.started', '10:04:10', { step: 'pack', owner: 'carl' }),
];

const alert = makeAlert(
  {
    source: 'shop',
    process: 'order',
    instance: 'o-1',
    step: 'ship',
    owner: 'ann',
    since: T('10:02:30'),
  },
  { firstSeenAt: T('10:20:00'), lastSeenAt: T('10:20:00') },
);

let dir: string;
let app: RunningEmbedded;
let base: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flowtrail-views-'));
  app = await startEmbedded({
    dataDir: dir,
    http: { host: '127.0.0.1', port: 0 },
    logger: createLogger('silent'),
  });
  base = app.api.url;
  const posted = await postBatch(base, JSON.stringify(events));
  expect(posted).toMatchObject({ status: 202, body: { accepted: events.length, rejected: [] } });
  const written = await app.alerts.store.upsertAlerts([
    { ...alert, history: alert.history.map((h) => ({ ...h, at: T('10:20:00') })) },
  ]);
  expect(written.written).toHaveLength(1);
});

afterAll(async () => {
  await app?.stop();
  await rm(dir, { recursive: true, force: true });
});

const problemsOf = (body: unknown): string[] => (body as { problems: string[] }).problems;

describe('GET /api/instances/:key/timeline', () => {
  it('shows the family across systems: lanes, bars, the arrow, the links, the marker', async () => {
    const answer = await call(
      `${base}/api/instances/${keyPath(PICK)}/timeline?now=${T('11:00:00')}`,
    );
    expect(answer.status).toBe(200);
    const timeline = answer.body as InstanceTimeline;
    expect(timeline.rootKey).toBe(PICK);
    expect(timeline.instances.map((s) => s.key)).toEqual([PICK, ORDER, PACK]);
    expect(timeline.lanes).toEqual([
      { system: 'warehouse', instances: [PICK, PACK] },
      { system: 'shop', instances: [ORDER] },
    ]);
    expect(timeline.start).toBe(T('10:00:00'));
    expect(timeline.end).toBe(T('11:00:00')); // the order is still open: up to `now`
    expect(timeline.bars.map((b) => `${b.instanceKey}:${b.step}:${b.status}`).sort()).toEqual(
      [
        `${ORDER}:pay:completed`,
        `${ORDER}:ship:waiting`,
        `${PICK}:pick:completed`,
        `${PACK}:pack:running`,
      ].sort(),
    );
    expect(timeline.arrows).toEqual([
      {
        messageId: 'm-1',
        from: { lane: 'shop', time: T('10:02:10'), instanceKey: ORDER },
        to: { lane: 'warehouse', time: T('10:03:05'), instanceKey: PICK },
        toSystem: 'warehouse',
        transitMs: 55_000,
        // The timeline of PICK: its pick began after this message arrived.
        critical: true,
      },
    ]);
    expect(timeline.links).toEqual(
      expect.arrayContaining([
        { parent: ORDER, child: PICK, expectationId: 'x-pick' },
        { parent: ORDER, child: PACK, expectationId: 'x-pick' },
      ]),
    );
    expect(timeline.links).toHaveLength(2);
    expect(timeline.markers).toEqual([
      expect.objectContaining({
        alertId: alert.id,
        kind: 'finding',
        lane: 'shop',
        instanceKey: ORDER,
      }),
    ]);
  });

  it('takes the three-segment key and defaults `now` to the clock', async () => {
    const answer = await call(`${base}/api/instances/${ORDER}/timeline`);
    expect(answer.status).toBe(200);
    const timeline = answer.body as InstanceTimeline;
    expect(timeline.rootKey).toBe(ORDER);
    expect(timeline.lanes.map((l) => l.system)).toEqual(['shop', 'warehouse']);
    expect(Date.parse(timeline.end)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('is 404 for an unknown instance and 400 with every bad parameter', async () => {
    const missing = await call(`${base}/api/instances/${keyPath('a/b/c')}/timeline`);
    expect(missing).toMatchObject({
      status: 404,
      body: { error: 'no instance with key "a/b/c"', retriable: false },
    });
    const bad = await call(`${base}/api/instances/${keyPath(PICK)}/timeline?now=yesterday&zoom=2`);
    expect(bad).toMatchObject({
      status: 400,
      body: { error: 'invalid query parameters', retriable: false },
    });
    expect(problemsOf(bad.body)).toHaveLength(2);
    expect(problemsOf(bad.body).join('\n')).toMatch(
      /zoom: unknown parameter[\s\S]*now: expected an ISO-8601/,
    );
    const post = await call(`${base}/api/instances/${keyPath(PICK)}/timeline`, { method: 'POST' });
    expect(post).toMatchObject({ status: 405, body: { retriable: false } });
  });
});

describe('GET /api/instances/:key/state', () => {
  it('folds the state as of the instant (the time slider)', async () => {
    const at = (asOf: string) =>
      call(`${base}/api/instances/${keyPath(PICK)}/state?asOf=${encodeURIComponent(asOf)}`);
    const during = await at('2026-11-20T11:05:00+01:00');
    expect(during.status).toBe(200);
    expect(during.body).toMatchObject({
      key: PICK,
      asOf: T('10:05:00'),
      state: { key: PICK, status: 'running', currentSteps: ['pick'], eventCount: 3 },
    });
    const after = await at(T('12:00:00'));
    expect(after.body).toMatchObject({ state: { status: 'completed', eventCount: 5 } });
    const before = await at(T('09:00:00'));
    expect(before).toMatchObject({ status: 200, body: { key: PICK, state: null } });
  });

  it('needs asOf, and is 404 for an unknown instance', async () => {
    const none = await call(`${base}/api/instances/${keyPath(PICK)}/state`);
    expect(none.status).toBe(400);
    expect(problemsOf(none.body)).toEqual(['asOf: required, an ISO-8601 time with offset']);
    const missing = await call(
      `${base}/api/instances/${keyPath('a/b/c')}/state?asOf=${T('10:00:00')}`,
    );
    expect(missing.status).toBe(404);
  });
});

describe('GET /api/processes/:process/graph', () => {
  it('gives the directly-follows graph with its edges', async () => {
    const answer = await call(`${base}/api/processes/order/graph`);
    expect(answer.status).toBe(200);
    const graph = answer.body as ProcessGraph;
    expect(graph).toMatchObject({
      process: 'order',
      mode: 'interval',
      instances: 1,
      startSteps: { pay: 1 },
      endSteps: { ship: 1 },
    });
    expectSketchClose(graph.edges, [
      {
        from: 'pay',
        to: 'ship',
        count: 1,
        samples: 1,
        meanMs: 60_000,
        medianMs: 60_000,
        p95Ms: 60_000,
      },
    ]);
    const complete = await call(`${base}/api/processes/picking/graph?mode=complete`);
    expect(complete.body).toMatchObject({
      process: 'picking',
      mode: 'complete',
      instances: 2,
      edges: [],
    });
  });

  it('is 404 for a process without instances and 400 for a bad mode', async () => {
    const missing = await call(`${base}/api/processes/nope/graph`);
    expect(missing).toMatchObject({
      status: 404,
      body: { error: 'no instances of process "nope"' },
    });
    const bad = await call(`${base}/api/processes/order/graph?mode=fast`);
    expect(bad.status).toBe(400);
    expect(problemsOf(bad.body)).toEqual([
      'mode: expected one of auto, complete, interval, got "fast"',
    ]);
  });
});

describe('GET /api/ownership', () => {
  it('counts open, waiting and stuck instances per owner and team', async () => {
    const answer = await call(`${base}/api/ownership?teams=ann%3Dteam-a,carl%3Dteam-a`);
    expect(answer.status).toBe(200);
    const body = answer.body as Ownership & { instances: number; capped: boolean };
    expect(body.instances).toBe(2);
    expect(body.capped).toBe(false);
    expect(body.owners).toEqual([
      {
        name: 'ann',
        open: { count: 1, keys: [ORDER] },
        waiting: { count: 1, keys: [ORDER] },
        stuck: { count: 1, keys: [ORDER] },
      },
      {
        name: 'carl',
        open: { count: 1, keys: [PACK] },
        waiting: { count: 0, keys: [] },
        stuck: { count: 0, keys: [] },
      },
    ]);
    expect(body.teams).toEqual([
      expect.objectContaining({
        name: 'team-a',
        open: { count: 2, keys: [ORDER, PACK] },
        stuck: { count: 1, keys: [ORDER] },
      }),
    ]);
  });

  it('lists every malformed team pair', async () => {
    const bad = await call(`${base}/api/ownership?teams=ann,%3Dx,ann%3Da,ann%3Db&x=1`);
    expect(bad.status).toBe(400);
    expect(problemsOf(bad.body)).toHaveLength(4);
  });
});

describe('GET /api/processes', () => {
  it('lists the processes with their instance counts', async () => {
    const answer = await call(`${base}/api/processes`);
    expect(answer).toMatchObject({
      status: 200,
      body: {
        total: 3,
        processes: [
          { process: 'picking', instances: 2 },
          { process: 'order', instances: 1 },
        ],
      },
    });
    expect((await call(`${base}/api/processes?x=1`)).status).toBe(400);
  });
});
