/**
 * The embedded store's search reads indexes, never the whole history (issue 11, item 3):
 * for every query shape the dashboard and the API send, the `EXPLAIN QUERY PLAN` of each
 * statement `search` runs (page, total, four facets) must read an index, with no plain
 * `SCAN` of `instances`, `events` or the lookup tables (plans are deterministic: the
 * store runs no ANALYZE). And the facet counters (`instance_counts`, written by the store
 * with the states: search-index-writes.ts) must always equal counting the rows,
 * also after rewrites and an in-place migration.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { foldInstance } from '../src/domain/instance/fold.ts';
import type { InstanceState } from '../src/domain/instance/instance-state.ts';
import type { InstanceQuery } from '../src/ports/event-store.ts';
import { facetSql, pageSql, totalSql } from '../src/adapters/sqlite/instance-search.ts';
import { compileFilter } from '../src/adapters/sqlite/search-filter.ts';
import { databasePath } from '../src/adapters/sqlite/sqlite-database.ts';
import { SqliteEventStore } from '../src/adapters/sqlite/sqlite-event-store.ts';
import { history, type Outcome } from './storage/store-contract-fixtures.ts';

const T = '2026-11-01T00:00:00Z';

/** Query shape → the index its filter must be read through (undefined: no filter). */
const SHAPES: [string, InstanceQuery, string | undefined][] = [
  ['no filter', {}, undefined],
  ['status', { status: 'running' }, 'instances_by_status'],
  ['process', { process: 'p' }, 'instances_by_process'],
  ['process + status', { process: 'p', status: 'failed' }, 'instances_by_process_status'],
  ['text', { text: 'payment failed' }, 'instances_fts'],
  ['text + process + status', { text: 'x', process: 'p', status: 'running' }, 'instances_fts'],
  ['business key', { businessKey: '4711' }, 'business_keys_by_value'],
  ['business key by name', { businessKey: 'orderId=4711' }, 'business_keys_by_value'],
  ['business key + status', { businessKey: '4711', status: 'running' }, 'business_keys_by_value'],
  ['instance id', { instance: 'o-4711' }, 'instances_by_instance_id'],
  ['owner', { owner: 'team-a' }, 'instance_terms_by_value'],
  ['owner + status', { owner: 'team-a', status: 'running' }, 'instance_terms_by_value'],
  ['step', { step: 'pick' }, 'instance_terms_by_value'],
  ['system', { system: 'shop' }, 'instance_terms_by_value'],
  ['step + owner + system', { step: 'a', owner: 'b', system: 'c' }, 'instance_terms_by_value'],
  ['keys', { keys: ['a', 'b'] }, 'sqlite_autoindex_instances_1'],
  ['timeFrom', { timeFrom: T }, 'instances_recent'],
  ['timeTo', { timeTo: T }, 'instances_by_first_event'],
  ['time range', { timeFrom: T, timeTo: T }, 'instances_by_first_event'],
  ['process + time range', { process: 'p', timeFrom: T, timeTo: T }, 'instances_by_process'],
  ['sort startedAt asc', { sort: { field: 'startedAt', order: 'asc' } }, undefined],
  ['sort startedAt desc', { sort: { field: 'startedAt', order: 'desc' } }, undefined],
  ['sort durationMs asc', { sort: { field: 'durationMs', order: 'asc' } }, undefined],
  ['sort durationMs desc', { sort: { field: 'durationMs', order: 'desc' } }, undefined],
  ['sort lastEventAt asc', { sort: { field: 'lastEventAt', order: 'asc' } }, undefined],
  [
    'owner sorted by duration',
    { owner: 'team-a', sort: { field: 'durationMs', order: 'desc' } },
    'instance_terms_by_value',
  ],
];

/**
 * Term filters the counters count, with the index a common term's page walks instead
 * (compileFilter's `walk`); total from the counters, facets over the matches.
 */
const WALKS: [string, InstanceQuery, string][] = [
  ['owner', { owner: 'team-a' }, 'instance_counts'],
  ['step', { step: 'pick' }, 'instance_counts'],
  ['system + status', { system: 'shop', status: 'running' }, 'instance_counts'],
  ['owner + process + status', { owner: 'a', process: 'p', status: 'running' }, 'instance_counts'],
];

/** A walk of a whole table (a `SCAN` that is not a virtual table or a materialized CTE). */
const FULL_SCAN =
  /^SCAN (instances|events|business_keys|instance_terms)\b(?! USING (COVERING )?INDEX instances_(recent|by_started_(asc|desc)|by_duration_(asc|desc))$)/;
