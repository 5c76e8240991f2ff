/**
 * The Elasticsearch store at scale (issue 11, item 6: "≥ 2M on Elasticsearch"): the
 * measurement of bench/embedded-scale.bench.ts on `ElasticsearchEventStore` — ingest rate
 * and query latency at two history sizes in one run, so the growth of each query's cost
 * with the stored history is visible.
 *
 *   npx tsx bench/es-scale.bench.ts [sizes=200000,2000000] [queries=200]
 *   npx tsx bench/es-scale.bench.ts 20000,200000 50 dry   (no docs/benchmarks.md write)
 *
 * Needs Elasticsearch (ELASTICSEARCH_URL, default http://127.0.0.1:9200). For each size
 * (events), on a fresh unique prefix `ft-bench-<hex>` (replicas 0) deleted afterwards —
 * its indices and index templates, also on failure or Ctrl-C:
 *  1. ingest: the synthetic orders of embedded-scale-data.ts (4 processes, 30 days, seeded)
 *     in batches of 10,000 events (FLOWTRAIL_BATCH_SIZE's default in Kafka mode) through
 *     `BatchIngester.process` on the store itself — decode, `writeEvents` (refresh, `ids`
 *     check, bulk create), folds continued from the summaries (mget, bulk states and
 *     summaries) — one batch at a time, as one partition is ingested. No Kafka: this is
 *     the store path's rate; a check that the states' `eventCount`s add up to the events;
 *  2. one refresh, then the index sizes (`_cat/indices`, bytes) and untimed warm-ups
 *     (20 rounds of the per-instance shapes, other samples; one heat map of each process,
 *     which fills the store's analytics cache as a running query node has it);
 *  3. timed, same seed at every size: `queries` rounds of the shapes of scale-queries.ts
 *     (searches through `searchInstances`, the timeline) and the baseline — `getInstance`,
 *     a real-time GET by document id, the floor any query pays; each query's p50 is also a
 *     ratio to it; then 5 `ownershipOf` calls and 50 each of `processHeatmap` and
 *     `processGraphOf`, which read the analytics buckets. While the ingest runs, the
 *     analytics compaction runs every second as in the collector (es-analytics-compactor.ts);
 *     after it, the time until it had taken in every contribution is measured, and the
 *     buckets' instance count is checked against the instance states stored;
 *  4. the heat map's first read of each process by a store object that has not read it
 *     (`COLD_ROUNDS` fresh stores × the 4 processes: a query node just started, whose
 *     analytics cache, es-analytics-cache.ts, reads every bucket of the process once).
 * Peak RSS is the bench process's maximum (`resourceUsage().maxRSS`) after each size; the
 * Elasticsearch JVM is a separate process. Writes docs/benchmarks.md (section "es-scale").
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { createElasticsearchClient } from '../collector/src/adapters/elasticsearch/es-client.ts';
import { ElasticsearchEventStore } from '../collector/src/adapters/elasticsearch/es-event-store.ts';
import { foldInstance } from '../collector/src/domain/instance/fold.ts';
import { BatchIngester } from '../collector/src/app/ingest/batch-ingester.ts';
import { parseConfig } from '../collector/src/main/config/config.ts';
import { createLogger } from '../collector/src/shared/logger.ts';
import { Metrics } from '../collector/src/shared/metrics.ts';
import { startAnalyticsCompaction } from '../collector/src/main/start-analytics-compaction.ts';
import { generateOrders, type Sample } from './embedded-scale-data.ts';
import { countStates } from './ingest-es.ts';
import { machine, percentile, writeSection } from './report.ts';
import {
  fmt,
  latencyTable,
  messages,
  runSizes,
  timeQueryShapes,
  time,
  timeScanViews,
  type Timings,
} from './scale-queries.ts';
import { PROCESSES } from './embedded-scale-data.ts';
import { processHeatmap } from '../collector/src/app/queries/process-heatmap.ts';

const SIZES = (process.argv[2] ?? '200000,2000000').split(',').map(Number);
const QUERIES = Number(process.argv[3] ?? 200);
const DRY = process.argv[4] === 'dry';
const BATCH = 10_000;
const WARMUP_ROUNDS = 20;
const SCAN_CALLS = { ownership: 5, heatmap: 50, graph: 50 };
const COLD_ROUNDS = 3;
const BASELINE = 'baseline: getInstance (GET by id)';
const esUrl = process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';
const client = createElasticsearchClient(
  parseConfig({ ELASTICSEARCH_URL: esUrl, ELASTICSEARCH_REQUEST_TIMEOUT_MS: '300000' })
    .elasticsearch,
);
const logger = createLogger('warn');

/** Bytes of the prefix's indices by kind, and the events indices' document count. */
interface IndexSizes {
  eventsBytes: number;
  eventsIndices: number;
  eventDocs: number;
  instancesBytes: number;
  summariesBytes: number;
  contributionsBytes: number;
}

