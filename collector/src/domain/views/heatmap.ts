/**
 * Step heat maps — a "weather forecast" of when each step tends to be slow
 * (docs/http-api.md, "Analysis"): step × hour of day, or step × weekday, with count,
 * median and p95 duration and median waiting time per cell, plus a bottleneck ranking.
 * Pure: samples in, numbers out. Buckets are taken from the time the attempt STARTED (when
 * work entered the step), in UTC unless `utcOffsetMinutes` is given; an attempt seen only
 * by its end (the first event of a case in a complete-only log) is counted in the bucket
 * of its end — it happened, so it must not vanish — with no duration and no waiting time
 * (both unknown, not zero; docs/event-logs.md, "How step durations and counts are derived").
 * Percentiles interpolate linearly between closest ranks (numpy's default), so the
 * numbers equal what pandas/PM4Py compute on the same log.
 */
import type { StepSample } from '../instance/step-samples.ts';

export type HeatDimension = 'hour' | 'weekday';

export interface HeatCell {
  step: string;
  /** 0–23 (hour) or 0–6 (weekday, 0 = Monday). */
  bucket: number;
  /** Attempts, with or without a known start. */
  count: number;
  /** Over attempts with a known duration. */
  medianMs?: number;
  p95Ms?: number;
  medianWaitingMs?: number;
}

export interface StepRank {
  step: string;
  count: number;
  medianMs?: number;
  p95Ms?: number;
  /** Sum of known durations: where the process spends its time. */
  totalMs: number;
}

export interface Heatmap {
  dimension: HeatDimension;
  /** Steps in order of first appearance by start time (end time for attempts without one). */
  steps: string[];
  buckets: number[];
  cells: HeatCell[];
  /** Steps by total time spent, highest first (ties: by p95, then name). */
  bottlenecks: StepRank[];
}

export interface HeatmapOptions {
  dimension: HeatDimension;
  utcOffsetMinutes?: number;
}

/** Linear-interpolation percentile of sorted values (numpy `percentile`, method linear). */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (rank - lo);
}

export function bucketOf(iso: string, options: HeatmapOptions): number {
  const shifted = new Date(Date.parse(iso) + (options.utcOffsetMinutes ?? 0) * 60_000);
  return options.dimension === 'hour' ? shifted.getUTCHours() : (shifted.getUTCDay() + 6) % 7;
}

function stats(durations: number[]): { medianMs?: number; p95Ms?: number } {
  const sorted = durations.sort((x, y) => x - y);
  const median = percentile(sorted, 50);
  const p95 = percentile(sorted, 95);
  return {
    ...(median !== undefined ? { medianMs: median } : {}),
    ...(p95 !== undefined ? { p95Ms: p95 } : {}),
  };
}

/** When an attempt enters the heat map: its start, or its end when no start is known. */
export const heatTimeOf = (sample: StepSample): string | undefined =>
  sample.startedAt ?? sample.endedAt;

export function stepHeatmap(samples: readonly StepSample[], options: HeatmapOptions): Heatmap {
  const counted = samples
    .flatMap((s) => {
      const at = heatTimeOf(s);
      return at === undefined ? [] : [{ ...s, at }];
    })
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.step.localeCompare(b.step));
  const steps: string[] = [];
  const cells = new Map<
    string,
    { step: string; bucket: number; d: number[]; w: number[]; n: number }
  >();
  const perStep = new Map<string, { d: number[]; n: number }>();
  for (const s of counted) {
    if (!perStep.has(s.step)) {
      steps.push(s.step);
      perStep.set(s.step, { d: [], n: 0 });
    }
    const bucket = bucketOf(s.at, options);
    const key = `${s.step}\u0000${bucket}`;
    const cell = cells.get(key) ?? { step: s.step, bucket, d: [], w: [], n: 0 };
    cells.set(key, cell);
    cell.n += 1;
    // Without a start, how long the attempt waited is as unknown as how long it took.
    if (s.startedAt !== undefined) cell.w.push(s.waitingMs);
    const total = perStep.get(s.step) as { d: number[]; n: number };
    total.n += 1;
    if (s.durationMs !== undefined) {
      cell.d.push(s.durationMs);
      total.d.push(s.durationMs);
    }
  }
  const order = new Map(steps.map((s, i) => [s, i]));
  const heatCells: HeatCell[] = [...cells.values()]
    .sort(
      (a, b) =>
        (order.get(a.step) as number) - (order.get(b.step) as number) || a.bucket - b.bucket,
    )
    .map((c) => {
      const waiting = percentile(
        c.w.sort((x, y) => x - y),
        50,
      );
      return {
        step: c.step,
        bucket: c.bucket,
        count: c.n,
        ...stats(c.d),
        ...(waiting !== undefined ? { medianWaitingMs: waiting } : {}),
      };
    });
  const bottlenecks: StepRank[] = steps
    .map((step) => {
      const { d, n } = perStep.get(step) as { d: number[]; n: number };
      const totalMs = d.reduce((sum, x) => sum + x, 0);
      return { step, count: n, totalMs, ...stats([...d]) };
    })
    .sort(compareBottlenecks);
  return heatmapOf(options.dimension, steps, heatCells, bottlenecks);
}

/** Where the process spends its time first: total, then p95, then name. */
export function compareBottlenecks(a: StepRank, b: StepRank): number {
  return b.totalMs - a.totalMs || (b.p95Ms ?? 0) - (a.p95Ms ?? 0) || a.step.localeCompare(b.step);
}

/** The heat map's shape: every bucket of the dimension listed. */
export function heatmapOf(
  dimension: HeatDimension,
  steps: string[],
  cells: HeatCell[],
  bottlenecks: StepRank[],
): Heatmap {
  const size = dimension === 'hour' ? 24 : 7;
  return {
    dimension,
    steps,
    buckets: Array.from({ length: size }, (_, i) => i),
    cells,
    bottlenecks,
  };
}
