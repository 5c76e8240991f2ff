/**
 * The embedded SQLite store at scale (issue 11, items 3 and 6): ingest rate and query
 * latency at two history sizes in one run, so the growth of each query's cost with the
 * stored history is visible (the search indexes of search-index-schema.ts should keep it
 * flat; the heat map and the process graph read the pre-aggregated analytics buckets,
 * whose number follows hours × steps, not events).
 *
 *   npx tsx bench/embedded-scale.bench.ts [sizes=200000,1000000] [queries=200]
 *   npx tsx bench/embedded-scale.bench.ts 200000 ingest   (step 1 only, one line per size,
 *                                                          docs/benchmarks.md untouched)
 *
 * For each size (events), in a fresh temp dir removed afterwards:
 *  1. ingest: synthetic orders of four processes (5–8 steps each, an owner and a system
 *     per step, business keys orderId + customer, some failures, some left open or
 *     waiting), started over 30 days, from a seeded PRNG; instances generated in groups
 *     of 200 whose events are sorted by time, so a batch interleaves ~150 instances; the
 *     batches of 500 events (FLOWTRAIL_BATCH_SIZE) go through `BatchIngester.process`
 *     on the store (decode → one SQLite transaction: insert, fold, states), as embedded
 *     mode ingests a sub-batch; events/s over the whole ingest;
 *  2. `queries` random queries of each kind (same seed at every size; the shapes and the
 *     query functions are scale-queries.ts, shared with es-scale.bench.ts): search by business
 *     key, instance id, process + status with facets, owner, step, free text (an order
 *     number), the timeline (`getEvents` + `instanceTimeline`); a few calls of
 *     `ownershipOf` (capped: it reads every open instance), and 50 of each of
 *     `processHeatmap` and `processGraphOf` (from the week rollup of the analytics
 *     buckets, analytics-cache.ts), after one unmeasured call of each per process (the
 *     first read is step 4's row);
 *  3. the baseline: a bare primary-key lookup (`SELECT state FROM instances WHERE key =
 *     ?`) on a second, read-only connection, the floor any query pays; each query's p50
 *     is also given as a ratio to it;
 *  4. the heat map's first read after the store was opened (`COLD_ROUNDS` fresh
 *     `SqliteEventStore`s on the file, each process once): what a read costs before the
 *     store's cache of parsed analytics buckets (analytics-cache.ts) holds the process;
 *  5. alerts (scale-alerts.ts): open ones for 1 % of the instances and as many resolved,
 *     written through the SQLite alert store; `queries` rounds of what the alerts page
 *     reads (open, newest 100 and the total) and of every open alert (`openAlerts`).
 * Peak RSS is the process maximum (`resourceUsage().maxRSS`) after each size. Writes
 * docs/benchmarks.md (section "embedded-scale").
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { foldInstance } from '../collector/src/domain/instance/fold.ts';
import { SqliteEventStore } from '../collector/src/adapters/sqlite/sqlite-event-store.ts';
import { SqliteAlertStore } from '../collector/src/adapters/sqlite/sqlite-alert-store.ts';
import { processHeatmap } from '../collector/src/app/queries/process-heatmap.ts';
import { databasePath } from '../collector/src/adapters/sqlite/sqlite-database.ts';
import { BatchIngester } from '../collector/src/app/ingest/batch-ingester.ts';
import { createLogger } from '../collector/src/shared/logger.ts';
import { Metrics } from '../collector/src/shared/metrics.ts';
import { machine, writeSection } from './report.ts';
import { BASE, generateOrders, PROCESSES, type Sample } from './embedded-scale-data.ts';
import { seedAlerts, timeAlertReads } from './scale-alerts.ts';
import {
  latencyTable,
  messages,
  runSizes,
  timeQueryShapes,
  timeScanViews,
  time,
  type Timings,
} from './scale-queries.ts';

const SIZES = (process.argv[2] ?? '200000,1000000').split(',').map(Number);
/** `ingest`: measure the ingest only (e.g. to compare two versions of the store). */
const INGEST_ONLY = process.argv[3] === 'ingest';
const QUERIES = INGEST_ONLY ? 0 : Number(process.argv[3] ?? 200);
const BATCH = 500;
/** Calls of the views that read a whole process (or all open instances). */
const SCAN_CALLS = { ownership: 5, heatmap: 50, graph: 50 };
const BASELINE = 'baseline: primary-key lookup';
/** Freshly opened stores whose first heat map of each process is timed (step 4). */
const COLD_ROUNDS = 3;

interface SizeResult {
  events: number;
  instances: number;
  ingestSeconds: number;
  eventsPerSecond: number;
  fileMiB: number;
  /** Milliseconds per call, per query kind (none when only the ingest was measured). */
  timings: Timings;
  /** Open alerts written (step 5). */
  openAlerts: number;
  peakRssMiB: number;
}