interface SizeResult {
  events: number;
  instances: number;
  ingestSeconds: number;
  eventsPerSecond: number;
  /** After the ingest: until the compaction had taken in every contribution. */
  catchUpSeconds: number;
  sizes: IndexSizes;
  timings: Timings;
  peakRssMiB: number;
}

/** Prefixes created and not yet deleted (cleaned up on failure and on signals). */
const live = new Set<string>();

async function cleanUp(prefix: string): Promise<void> {
  // By name, not by wildcard: works with action.destructive_requires_name as well.
  const indices = await client.cat.indices({ index: `${prefix}-*`, format: 'json', h: 'index' });
  const names = indices.flatMap((row) => (row.index === undefined ? [] : [row.index]));
  if (names.length > 0) await client.indices.delete({ index: names });
  await client.indices.deleteIndexTemplate({ name: `${prefix}-*` }).catch(() => undefined);
  live.delete(prefix);
}

async function indexSizes(prefix: string): Promise<IndexSizes> {
  const rows = await client.cat.indices({ index: `${prefix}-*`, format: 'json', bytes: 'b' });
  const sizes = { eventsBytes: 0, eventsIndices: 0, eventDocs: 0 };
  const bytes = (suffix: string) =>
    Number(rows.find((r) => r.index === `${prefix}-${suffix}`)?.['store.size'] ?? 0);
  for (const row of rows) {
    if (!row.index?.startsWith(`${prefix}-events-`)) continue;
    sizes.eventsBytes += Number(row['store.size'] ?? 0);
    sizes.eventsIndices += 1;
    sizes.eventDocs += Number(row['docs.count'] ?? 0);
  }
  return {
    ...sizes,
    instancesBytes: bytes('instances'),
    summariesBytes: bytes('summaries'),
    contributionsBytes: bytes('contributions'),
  };
}

