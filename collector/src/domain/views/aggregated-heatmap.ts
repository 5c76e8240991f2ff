/**
 * The step heat map and bottleneck ranking (the `Heatmap` of heatmap.ts) read from
 * pre-aggregated hour buckets (analytics/analytics-bucket.ts) instead of from step
 * samples: the cost follows the number of hours × steps, never the number of events.
 * Counts, sums and totals are exact; median and p95 come from the merged sketches,
 * within 1 % relative of numpy's linear percentile (analytics/sketch.ts).
 *
 * Differences from `stepHeatmap` over samples, by construction of the buckets:
 * - an hour bucket moves as a whole, so a `utcOffsetMinutes` that is not a whole number
 *   of hours is applied rounded down to whole hours;
 * - waiting time counts ended attempts only (an open attempt's wait is still growing);
 * - steps are ordered by the first hour they were counted in (started, or ended without
 *   a start), then by name.
 * Pure.
 */
import type { AnalyticsBucket, StepCell } from '../analytics/analytics-bucket.ts';
import { HOUR_MS } from '../analytics/analytics-bucket.ts';
import { SketchSum, sketchQuantile, type Sketch } from '../analytics/sketch.ts';
import { compareBottlenecks, heatmapOf } from './heatmap.ts';
import type { HeatCell, Heatmap, HeatmapOptions, StepRank } from './heatmap.ts';

interface Merged {
  count: number;
  totalMs: number;
  duration: SketchSum;
  waiting: SketchSum;
}

const emptyMerged = (): Merged => ({
  count: 0,
  totalMs: 0,
  duration: new SketchSum(),
  waiting: new SketchSum(),
});

function merge(target: Merged, cell: StepCell): void {
  target.count += cell.count;
  target.totalMs += cell.totalMs;
  target.duration.add(cell.duration);
  target.waiting.add(cell.waiting);
}

/** The UTC offset applied to hour buckets: whole hours, rounded down. */
export const offsetHoursOf = (options: HeatmapOptions): number =>
  Math.floor((options.utcOffsetMinutes ?? 0) / 60);

/** The heat-map bucket (hour of day or weekday, 0 = Monday) of an hour since the epoch. */
export function heatBucketOfHour(hour: number, options: HeatmapOptions): number {
  const local = new Date((hour + offsetHoursOf(options)) * HOUR_MS);
  return options.dimension === 'hour' ? local.getUTCHours() : (local.getUTCDay() + 6) % 7;
}

function quantiles(sketch: Sketch): { medianMs?: number; p95Ms?: number } {
  const median = sketchQuantile(sketch, 50);
  const p95 = sketchQuantile(sketch, 95);
  return {
    ...(median !== undefined ? { medianMs: median } : {}),
    ...(p95 !== undefined ? { p95Ms: p95 } : {}),
  };
}

/**
 * The heat map of the buckets of one process (any order, any hours). `firstHours` (step →
 * first hour it was counted in) orders the steps; absent, it is taken from the buckets' hours
 * — pass it when the buckets are week slots (analytics/week-rollup.ts), whose hours are not
 * the real ones.
 */
export function aggregatedHeatmap(
  buckets: readonly AnalyticsBucket[],
  options: HeatmapOptions,
  firstHours?: ReadonlyMap<string, number>,
): Heatmap {
  const firstHour = new Map<string, number>(firstHours ?? []);
  const cells = new Map<string, { step: string; bucket: number; merged: Merged }>();
  const perStep = new Map<string, Merged>();
  for (const bucket of buckets) {
    const heat = heatBucketOfHour(bucket.hour, options);
    for (const [step, cell] of Object.entries(bucket.steps)) {
      if (cell.count > 0 && firstHours === undefined) {
        const seen = firstHour.get(step);
        if (seen === undefined || bucket.hour < seen) firstHour.set(step, bucket.hour);
      }
      const key = `${step}\u0000${heat}`;
      const entry = cells.get(key) ?? { step, bucket: heat, merged: emptyMerged() };
      cells.set(key, entry);
      merge(entry.merged, cell);
      const total = perStep.get(step) ?? emptyMerged();
      perStep.set(step, total);
      merge(total, cell);
    }
  }
  const steps = [...firstHour.entries()]
    .sort(([a, ha], [b, hb]) => ha - hb || (a < b ? -1 : a > b ? 1 : 0))
    .map(([step]) => step);
  const order = new Map(steps.map((step, i) => [step, i]));
  const heatCells: HeatCell[] = [...cells.values()]
    .filter((c) => c.merged.count > 0 && order.has(c.step))
    .sort(
      (a, b) =>
        (order.get(a.step) as number) - (order.get(b.step) as number) || a.bucket - b.bucket,
    )
    .map(({ step, bucket, merged }) => {
      const waiting = sketchQuantile(merged.waiting.sketch(), 50);
      return {
        step,
        bucket,
        count: merged.count,
        ...quantiles(merged.duration.sketch()),
        ...(waiting !== undefined ? { medianWaitingMs: waiting } : {}),
      };
    });
  const bottlenecks: StepRank[] = steps
    .map((step) => {
      const merged = perStep.get(step) as Merged;
      return {
        step,
        count: merged.count,
        totalMs: merged.totalMs,
        ...quantiles(merged.duration.sketch()),
      };
    })
    .sort(compareBottlenecks);
  return heatmapOf(options.dimension, steps, heatCells, bottlenecks);
}
