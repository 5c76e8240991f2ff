/**
 * The read side shared by the store-at-scale benches (embedded-scale.bench.ts on SQLite,
 * es-scale.bench.ts on Elasticsearch), so both time the same query shapes through the
 * same query functions the HTTP API answers with (app/queries/): `searchInstances` (no
 * alert store: the alert-derived statuses are not measured), the timeline (`getEvents` +
 * `instanceTimeline`), `ownershipOf`, `processHeatmap` and `processGraphOf`; plus the
 * markdown rows of the latency table (p50 / p95 per size, ratio to the baseline, growth).
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { instanceKey } from '@flowtrail/sdk/protocol';
import { searchInstances } from '../collector/src/app/queries/instance-queries.ts';
import { instanceTimeline } from '../collector/src/app/queries/instance-views.ts';
import { processHeatmap } from '../collector/src/app/queries/process-heatmap.ts';
import { ownershipOf, processGraphOf } from '../collector/src/app/queries/process-views.ts';
import type { EventStore } from '../collector/src/ports/event-store.ts';
import { percentile } from './report.ts';
import { PROCESSES, rng, type Sample } from './embedded-scale-data.ts';

export { messages } from './embedded-scale-data.ts';

/** Milliseconds per call, per query kind, in the order first timed. */
export type Timings = Map<string, number[]>;

export async function time(
  timings: Timings,
  kind: string,
  fn: () => Promise<unknown> | unknown,
): Promise<void> {
  const started = performance.now();
  await fn();
  const list = timings.get(kind) ?? [];
  list.push(performance.now() - started);
  timings.set(kind, list);
}

export const fmt = (ms: number): string =>
  ms < 1 ? ms.toFixed(3) : ms < 100 ? ms.toFixed(2) : ms.toFixed(0);

export interface ShapeOptions {
  /** Rounds; each times every shape once, on one random sample. */
  queries: number;
  /** The instant the timeline is drawn at (the last event's time). */
  now: string;
  /** The floor every query pays: the store's cheapest read of one instance by key. */
  baseline: { kind: string; lookup: (key: string) => Promise<unknown> | unknown };
  /** PRNG seed: the same at every size, so the sizes answer the same questions. */
  seed?: number;
}

/** The per-instance shapes: searches, the timeline, the baseline; `queries` rounds. */
export async function timeQueryShapes(
  store: EventStore,
  samples: readonly Sample[],
  options: ShapeOptions,
  timings: Timings,
): Promise<void> {
  const random = rng(options.seed ?? 7);
  const sample = (): Sample => samples[Math.floor(random() * samples.length)] as Sample;
  const statuses = ['running', 'waiting', 'completed', 'failed'] as const;
  for (let q = 0; q < options.queries; q++) {
    const s = sample();
    const key = instanceKey({ source: s.source, process: s.process, instance: s.instance });
    const proc = PROCESSES[Math.floor(random() * PROCESSES.length)];
    const search = (query: Parameters<typeof searchInstances>[1]) => searchInstances(store, query);
    await time(timings, options.baseline.kind, () => options.baseline.lookup(key));
    await time(timings, 'search: business key', () => search({ businessKey: s.orderId }));
    await time(timings, 'search: instance id', () => search({ instance: s.instance }));
    await time(timings, 'search: process + status + facets', () =>
      search({
        process: proc?.name as string,
        status: statuses[q % statuses.length] as (typeof statuses)[number],
        facets: true,
      }),
    );
    await time(timings, 'search: owner', () => search({ owner: s.owner }));
    await time(timings, 'search: owner + running', () =>
      search({ owner: s.owner, status: 'running' }),
    );
    await time(timings, 'search: step', () => search({ step: s.step }));
    await time(timings, 'search: free text (order number)', () => search({ text: s.orderId }));
    await time(timings, 'search: no filter + facets', () => search({ facets: true }));
    await time(timings, 'timeline: getEvents + instanceTimeline', async () => {
      await store.getEvents(key);
      await instanceTimeline(store, undefined, key, options.now);
    });
  }
}

