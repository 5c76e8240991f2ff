/**
 * Finding overdue instances among many open ones: an overdue instance among 1,000,000 open
 * ones must be flagged within a few seconds of its deadline (docs/detection-runtime.md).
 *
 *   npx tsx bench/overdue.bench.ts [sqliteInstances=200000] [esInstances=sqliteInstances]
 *
 * Per store (0 instances skips it), in a fresh temp dir / a unique Elasticsearch index
 * prefix: load N open instance states (running or waiting) with random future deadlines
 * (1 min to 7 days ahead) plus 10 overdue ones (1 to 10 s past), through `writeStates` in
 * batches of 5,000; then
 *  - `overdueInstances(now, 100)`, 50 timed runs after 3 warm-ups (p50 / p95), and
 *  - the baseline without the indexed field: scan every open instance once (SQLite: one
 *    SELECT of every non-terminal state, read in one pass; Elasticsearch: search_after
 *    over every non-terminal state, 10,000 per page) and filter `nextDeadline` ≤ now in memory.
 * Both must find exactly the 10 overdue instances. Writes docs/benchmarks.md (section
 * "overdue"). Elasticsearch: ELASTICSEARCH_URL (default http://127.0.0.1:9200).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { EventTypes, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { parseConfig } from '../collector/src/main/config/config.ts';
import { foldInstance } from '../collector/src/domain/instance/fold.ts';
import type { InstanceState } from '../collector/src/domain/instance/instance-state.ts';
import { createLogger } from '../collector/src/shared/logger.ts';
import { createElasticsearchClient } from '../collector/src/adapters/elasticsearch/es-client.ts';
import { ElasticsearchEventStore } from '../collector/src/adapters/elasticsearch/es-event-store.ts';
import { instancesIndex } from '../collector/src/adapters/elasticsearch/index-names.ts';
import type { EventStore } from '../collector/src/ports/event-store.ts';
import { databasePath } from '../collector/src/adapters/sqlite/sqlite-database.ts';
import { SqliteEventStore } from '../collector/src/adapters/sqlite/sqlite-event-store.ts';
import { machine, percentile, writeSection } from './report.ts';

const SQLITE_N = Number(process.argv[2] ?? 200_000);
const ES_N = Number(process.argv[3] ?? SQLITE_N);
const OVERDUE = 10;
const LIMIT = 100;
const RUNS = 50;
const WARMUP = 3;
const BATCH = 5_000;
const PROCESS = 'order-fulfilment';
const TERMINAL = ['completed', 'failed', 'cancelled'];
const esUrl = process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';

/** Deterministic PRNG (mulberry32): both stores get the same states. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A realistic open state (folded from a real history), to clone per instance. */
function template(): InstanceState {
  const base = { specversion: '1.0' as const, source: 'shop', ftprocess: PROCESS };
  const at = (s: number): string =>
    new Date(Date.parse('2026-01-01T00:00:00Z') + s * 1000).toISOString();
  const events: FlowtrailEvent[] = [
    {
      ...base,
      id: 't-1',
      type: EventTypes.processStarted,
      time: at(0),
      ftinstance: 't',
      data: { businessKeys: { orderNo: 'ORD-0', customer: 'C-0' } },
    },
    {
      ...base,
      id: 't-2',
      type: EventTypes.stepStarted,
      time: at(5),
      ftinstance: 't',
      ftstep: 'reserve-stock',
      ftowner: 'team-stock',
      data: {},
    },
    {
      ...base,
      id: 't-3',
      type: EventTypes.stepCompleted,
      time: at(20),
      ftinstance: 't',
      ftstep: 'reserve-stock',
      data: {},
    },
    {
      ...base,
      id: 't-4',
      type: EventTypes.stepStarted,
      time: at(25),
      ftinstance: 't',
      ftstep: 'charge-card',
      ftowner: 'team-payments',
      data: { deadline: at(600) },
    },
  ];
  return foldInstance(events);
}

/** Open state number `i` with the given deadline and last activity. */
function stateOf(
  base: InstanceState,
  i: number,
  deadlineMs: number,
  lastMs: number,
  waiting: boolean,
): InstanceState {
  const instance = `o-${i}`;
  const deadline = new Date(deadlineMs).toISOString();
  const lastEventAt = new Date(lastMs).toISOString();
  const [first, current] = base.steps as [InstanceState['steps'][0], InstanceState['steps'][0]];
  return {
    ...base,
    key: `shop/${PROCESS}/${instance}`,
    instance,
    status: waiting ? 'waiting' : 'running',
    lastEventAt,
    businessKeys: { orderNo: `ORD-${100_000 + i}`, customer: `C-${i % 5000}` },
    steps: [
      first,
      waiting
        ? {
            ...current,
            status: 'waiting',
            deadline,
            waitingFor: 'payment',
            waitingSince: lastEventAt,
          }
        : { ...current, deadline },
    ],
    waits: waiting ? [{ step: current.name, for: 'payment', since: lastEventAt, deadline }] : [],
    nextDeadline: deadline,
    searchText: `${base.searchText} o-${i} ORD-${100_000 + i}`,
  };
}

