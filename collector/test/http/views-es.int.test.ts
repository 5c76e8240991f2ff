/**
 * The dashboard view routes in Kafka mode, on the REAL Elasticsearch store, answer what
 * embedded mode (SQLite) answers for the same posted events: a parent order in a shop with
 * two picking children in a warehouse (one got the order's message and completed, one still
 * picks). Timeline, state as of, process graph, ownership, process list and search facets.
 */
import { expectWithinSketch } from '../analytics/sketch-close.ts';
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/main/config/config.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { collectorTestEnv, uniqueName } from '../helpers/servers.ts';
import { eventOfKey, type EventExtra } from '../helpers/events.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { startEsAndSqlite, type EsAndSqlite } from './es-and-sqlite.ts';
import { keyPath, postBatch, type Answer } from './http-client.ts';

const name = uniqueName('views');
const SHOP = `${name}-shop`;
const WAREHOUSE = `${name}-warehouse`;
const ORDER_PROCESS = `${name}-order`;
const PICK_PROCESS = `${name}-picking`;
const ORDER = `${SHOP}/${ORDER_PROCESS}/o-1`;
const PICK = `${WAREHOUSE}/${PICK_PROCESS}/p-1`;
const PACK = `${WAREHOUSE}/${PICK_PROCESS}/p-2`;
const T = (hms: string): string => `2026-11-20T${hms}.000Z`;
const config = parseConfig(
  collectorTestEnv(name, { FLOWTRAIL_TOPIC_PARTITIONS: '1', FLOWTRAIL_API_KEY: 'it-key' }),
);
const logger = createLogger('error');
const auth = { authorization: 'Bearer it-key' };

let n = 0;
const ev = (key: string, type: string, time: string, extra: EventExtra = {}): FlowtrailEvent =>
  eventOfKey(key, type, T(time), { id: `${name}-${(n += 1)}`, ...extra });
const parent = { source: SHOP, process: ORDER_PROCESS, instance: 'o-1', expectationId: 'x-pick' };
const owner = (who: string) => `${name}-${who}`;

const events: FlowtrailEvent[] = [
  ev(ORDER, 'process.started', '10:00:00'),
  ev(ORDER, 'step.started', '10:00:00', { step: 'pay', owner: owner('ann') }),
  ev(ORDER, 'step.completed', '10:01:00', { step: 'pay', owner: owner('ann') }),
  ev(ORDER, 'step.started', '10:02:00', { step: 'ship', owner: owner('ann') }),
  ev(ORDER, 'message.sent', '10:02:10', {
    step: 'ship',
    data: { messageId: `${name}-m-1`, to: WAREHOUSE },
  }),
  ev(ORDER, 'step.waiting', '10:02:30', { step: 'ship', data: { for: 'picking' } }),
  ev(PICK, 'process.started', '10:03:00', { data: { parent } }),
  ev(PICK, 'message.received', '10:03:05', { data: { messageId: `${name}-m-1`, from: SHOP } }),
  ev(PICK, 'step.started', '10:03:10', { step: 'pick', owner: owner('bob') }),
  ev(PICK, 'step.completed', '10:10:00', { step: 'pick', owner: owner('bob') }),
  ev(PICK, 'process.completed', '10:11:00'),
  ev(PACK, 'process.started', '10:04:00', { data: { parent } }),
  ev(PACK, 'step.started', '10:04:10', { step: 'pack', owner: owner('carl') }),
];

let pair: EsAndSqlite | undefined;

/** The same request to both collectors. */
const both = (path: string) => (pair as EsAndSqlite).both(path);

beforeAll(async () => {
  pair = await startEsAndSqlite({ name, config, auth, logger, tmpPrefix: 'flowtrail-views-es-' });
  const { esBase, sqliteBase } = pair;
  const body = JSON.stringify(events);
  const accepted = { status: 202, body: { accepted: events.length, rejected: [] } };
  expect(await postBatch(esBase, body, auth)).toMatchObject(accepted);
  expect(await postBatch(sqliteBase, body)).toMatchObject(accepted);
  // Every event stored and folded on both sides before comparing.
  for (const key of [ORDER, PICK, PACK]) {
    await waitFor(
      async () => {
        const { es: onEs, sqlite } = await both(`/api/instances/${keyPath(key)}`);
        const count = (a: Answer) => (a.body as { eventCount?: number }).eventCount;
        return (
          onEs.status === 200 && sqlite.status === 200 && count(onEs) === count(sqlite) && true
        );
      },
      { description: `${key} on both stores` },
    );
  }
  // Searches (children of a parent, lists) see new documents after an index refresh.
  await waitFor(
    async () => {
      const { es: onEs } = await both(`/api/instances/${keyPath(PICK)}/timeline`);
      const family = (onEs.body as { instances?: unknown[] }).instances ?? [];
      const { es: listed } = await both('/api/instances?size=1');
      return family.length === 3 && (listed.body as { total?: number }).total === 3;
    },
    { description: 'the family searchable on Elasticsearch' },
  );
  // The graph reads the analytics buckets, which the collector's compaction keeps about a
  // second behind ingest (es-analytics-compactor.ts).
  await waitFor(
    async () => {
      for (const process of [ORDER_PROCESS, PICK_PROCESS]) {
        const { es: onEs, sqlite } = await both(
          `/api/processes/${encodeURIComponent(process)}/graph`,
        );
        if (JSON.stringify(onEs.body) !== JSON.stringify(sqlite.body)) return undefined;
      }
      return true;
    },
    { description: 'the analytics of the family compacted on Elasticsearch' },
  );
}, 120_000);