/** Calls of the views that read a whole process (or all open instances). */
export interface ScanCalls {
  ownership: number;
  heatmap: number;
  graph: number;
}

/**
 * The whole-process views, cycling through the processes, after one unmeasured call of
 * each view per process: a store that caches analytics per process (both do) pays its
 * first read once per process and start, which the benches time on their own ("first
 * read after open"); the timed calls are what every later read costs — while ingest goes
 * on too, since commits keep the caches current instead of emptying them.
 */
export async function timeScanViews(
  store: EventStore,
  calls: ScanCalls,
  timings: Timings,
): Promise<void> {
  const proc = (i: number) => PROCESSES[i % PROCESSES.length]?.name as string;
  for (const { name } of PROCESSES) {
    await processHeatmap(store, { process: name, dimension: 'hour' });
    await processGraphOf(store, { process: name, mode: 'auto' });
  }
  for (let i = 0; i < calls.ownership; i++) {
    await time(timings, `ownershipOf (${calls.ownership} calls)`, () =>
      ownershipOf(store, undefined, {}),
    );
  }
  for (let i = 0; i < calls.heatmap; i++) {
    await time(timings, `processHeatmap (${calls.heatmap} calls)`, () =>
      processHeatmap(store, { process: proc(i), dimension: 'hour' }),
    );
  }
  for (let i = 0; i < calls.graph; i++) {
    await time(timings, `processGraphOf (${calls.graph} calls)`, () =>
      processGraphOf(store, { process: proc(i), mode: 'auto' }),
    );
  }
}

/**
 * The latency table (header and separator included): p50 / p95 per size, p50 as a ratio
 * to the baseline's p50 at that size, growth = p50 at the largest / p50 at the smallest.
 */
export function latencyTable(
  results: readonly { events: number; timings: Timings }[],
  baselineKind: string,
  ratioHeader = 'ratio to baseline',
): string {
  const [small, large] = [results[0], results[results.length - 1]] as [
    (typeof results)[number],
    (typeof results)[number],
  ];
  const p50 = (r: (typeof results)[number], kind: string) =>
    percentile(r.timings.get(kind) ?? [], 0.5);
  const header = results.map((r) => `p50 / p95 ms @ ${r.events.toLocaleString('en')}`).join(' | ');
  const rows = [...small.timings.keys()].map((kind) => {
    const cells = results.map((r) => {
      const list = r.timings.get(kind) ?? [];
      return `${fmt(percentile(list, 0.5))} / ${fmt(percentile(list, 0.95))}`;
    });
    const ratios = results.map((r) => `${(p50(r, kind) / p50(r, baselineKind)).toFixed(0)}×`);
    const growth = p50(large, kind) / p50(small, kind);
    return `| ${kind} | ${cells.join(' | ')} | ${ratios.join(' / ')} | ${growth.toFixed(2)}× |`;
  });
  return [
    `| query | ${header} | ${ratioHeader} | growth |`,
    `|---|${results.map(() => '---:|').join('')}---:|---:|`,
    ...rows,
  ].join('\n');
}

/**
 * `runSize` for each size in turn, with the load average before each and the progress on
 * stderr; the results, the load averages and the wall seconds of the whole run.
 */
export async function runSizes<R extends { eventsPerSecond: number; ingestSeconds: number }>(
  sizes: readonly number[],
  runSize: (size: number) => Promise<R>,
): Promise<{ results: R[]; loads: number[][]; wallSeconds: number }> {
  const wallStarted = performance.now();
  const results: R[] = [];
  const loads: number[][] = [];
  for (const size of sizes) {
    loads.push(loadavg());
    process.stderr.write(`size ${size}: ingest…\n`);
    const result = await runSize(size);
    process.stderr.write(
      `size ${size}: ${Math.round(result.eventsPerSecond)} events/s, ${result.ingestSeconds.toFixed(0)} s\n`,
    );
    results.push(result);
  }
  return { results, loads, wallSeconds: (performance.now() - wallStarted) / 1000 };
}