/** Loads `n` open states with future deadlines and OVERDUE past ones; returns their keys. */
async function load(
  store: EventStore,
  n: number,
  nowMs: number,
): Promise<{ overdue: string[]; ms: number }> {
  const random = rng(7);
  const base = template();
  const overdueAt = new Set(
    Array.from({ length: OVERDUE }, (_, k) => Math.floor(((k + 0.5) * n) / OVERDUE)),
  );
  const overdue: string[] = [];
  const started = performance.now();
  let batch: InstanceState[] = [];
  for (let i = 0; i < n + OVERDUE; i++) {
    const late = overdueAt.has(i) && overdue.length < OVERDUE;
    const deadlineMs = late
      ? nowMs - (1 + overdue.length) * 1000
      : nowMs + 60_000 + Math.floor(random() * 7 * 86_400_000);
    const state = stateOf(
      base,
      i,
      deadlineMs,
      nowMs - Math.floor(random() * 3_600_000),
      random() < 0.4,
    );
    if (late) overdue.push(state.key);
    batch.push(state);
    if (batch.length === BATCH || i === n + OVERDUE - 1) {
      const result = await store.writeStates(batch);
      if (result.rejected.length + result.retriable.length > 0) throw new Error('load failed');
      batch = [];
    }
  }
  return { overdue, ms: performance.now() - started };
}

interface Timing {
  p50: number;
  p95: number;
}

async function timeRuns(fn: () => Promise<unknown>): Promise<Timing> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return { p50: percentile(ms, 0.5), p95: percentile(ms, 0.95) };
}

/** Keys of the overdue states among `states`, earliest first then by key, at most LIMIT. */
function overdueOf(states: Iterable<InstanceState>, nowMs: number): string[] {
  const hits: { key: string; ms: number }[] = [];
  for (const s of states) {
    const ms = Date.parse(s.nextDeadline ?? '');
    if (ms <= nowMs && !TERMINAL.includes(s.status)) hits.push({ key: s.key, ms });
  }
  hits.sort((a, b) => a.ms - b.ms || (a.key < b.key ? -1 : 1));
  return hits.slice(0, LIMIT).map((h) => h.key);
}

interface Result {
  store: string;
  n: number;
  loadMs: number;
  indexed: Timing;
  baselineMs: number;
  scanned: number;
}

function check(name: string, found: string[], expected: string[]): void {
  const want = [...expected].reverse(); // later-loaded ones are further overdue
  if (JSON.stringify(found) !== JSON.stringify(want)) {
    throw new Error(`${name} found ${JSON.stringify(found)}, expected ${JSON.stringify(want)}`);
  }
}