async function runSize(events: number): Promise<SizeResult> {
  const prefix = `ft-bench-${randomBytes(4).toString('hex')}`;
  live.add(prefix);
  try {
    const store = new ElasticsearchEventStore(client, { indexPrefix: prefix, replicas: 0, logger });
    await store.prepare();
    const metrics = new Metrics();
    const ingester = new BatchIngester({
      writer: store,
      deadLetters: { send: async () => {} },
      fold: foldInstance,
      maxEventBytes: 1_048_576,
      metrics,
      logger,
    });
    const samples: Sample[] = [];
    let pending: FlowtrailEvent[] = [];
    // As in the collector: the buckets take in the contributions while ingest runs.
    const compaction = startAnalyticsCompaction(store, 1000, logger);
    const started = performance.now();
    let lastReport = started;
    const flush = async (): Promise<void> => {
      const outcome = await ingester.process(messages(pending));
      if (outcome.indexed + outcome.deadLettered !== pending.length) {
        throw new Error(`batch: ${outcome.indexed} of ${pending.length} events stored`);
      }
      if (outcome.deadLettered > 0) throw new Error(`${outcome.deadLettered} dead-lettered`);
      pending = [];
    };
    const { lastTime } = await generateOrders(events, samples, async (event) => {
      pending.push(event);
      if (pending.length < BATCH) return;
      await flush();
      if (performance.now() - lastReport > 30_000) {
        lastReport = performance.now();
        const s = (lastReport - started) / 1000;
        process.stderr.write(`  ${events}: ${Math.round(s)} s, load ${loadavg()[0]?.toFixed(2)}\n`);
      }
    });
    if (pending.length > 0) await flush();
    const ingestSeconds = (performance.now() - started) / 1000;
    await compaction.stop();
    const caughtUp = performance.now();
    while ((await store.compactAnalytics()) > 0);
    const catchUpSeconds = (performance.now() - caughtUp) / 1000;
    const buckets = await store.analyticsBuckets({});
    const counted = (buckets ?? []).reduce((n, b) => n + b.graph.instances, 0);
    await client.indices.refresh({ index: `${prefix}-instances` });
    const stored = (await client.count({ index: `${prefix}-instances` })).count;
    if (counted !== stored) throw new Error(`buckets count ${counted} of ${stored} instances`);

    await client.indices.refresh({ index: `${prefix}-*` });
    const folded = await countStates(client, prefix);
    if (folded !== events) throw new Error(`states fold ${folded} of ${events} events`);
    const sizes = await indexSizes(prefix);
    process.stderr.write(`  ${events}: ingested in ${ingestSeconds.toFixed(0)} s; queries…\n`);

    const now = new Date(lastTime).toISOString();
    const baseline = { kind: BASELINE, lookup: (key: string) => store.getInstance(key) };
    // Warm-ups (JIT, ES caches and page cache) on other samples than the timed ones.
    const warm: Timings = new Map();
    await timeQueryShapes(
      store,
      samples,
      { queries: WARMUP_ROUNDS, now, baseline, seed: 99 },
      warm,
    );
    await timeScanViews(store, { ownership: 1, heatmap: PROCESSES.length, graph: 0 }, warm);

    const timings: Timings = new Map();
    await timeQueryShapes(store, samples, { queries: QUERIES, now, baseline }, timings);
    await timeScanViews(store, SCAN_CALLS, timings);
    for (let round = 0; round < COLD_ROUNDS; round++) {
      const fresh = new ElasticsearchEventStore(client, {
        indexPrefix: prefix,
        replicas: 0,
        logger,
      });
      for (const { name } of PROCESSES) {
        await time(
          timings,
          `processHeatmap, first read of a process (${COLD_ROUNDS}×4 calls)`,
          () => processHeatmap(fresh, { process: name, dimension: 'hour' }),
        );
      }
    }
    const eventsPerSecond = events / ingestSeconds;
    const peakRssMiB = process.resourceUsage().maxRSS / 1024;
    return {
      events,
      // The states stored (the generator's count includes instances cut off at the size).
      instances: stored,
      ingestSeconds,
      eventsPerSecond,
      catchUpSeconds,
      sizes,
      timings,
      peakRssMiB,
    };
  } finally {
    await cleanUp(prefix);
  }
}

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** The targets (issue 11, item 6), checked at the largest size. */
function verdict(results: readonly SizeResult[]): string {
  const [small, large] = [results[0], results[results.length - 1]] as [SizeResult, SizeResult];
  const kinds = [...large.timings.keys()];
  const p = (r: SizeResult, kind: string, q: number) => percentile(r.timings.get(kind) ?? [], q);
  // The worst p95 of the kinds starting with `prefix` (the unfiltered search is no filter).
  const worst = (prefix: string) => {
    const kind = kinds
      .filter((k) => k.startsWith(prefix) && !k.includes('no filter'))
      .reduce((a, b) => (p(large, b, 0.95) > p(large, a, 0.95) ? b : a));
    return { kind, p95: p(large, kind, 0.95), growth: p(large, kind, 0.5) / p(small, kind, 0.5) };
  };
  const mark = (ok: boolean) => (ok ? 'met' : '**missed**');
  const search = worst('search:');
  const timeline = worst('timeline:');
  // The steady reads (a warm analytics cache); the first read of a process is its own row.
  const views = [worst('processHeatmap ('), worst('processGraphOf (')].map(
    (v) =>
      `${v.kind.split(' ')[0]} p95 ${fmt(v.p95)} ms (≤ 500: ${mark(v.p95 <= 500)}), growth ` +
      `${v.growth.toFixed(2)}× (≤ 1.5×: ${mark(v.growth <= 1.5)})`,
  );
  const at = large.events.toLocaleString('en');
  const flat = Math.max(
    ...kinds
      .filter((k) => k.startsWith('search:') || k.startsWith('timeline:'))
      .map((k) => p(large, k, 0.5) / p(small, k, 0.5)),
  );
  return (
    `Against the targets at ${at} events: filtered search, worst p95 ${fmt(search.p95)} ms ` +
    `(\`${search.kind}\`; ≤ 150: ${mark(search.p95 <= 150)}); timeline p95 ${fmt(timeline.p95)} ms ` +
    `(≤ 100: ${mark(timeline.p95 <= 100)}); ${views.join('; ')}. The searches and the timeline ` +
    `read the instances index or one instance's events (p50 growth at most ${flat.toFixed(2)}×); ` +
    'the heat map and the graph read the week rollup of the hour buckets that the store ' +
    'keeps per process (es-analytics-cache.ts: a real-time read of the visible page, then ' +
    "a search of the process's buckets written since, none here), which the compaction kept current during the ingest " +
    '(es-analytics-compactor.ts, every second, as in the collector); "analytics catch-up" is ' +
    'what it still had to take in after the last batch.'
  );
}