afterAll(async () => {
  await pair?.stop();
});

describe('view routes on Elasticsearch (Kafka mode)', () => {
  it('gives the timeline of the family like SQLite', async () => {
    for (const key of [PICK, ORDER]) {
      const { es: onEs, sqlite } = await both(
        `/api/instances/${keyPath(key)}/timeline?now=${T('11:00:00')}`,
      );
      expect(onEs.status).toBe(200);
      expect(onEs.body).toEqual(sqlite.body);
    }
    const { es: onEs } = await both(
      `/api/instances/${keyPath(PICK)}/timeline?now=${T('11:00:00')}`,
    );
    const timeline = onEs.body as {
      rootKey: string;
      lanes: unknown[];
      links: unknown[];
      arrows: unknown[];
    };
    expect(timeline.rootKey).toBe(PICK);
    expect(timeline.lanes).toEqual([
      { system: WAREHOUSE, instances: [PICK, PACK] },
      { system: SHOP, instances: [ORDER] },
    ]);
    expect(timeline.links).toHaveLength(2);
    expect(timeline.arrows).toHaveLength(1);
  });

  it('folds the state as of an instant like SQLite', async () => {
    for (const asOf of ['2026-11-20T11:05:00+01:00', T('12:00:00'), T('09:00:00')]) {
      const { es: onEs, sqlite } = await both(
        `/api/instances/${keyPath(PICK)}/state?asOf=${encodeURIComponent(asOf)}`,
      );
      expect(onEs.status).toBe(200);
      expect(onEs.body).toEqual(sqlite.body);
    }
    const { es: during } = await both(
      `/api/instances/${keyPath(PICK)}/state?asOf=${encodeURIComponent(T('10:05:00'))}`,
    );
    expect(during.body).toMatchObject({
      state: { key: PICK, status: 'running', currentSteps: ['pick'], eventCount: 3 },
    });
  });

  it('gives the process graph like SQLite', async () => {
    for (const path of [
      `/api/processes/${encodeURIComponent(ORDER_PROCESS)}/graph`,
      `/api/processes/${encodeURIComponent(PICK_PROCESS)}/graph?mode=complete`,
    ]) {
      const { es: onEs, sqlite } = await both(path);
      expect(onEs.status).toBe(200);
      expect(onEs.body).toEqual(sqlite.body);
    }
    const { es: onEs } = await both(`/api/processes/${encodeURIComponent(ORDER_PROCESS)}/graph`);
    expect(onEs.body).toMatchObject({
      process: ORDER_PROCESS,
      instances: 1,
      edges: [{ from: 'pay', to: 'ship', count: 1 }],
    });
    expectWithinSketch((onEs.body as { edges: { medianMs: number }[] }).edges[0]?.medianMs, 60_000);
  });

  it('gives ownership, the process list and search facets like SQLite', async () => {
    const teams = `teams=${owner('ann')}%3D${name}-team,${owner('carl')}%3D${name}-team`;
    const ownership = await both(`/api/ownership?${teams}`);
    expect(ownership.es.status).toBe(200);
    expect(ownership.es.body).toEqual(ownership.sqlite.body);
    const owners = (ownership.es.body as { owners: { name: string }[] }).owners;
    expect(owners.map((o) => o.name)).toEqual([owner('ann'), owner('carl')]);

    const processes = await both('/api/processes');
    expect(processes.es.status).toBe(200);
    expect(processes.es.body).toEqual(processes.sqlite.body);
    expect(processes.es.body).toMatchObject({
      total: 3,
      processes: [
        { process: PICK_PROCESS, instances: 2 },
        { process: ORDER_PROCESS, instances: 1 },
      ],
    });

    const search = await both('/api/instances?facets=true&sort=startedAt&order=asc');
    expect(search.es.status).toBe(200);
    expect(search.es.body).toEqual(search.sqlite.body);
    expect(search.es.body).toMatchObject({ total: 3 });
  });

  it('answers 404 and 400 like SQLite', async () => {
    for (const path of [
      `/api/instances/${keyPath(`${name}/a/b`)}/timeline`,
      `/api/instances/${keyPath(PICK)}/timeline?now=yesterday&zoom=2`,
      `/api/instances/${keyPath(PICK)}/state`,
      `/api/processes/${encodeURIComponent(`${name}-nope`)}/graph`,
      `/api/processes/${encodeURIComponent(ORDER_PROCESS)}/graph?mode=fast`,
      '/api/ownership?teams=ann,%3Dx',
    ]) {
      const { es: onEs, sqlite } = await both(path);
      expect(onEs.status).toBe(sqlite.status);
      expect(onEs.status).toBeGreaterThanOrEqual(400);
      expect(onEs.body).toEqual(sqlite.body);
    }
  });
});