async function runSqlite(n: number): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'flowtrail-bench-overdue-'));
  const store = new SqliteEventStore({ dataDir: dir });
  try {
    await store.prepare();
    const nowMs = Date.now();
    const now = new Date(nowMs).toISOString();
    const { overdue, ms: loadMs } = await load(store, n, nowMs);
    console.log(`sqlite: loaded ${n + OVERDUE} states in ${(loadMs / 1000).toFixed(1)} s`);
    check(
      'sqlite overdueInstances',
      (await store.overdueInstances(now, LIMIT)).map((s) => s.key),
      overdue,
    );
    const indexed = await timeRuns(() => store.overdueInstances(now, LIMIT));

    // Baseline: every open instance read once (a second connection, like a sweep process).
    const db = new Database(databasePath(dir), { readonly: true });
    const started = performance.now();
    let scanned = 0;
    const rows = db
      .prepare(
        `SELECT state FROM instances WHERE status NOT IN ('completed', 'failed', 'cancelled')`,
      )
      .iterate() as IterableIterator<{ state: string }>;
    const found = overdueOf(
      (function* () {
        for (const row of rows) {
          scanned++;
          yield JSON.parse(row.state) as InstanceState;
        }
      })(),
      nowMs,
    );
    const baselineMs = performance.now() - started;
    db.close();
    check('sqlite baseline', found, overdue);
    return { store: 'SQLite (embedded)', n, loadMs, indexed, baselineMs, scanned };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runElasticsearch(n: number): Promise<Result> {
  const config = parseConfig({
    ELASTICSEARCH_URL: esUrl,
    ELASTICSEARCH_REQUEST_TIMEOUT_MS: '120000',
  });
  const prefix = `ft-bench-overdue-${randomBytes(4).toString('hex')}`;
  const client = createElasticsearchClient(config.elasticsearch);
  const store = new ElasticsearchEventStore(createElasticsearchClient(config.elasticsearch), {
    indexPrefix: prefix,
    replicas: 0,
    logger: createLogger('silent'),
  });
  try {
    await store.prepare();
    const nowMs = Date.now();
    const now = new Date(nowMs).toISOString();
    const { overdue, ms: loadMs } = await load(store, n, nowMs);
    await client.indices.refresh({ index: instancesIndex(prefix) });
    console.log(`elasticsearch: loaded ${n + OVERDUE} states in ${(loadMs / 1000).toFixed(1)} s`);
    check(
      'es overdueInstances',
      (await store.overdueInstances(now, LIMIT)).map((s) => s.key),
      overdue,
    );
    const indexed = await timeRuns(() => store.overdueInstances(now, LIMIT));

    // Baseline: every open instance read once, search_after in key order.
    const started = performance.now();
    let scanned = 0;
    const states: InstanceState[] = [];
    let after: (string | number)[] | undefined;
    for (;;) {
      const response = await client.search<InstanceState>({
        index: instancesIndex(prefix),
        query: { bool: { must_not: [{ terms: { status: TERMINAL } }] } },
        sort: [{ key: 'asc' }],
        size: 10_000,
        track_total_hits: false,
        ...(after !== undefined ? { search_after: after } : {}),
      });
      const hits = response.hits.hits;
      for (const hit of hits) {
        scanned++;
        if (hit._source !== undefined) states.push(hit._source);
      }
      if (hits.length < 10_000) break;
      after = hits[hits.length - 1]?.sort as (string | number)[] | undefined;
    }
    const found = overdueOf(states, nowMs);
    const baselineMs = performance.now() - started;
    check('es baseline', found, overdue);
    return { store: 'Elasticsearch', n, loadMs, indexed, baselineMs, scanned };
  } finally {
    await store.close();
    const indices = await client.indices.get({
      index: `${prefix}-*`,
      allow_no_indices: true,
      expand_wildcards: 'all',
    });
    for (const index of Object.keys(indices))
      await client.indices.delete({ index }, { ignore: [404] });
    for (const name of [`${prefix}-events`, `${prefix}-instances`]) {
      await client.indices.deleteIndexTemplate({ name }, { ignore: [404] });
    }
    await client.close();
  }
}

const results: Result[] = [];
if (SQLITE_N > 0) results.push(await runSqlite(SQLITE_N));
if (ES_N > 0) results.push(await runElasticsearch(ES_N));

const num = (n: number): string => n.toLocaleString('en-US');
const ms = (n: number): string => (n >= 1000 ? `${(n / 1000).toFixed(1)} s` : `${n.toFixed(1)} ms`);
const rows = results.map(
  (r) =>
    `| ${r.store} | ${num(r.n)} + ${OVERDUE} | ${ms(r.loadMs)} | ${r.indexed.p50.toFixed(2)} / ${r.indexed.p95.toFixed(2)} ms | ${ms(r.baselineMs)} (${num(r.scanned)} states) | ${Math.round(r.baselineMs / r.indexed.p50).toLocaleString('en-US')}× |`,
);
const table = `## Overdue instances (detection, issue 4 §2)

${new Date().toISOString().slice(0, 10)} · ${machine()} · Elasticsearch ${esUrl} (single node, same machine) · \`npx tsx bench/overdue.bench.ts ${SQLITE_N} ${ES_N}\`

N open instance states (running or waiting, deadlines 1 min to 7 days ahead) plus ${OVERDUE} overdue ones (1 to 10 s past), written through \`writeStates\` in batches of ${num(BATCH)}. **Indexed**: \`overdueInstances(now, ${LIMIT})\`, ${RUNS} runs after ${WARMUP} warm-ups (SQLite: partial index \`instances_overdue (next_deadline_ms, key)\` over non-terminal rows; Elasticsearch: \`range\` + sort on the \`nextDeadline\` date). **Baseline**: scan every open instance once and filter \`nextDeadline\` ≤ now in memory (SQLite: one SELECT of every non-terminal state; Elasticsearch: \`search_after\` over every non-terminal state, 10,000 per page). Both find exactly the ${OVERDUE} overdue instances.

| store | open instances | load | indexed p50 / p95 | baseline: scan all open | baseline ÷ indexed p50 |
|---|---|---|---|---|---|
${rows.join('\n')}

The indexed query reads only the overdue instances, so its time does not grow with the number of open ones; the scan grows linearly and would be repeated on every sweep.`;
console.log(`\n${table}\n`);
writeSection('overdue', table);
