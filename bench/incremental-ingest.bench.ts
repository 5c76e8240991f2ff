/**
 * Incremental ingest (issue 11, item 1): the cost per appended event of a batch on the
 * embedded SQLite store, for instances that already hold `5`, `500` and `10,000` events,
 * before (every touched instance re-folded from all its stored events) and after (its
 * stored fold summary continued with only the new events), in the same run.
 *
 * For each history size and each mode, in a fresh temp dir of its own:
 *  1. `INSTANCES` order instances, each with `history` events (process.started, then
 *     steps started / completed, messages, custom events), ingested through BatchIngester
 *     in batches of 500 (not measured);
 *  2. `BATCHES` measured batches, each `PER_INSTANCE` new events (later than the history)
 *     for every instance, i.e. `INSTANCES × PER_INSTANCE` events per batch, through
 *     `BatchIngester.process` (decode → one SQLite transaction: insert, fold, states) on
 *     the store itself, as embedded mode ingests a sub-batch.
 * Modes: `incremental: false` (the baseline: the pre-issue-11 path, a re-read and a full
 * fold per touched instance), the default (continued folds), and the default with one
 * late event per batch (an event older than its instance's summary, for one instance in
 * turn: that instance falls back to a re-fold, the others continue). The ingest fold is
 * `foldInstance` for all. An untimed warm-up run comes first (JIT); the measured batches
 * of all configurations are interleaved, so the load of a shared machine hits them alike. Per-event cost = batch time / events in the batch; the table
 * gives the median and p95 over the batches. The `refolds` / `continuedFolds` counters of
 * the measured batches are shown as a check.
 * The events and modes are in incremental-ingest-data.ts, shared with the Elasticsearch
 * version (bench/incremental-ingest-es.bench.ts).
 *
 * Run: `npx tsx bench/incremental-ingest.bench.ts [batches=20] [instances=10] [perInstance=5]`
 * (like every bench here: no npm script); writes docs/benchmarks.md (section
 * "incremental-ingest").
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { foldInstance } from '../collector/src/domain/instance/fold.ts';
import { SqliteEventStore } from '../collector/src/adapters/sqlite/sqlite-event-store.ts';
import { BatchIngester } from '../collector/src/app/ingest/batch-ingester.ts';
import type { IncomingMessage } from '../collector/src/ports/incoming-message.ts';
import { createLogger } from '../collector/src/shared/logger.ts';
import { Metrics } from '../collector/src/shared/metrics.ts';
import { machine, percentile, writeSection } from './report.ts';
import {
  appendBatch,
  eventOf,
  fmt,
  LABEL,
  messages,
  MODES,
  type Mode,
} from './incremental-ingest-data.ts';

const BATCHES = Number(process.argv[2] ?? 20);
const INSTANCES = Number(process.argv[3] ?? 10);
const PER_INSTANCE = Number(process.argv[4] ?? 5);
const HISTORIES = [5, 500, 10_000] as const;
const PRELOAD_BATCH = 500;

interface Result {
  history: number;
  mode: Mode;
  /** Microseconds per appended event, per measured batch. */
  perEventUs: number[];
  refolds: number;
  continuedFolds: number;
}

/** A store preloaded with the history, the bodies of its measured batches and its ingester. */
interface Setup {
  history: number;
  mode: Mode;
  bodies: IncomingMessage[][];
  ingester: BatchIngester;
  metrics: Metrics;
  perEventUs: number[];
  close: () => Promise<void>;
}