async function runSize(events: number): Promise<SizeResult> {
  const dir = mkdtempSync(join(tmpdir(), 'flowtrail-bench-scale-'));
  const store = new SqliteEventStore({ dataDir: dir });
  await store.prepare();
  const ingester = new BatchIngester({
    writer: store,
    deadLetters: { send: async () => {} },
    fold: foldInstance,
    maxEventBytes: 1_048_576,
    metrics: new Metrics(),
    logger: createLogger('silent'),
  });
  const samples: Sample[] = [];
  let pending: FlowtrailEvent[] = [];
  const started = performance.now();
  let lastReport = started;
  const { instances, lastTime } = await generateOrders(events, samples, async (event) => {
    pending.push(event);
    if (pending.length < BATCH) return;
    await ingester.process(messages(pending));
    pending = [];
    if (performance.now() - lastReport > 30_000) {
      lastReport = performance.now();
      const s = (lastReport - started) / 1000;
      process.stderr.write(`  ${events}: ${Math.round(s)} s, load ${loadavg()[0]?.toFixed(2)}\n`);
    }
  });
  if (pending.length > 0) await ingester.process(messages(pending));
  const ingestSeconds = (performance.now() - started) / 1000;
  if (INGEST_ONLY) {
    const fileMiB = statSync(databasePath(dir)).size / 2 ** 20;
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    const peakRssMiB = process.resourceUsage().maxRSS / 1024;
    const eventsPerSecond = events / ingestSeconds;
    return {
      events,
      instances,
      ingestSeconds,
      eventsPerSecond,
      fileMiB,
      timings: new Map(),
      openAlerts: 0,
      peakRssMiB,
    };
  }

  const timings: Timings = new Map();
  const raw = new Database(databasePath(dir), { readonly: true });
  const byKey = raw.prepare('SELECT state FROM instances WHERE key = ?');
  const now = new Date(lastTime).toISOString();
  const baseline = { kind: BASELINE, lookup: (key: string) => byKey.get(key) };
  await timeQueryShapes(store, samples, { queries: QUERIES, now, baseline }, timings);
  await timeScanViews(store, SCAN_CALLS, timings);
  raw.close();
  for (let round = 0; round < COLD_ROUNDS; round++) {
    const fresh = new SqliteEventStore({ dataDir: dir });
    await fresh.prepare();
    for (const { name } of PROCESSES) {
      await time(timings, `processHeatmap, first read after open (${COLD_ROUNDS}×4 calls)`, () =>
        processHeatmap(fresh, { process: name, dimension: 'hour' }),
      );
    }
    await fresh.close();
  }
  const alerts = new SqliteAlertStore({ dataDir: dir });
  await alerts.prepare();
  const seeded = await seedAlerts(alerts, instances, BASE, lastTime);
  await timeAlertReads(alerts, QUERIES, timings);
  await alerts.close();
  const fileMiB = statSync(databasePath(dir)).size / 2 ** 20;
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    events,
    instances,
    ingestSeconds,
    eventsPerSecond: events / ingestSeconds,
    fileMiB,
    timings,
    openAlerts: seeded.open,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  };
}

function report(results: readonly SizeResult[], loads: number[][], wallSeconds: number): string {
  const [small, large] = [results[0], results[results.length - 1]] as [SizeResult, SizeResult];
  const sizes = results
    .map(
      (r) =>
        `| ${r.events.toLocaleString('en')} | ${r.instances.toLocaleString('en')} | ${r.ingestSeconds.toFixed(0)} s | ${Math.round(r.eventsPerSecond).toLocaleString('en')} | ${r.fileMiB.toFixed(0)} MiB | ${r.peakRssMiB.toFixed(0)} MiB |`,
    )
    .join('\n');
  const sqlite = new Database(':memory:').prepare('SELECT sqlite_version() AS v').get() as {
    v: string;
  };
  return `
## Embedded store at scale (issue 11, items 3 and 6)

\`npx tsx bench/embedded-scale.bench.ts ${SIZES.join(',')} ${QUERIES}\` — ${machine()}, SQLite ${sqlite.v}
(better-sqlite3), store schema with the search indexes of \`search-index-schema.ts\`; load
average (1/5/15 min) before each size: ${loads.map((l) => l.map((x) => x.toFixed(2)).join('/')).join(', ')};
whole run ${Math.round(wallSeconds)} s; open alerts (as many resolved) at each size: ${results.map((r) => r.openAlerts.toLocaleString('en')).join(', ')}. Method: bench/embedded-scale.bench.ts (header comment). Growth = p50 at
the larger size / p50 at the smaller; the flat queries should stay near 1× while the history
grows ${(large.events / small.events).toFixed(0)}×. Ratio = p50 / p50 of the primary-key lookup at that size.

| events | instances | ingest | events/s | file | peak RSS (process) |
|---:|---:|---:|---:|---:|---:|
${sizes}

${latencyTable(results, BASELINE, 'ratio to PK lookup')}
`;
}

const { results, loads, wallSeconds } = await runSizes(SIZES, runSize);
if (INGEST_ONLY) process.exit(0);
const markdown = report(results, loads, wallSeconds);
process.stdout.write(markdown);
writeSection('embedded-scale', markdown);