/** The walk of a sort index an unfiltered page may do: it stops after LIMIT + OFFSET rows. */
const SORT_WALK =
  /^SCAN instances USING (COVERING )?INDEX instances_(recent|by_(started|duration)_(asc|desc))$/;

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function freshStore(): Promise<{ store: SqliteEventStore; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'flowtrail-search-plans-'));
  dirs.push(dataDir);
  const store = new SqliteEventStore({ dataDir });
  await store.prepare();
  return { store, dataDir };
}

describe('sqlite search: query plans', () => {
  it.each([
    ...SHAPES.map(([name, query, index]) => [name, query, index, false] as const),
    ...WALKS.map(
      ([name, query, index]) => [`${name} (common: walked)`, query, index, true] as const,
    ),
  ])('%s reads an index, never a whole table', async (_name, query, index, walk) => {
    const { store, dataDir } = await freshStore();
    await store.close();
    const db = new Database(databasePath(dataDir), { readonly: true });
    // As searchInstances: total and facets of the lookup form, the page of the chosen one.
    const filter = compileFilter({ ...query, facets: true });
    const paged = compileFilter({ ...query, facets: true }, walk);
    if (filter === undefined || paged === undefined) throw new Error('shape matches nothing');
    const total = totalSql(filter);
    const statements: [string, string, unknown[]][] = [
      ['page', pageSql(paged.where, query.sort, paged.sortIndex), [...paged.params, 20, 0]],
      ['total', total.sql, total.params],
      ...Object.entries(facetSql(filter)).map(
        ([name, bound]) => [name, bound.sql, bound.params] as [string, string, unknown[]],
      ),
    ];
    for (const [name, sql, params] of statements) {
      const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
      const plan = rows.map((row) => row.detail);
      const steps = (re: RegExp) => plan.filter((step) => re.test(step));
      const where = `${name}: ${plan.join(' | ')}`;
      expect(steps(FULL_SCAN), where).toEqual([]);
      if (name !== 'page') expect(steps(SORT_WALK), where).toEqual([]);
      const fromCounters =
        filter.counted !== undefined &&
        (name === 'total' || (name !== 'page' && filter.counted.term === undefined));
      // Expected reads: the walk checks each row of a sort index by primary key; a
      // counted total or facet reads the counters only; else the shape's own index
      // (a walked term's facets: its lookup).
      const expected =
        walk && name === 'page'
          ? /instance_terms .*PRIMARY KEY/
          : fromCounters
            ? /instance_counts/
            : walk
              ? /instance_terms_by_value/
              : index === undefined
                ? undefined
                : new RegExp(index);
      if (fromCounters) expect(steps(/\binstances\b/), where).toEqual([]);
      if (expected !== undefined) expect(steps(expected).length, where).toBeGreaterThan(0);
    }
    db.close();
  });
});

/** States of instances over two processes and systems, some rewritten later (status changes). */
function states(round: number): InstanceState[] {
  const outcomes: Outcome[] = ['running', 'waiting', 'completed', 'failed'];
  return Array.from({ length: 24 }, (_, i) => {
    const outcome = outcomes[(i + round) % outcomes.length] as Outcome;
    const events = history({
      process: i % 3 === 0 ? 'billing' : 'order-fulfilment',
      instance: `o-${i}`,
      start: `2026-11-0${1 + (i % 5)}T08:00:00Z`,
      outcome,
      step: ['reserve', 'pick', 'ship'][(i + round) % 3] as string,
      businessKeys: { orderId: String(4700 + i) },
      ...(i % 4 === 0 ? {} : { owner: `team-${(i + round) % 3}` }),
    }).map((event) => (i % 5 === 0 ? { ...event, source: 'erp' } : event));
    // A later round covers more events, so its state replaces the stored one.
    return { ...foldInstance(events), eventCount: events.length + round * 10 };
  });
}

/** The facets of `states`, counted in memory (the port's definition). */
function expectedFacets(list: readonly InstanceState[]) {
  const count = (values: (s: InstanceState) => (string | undefined)[]) => {
    const counts = new Map<string, number>();
    for (const state of list) {
      for (const value of new Set(values(state))) {
        if (value !== undefined) counts.set(value, (counts.get(value) ?? 0) + 1);
      }
    }
    return [...counts]
      .map(([value, n]) => ({ value, count: n }))
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  };
  return {
    status: count((s) => [s.status]),
    process: count((s) => [s.process]),
    system: count((s) => [s.source, ...s.systems]),
    owner: count((s) => [s.owner, ...s.steps.map((step) => step.owner)]),
  };
}

const FILTERS: InstanceQuery[] = [
  {},
  { status: 'running' },
  { status: 'completed' },
  { process: 'billing' },
  { process: 'order-fulfilment', status: 'failed' },
  { owner: 'team-1' },
  { step: 'pick', status: 'completed' },
  { system: 'erp' },
];