async function setUp(
  history: number,
  mode: Mode,
  batches = BATCHES,
  instances = INSTANCES,
): Promise<Setup> {
  const incremental = mode !== 'refold';
  const dir = mkdtempSync(join(tmpdir(), 'flowtrail-bench-incremental-'));
  const store = new SqliteEventStore({ dataDir: dir });
  await store.prepare();
  const logger = createLogger('silent');
  const ingesterWith = (metrics: Metrics) =>
    new BatchIngester({
      writer: store,
      deadLetters: { send: async () => {} },
      fold: foldInstance,
      maxEventBytes: 1_048_576,
      metrics,
      logger,
      incremental,
    });
  // 1. The history, instance after instance, in batches (not measured).
  const preload = ingesterWith(new Metrics());
  for (let i = 0; i < instances; i++) {
    for (let from = 0; from < history; from += PRELOAD_BATCH) {
      const batch: FlowtrailEvent[] = [];
      for (let n = from; n < Math.min(history, from + PRELOAD_BATCH); n++)
        batch.push(eventOf(i, n));
      await preload.process(messages(batch));
    }
  }
  // 2. The bodies of the measured appends, built before any clock starts.
  const bodies = Array.from({ length: batches }, (_, b) =>
    messages(appendBatch(history, b, instances, PER_INSTANCE, mode)),
  );
  const metrics = new Metrics();
  return {
    history,
    mode,
    bodies,
    ingester: ingesterWith(metrics),
    metrics,
    perEventUs: [],
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Batch `b` of a setup, timed. */
async function runBatch(setup: Setup, b: number): Promise<void> {
  const body = setup.bodies[b] as IncomingMessage[];
  const started = performance.now();
  await setup.ingester.process(body);
  setup.perEventUs.push(((performance.now() - started) * 1000) / body.length);
}

/**
 * Every configuration's batches, interleaved (batch 0 of each, then batch 1 of each, …),
 * so a load spike of the shared machine hits all of them alike.
 */
async function measureAll(
  configs: readonly [number, Mode][],
  batches = BATCHES,
  instances = INSTANCES,
): Promise<Result[]> {
  const setups: Setup[] = [];
  try {
    for (const [history, mode] of configs)
      setups.push(await setUp(history, mode, batches, instances));
    for (let b = 0; b < batches; b++) for (const setup of setups) await runBatch(setup, b);
    return setups.map(({ history, mode, perEventUs, metrics }) => {
      const { refolds, continuedFolds } = metrics.snapshot();
      return { history, mode, perEventUs, refolds, continuedFolds };
    });
  } finally {
    for (const setup of setups) await setup.close();
  }
}

async function main(): Promise<void> {
  await measureAll(
    MODES.map((mode) => [50, mode]),
    5,
    4,
  ); // warm-up (JIT), not reported
  const results = await measureAll(
    HISTORIES.flatMap((history) => MODES.map((mode): [number, Mode] => [history, mode])),
  );
  for (const result of results) {
    console.log(
      `history ${result.history}, ${LABEL[result.mode]}: p50 ${fmt(percentile(result.perEventUs, 0.5))}/event ` +
        `(refolds ${result.refolds}, continued ${result.continuedFolds})`,
    );
  }
  const row = (history: number, mode: Mode): Result =>
    results.find((r) => r.history === history && r.mode === mode) as Result;
  const cell = (result: Result): string =>
    `${fmt(percentile(result.perEventUs, 0.5))} / ${fmt(percentile(result.perEventUs, 0.95))}`;
  const lines = HISTORIES.map((history) => {
    const [before, after, late] = MODES.map((mode) => row(history, mode)) as [
      Result,
      Result,
      Result,
    ];
    const ratio = percentile(before.perEventUs, 0.5) / percentile(after.perEventUs, 0.5);
    return (
      `| ${history.toLocaleString('en-US')} | ${cell(before)} | ${cell(after)} | ${ratio.toFixed(1)}× ` +
      `| ${cell(late)} | ${before.refolds} / ${before.continuedFolds} ` +
      `| ${after.refolds} / ${after.continuedFolds} | ${late.refolds} / ${late.continuedFolds} |`
    );
  });
  const batchEvents = INSTANCES * PER_INSTANCE;
  const today = new Date().toISOString().slice(0, 10);
  writeSection(
    'incremental-ingest',
    `## Incremental ingest (issue 11, item 1)

${today} · ${machine()}, load average ${loadavg()[0]?.toFixed(1)} at the end (a shared machine: p95s are noisy; the batches of all configurations are interleaved) · embedded SQLite store, \`BatchIngester\` on the store itself (one transaction per batch, as embedded mode ingests a sub-batch) · ${INSTANCES} instances, each preloaded with the history, then ${BATCHES} batches of ${batchEvents} new events (${PER_INSTANCE} per instance, later than its history; the history grows by ${PER_INSTANCE} per batch) · \`npx tsx bench/incremental-ingest.bench.ts ${BATCHES} ${INSTANCES} ${PER_INSTANCE}\`

Cost per appended event: batch time / ${batchEvents}, median / p95 over the batches. "Re-fold" is the path before issue 11 (\`incremental: false\`: every touched instance's events read back and folded from scratch); "continued" reads each touched instance's stored fold summary by key and folds only its new events; "1 late event" replaces one event of each batch by one older than its instance's summary, so that instance falls back to a re-fold (the counters show it: one re-fold per batch).

| events per instance before the batch | re-fold | continued | speed-up (p50) | continued, 1 late event per batch | re-fold: refolds / continued | continued: refolds / continued | 1 late: refolds / continued |
|---|---|---|---|---|---|---|---|
${lines.join('\n')}

The continued cost is flat across history sizes within the noise of the machine (decode, insert, the summary read and write, the state upsert: nothing that grows with the history but the depth of the B-tree indexes); the re-fold cost grows with the history, because each batch re-reads and re-parses every stored event of each touched instance. A late event costs one re-fold of its instance (docs/operations.md, "Why the events index is the source of truth").`,
  );
}

await main();