function report(
  results: readonly SizeResult[],
  loads: number[][],
  wallSeconds: number,
  version: string,
): string {
  const [small, large] = [results[0], results[results.length - 1]] as [SizeResult, SizeResult];
  const sizes = results
    .map(
      (r) =>
        `| ${r.events.toLocaleString('en')} | ${r.instances.toLocaleString('en')} | ${r.ingestSeconds.toFixed(0)} s | ${Math.round(r.eventsPerSecond).toLocaleString('en')} | ${r.catchUpSeconds.toFixed(1)} s | ${mib(r.sizes.eventsBytes)} (${r.sizes.eventsIndices} daily, ${r.sizes.eventDocs.toLocaleString('en')} docs) | ${mib(r.sizes.instancesBytes)} | ${mib(r.sizes.summariesBytes)} | ${mib(r.sizes.contributionsBytes)} | ${r.peakRssMiB.toFixed(0)} MiB |`,
    )
    .join('\n');
  return `
## Elasticsearch store at scale (issue 11, item 6)

\`npx tsx bench/es-scale.bench.ts ${SIZES.join(',')} ${QUERIES}\` — ${machine()}, Elasticsearch ${version}
(single node, 1 shard per index, replicas 0, on the same machine); load average (1/5/15 min)
before each size: ${loads.map((l) => l.map((x) => x.toFixed(2)).join('/')).join(', ')}; whole run
${Math.round(wallSeconds)} s. Method: bench/es-scale.bench.ts (header comment): the orders of
embedded-scale-data.ts, ingested through \`BatchIngester\` on the store in batches of ${BATCH.toLocaleString('en')} (no
Kafka: the store path's rate), then ${WARMUP_ROUNDS} warm-up rounds and ${QUERIES} timed rounds of the
query shapes of scale-queries.ts (the HTTP API's query functions). Growth = p50 at the larger
size / p50 at the smaller, while the history grows ${(large.events / small.events).toFixed(0)}×. Ratio = p50 / p50 of
\`getInstance\` (a real-time GET by id) at that size. Index sizes from \`_cat/indices\` after
the refresh, before any merge was forced.

| events | instances | ingest | events/s | analytics catch-up after ingest | events indices | instances | summaries | contributions | peak RSS (bench process) |
|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${sizes}

${latencyTable(results, BASELINE)}

${verdict(results)}
`;
}

async function main(): Promise<void> {
  // From the node info: this installation answers GET / with 405.
  const nodes = await client.nodes.info({ node_id: '_local', metric: 'settings' });
  const version = Object.values(nodes.nodes)[0]?.version ?? 'unknown';
  const { results, loads, wallSeconds } = await runSizes(SIZES, runSize);
  const markdown = report(results, loads, wallSeconds, version);
  process.stdout.write(markdown);
  if (!DRY) writeSection('es-scale', markdown);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void Promise.allSettled([...live].map(cleanUp)).finally(() => process.exit(130));
  });
}
try {
  await main();
} finally {
  await Promise.allSettled([...live].map(cleanUp));
  await client.close();
}