async function expectCountersAgree(store: SqliteEventStore, stored: readonly InstanceState[]) {
  for (const filter of FILTERS) {
    const matching = stored.filter(
      (s) =>
        (filter.status === undefined || s.status === filter.status) &&
        (filter.process === undefined || s.process === filter.process) &&
        (filter.owner === undefined ||
          [s.owner, ...s.steps.map((step) => step.owner)].includes(filter.owner)) &&
        (filter.step === undefined || s.steps.some((step) => step.name === filter.step)) &&
        (filter.system === undefined || [s.source, ...s.systems].includes(filter.system)),
    );
    const counted = await store.search({ ...filter, facets: true, size: 0 });
    expect(counted, JSON.stringify(filter)).toEqual({
      total: matching.length,
      instances: [],
      facets: expectedFacets(matching),
    });
    // The same filter plus a condition every instance meets counts the rows instead.
    const rows = await store.search({
      ...filter,
      timeFrom: '1970-01-01T00:00:00Z',
      facets: true,
      size: 0,
    });
    expect(rows, JSON.stringify(filter)).toEqual(counted);
  }
}

describe('sqlite search: facet counters', () => {
  it('equal counting the rows after inserts, rewrites with other statuses, owners and steps', async () => {
    const { store } = await freshStore();
    await store.writeStates(states(0));
    await expectCountersAgree(store, states(0));
    await store.writeStates(states(1));
    await store.writeStates(states(0)); // older: superseded, changes nothing
    await expectCountersAgree(store, states(1));
    await store.writeStates(states(2).slice(0, 10));
    await expectCountersAgree(store, [...states(2).slice(0, 10), ...states(1).slice(10)]);
    await store.close();
  });

  it('are built in place when a version-6 file is upgraded', async () => {
    const { store, dataDir } = await freshStore();
    await store.writeStates(states(1));
    await store.close();
    const db = new Database(databasePath(dataDir));
    const objects = db
      .prepare(
        `SELECT type, name FROM sqlite_master WHERE name IN ('instance_terms', 'instance_counts')
           OR name LIKE 'instances_search_%' OR name LIKE 'instance_terms_%'
           OR name IN ('instances_by_process_status', 'instances_by_instance_id', 'instances_by_first_event')
           OR name LIKE 'instances_by_started_%' OR name LIKE 'instances_by_duration_%'`,
      )
      .all() as { type: string; name: string }[];
    for (const { type, name } of objects.filter((o) => o.type !== 'table')) {
      if (!name.startsWith('sqlite_')) db.exec(`DROP ${type.toUpperCase()} IF EXISTS ${name}`);
    }
    db.exec(`DROP TABLE instance_terms; DROP TABLE instance_counts;
             ALTER TABLE instances DROP COLUMN search_terms;
             UPDATE schema_versions SET version = 6 WHERE component = 'events'`);
    db.close();

    const upgraded = new SqliteEventStore({ dataDir });
    await upgraded.prepare();
    await expectCountersAgree(upgraded, states(1));
    expect((await upgraded.search({ owner: 'team-1', size: 100 })).total).toBeGreaterThan(0);
    await upgraded.writeStates(states(2));
    await expectCountersAgree(upgraded, states(2));
    await upgraded.close();
  });
});

describe('sqlite search: the walk of a common term', () => {
  it('pages exactly like the lookup, in every order', async () => {
    const { store, dataDir } = await freshStore();
    await store.writeStates(states(1));
    await store.close();
    const db = new Database(databasePath(dataDir), { readonly: true });
    const sorts = [
      undefined,
      { field: 'startedAt', order: 'asc' },
      { field: 'durationMs', order: 'desc' },
      { field: 'lastEventAt', order: 'asc' },
    ] as const;
    const queries: InstanceQuery[] = [
      { owner: 'team-1' },
      { step: 'pick' },
      { system: 'shop', status: 'completed' },
      { owner: 'team-2', process: 'order-fulfilment' },
    ];
    for (const query of queries) {
      for (const sort of sorts) {
        const q = { ...query, ...(sort === undefined ? {} : { sort }) };
        const [lookup, walked] = [compileFilter(q), compileFilter(q, true)];
        if (lookup === undefined || walked === undefined) throw new Error('matches nothing');
        const page = (f: typeof lookup, from: number) =>
          db.prepare(pageSql(f.where, q.sort, f.sortIndex)).all(...f.params, 5, from);
        for (const from of [0, 3]) {
          const expected = page(lookup, from);
          expect(page(walked, from), JSON.stringify({ q, from })).toEqual(expected);
        }
        expect(page(lookup, 0).length, JSON.stringify(q)).toBeGreaterThan(0);
      }
    }
    db.close();
  });
});
