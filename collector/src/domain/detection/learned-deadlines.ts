/**
 * Learned deadlines (docs/definitions.md): a process without a definition — or a step without a
 * deadline in it — still gets one, from the history of that step: the p-th percentile
 * of its completed attempts' durations × `factor`, never below `floorMs`, and only once
 * there are `minSamples` samples. Likewise for waits (time spent in `step.waiting`).
 *
 * Incremental: `LearnedStats` is a plain-JSON value built from batches of step samples
 * and merged (`mergeLearnedStats` is associative and commutative, with
 * `emptyLearnedStats()` as identity), so a sweep can fold in new samples without
 * re-reading history. Each distribution is a `Sketch` (analytics/sketch.ts): any
 * percentile within a relative error of 1 % of the exact sample at that rank. Pure.
 */
import type { StepSample } from '../instance/step-samples.ts';
import {
  emptySketch,
  mergeSketches,
  sketchOf,
  sketchPercentile,
  type Sketch,
} from '../analytics/sketch.ts';

export {
  RELATIVE_ACCURACY,
  bucketIndex,
  bucketValue,
  emptySketch,
  mergeSketches,
  percentileRank,
  sketchOf,
  sketchPercentile,
  type Sketch,
} from '../analytics/sketch.ts';

export interface LearnedStepStats {
  process: string;
  step: string;
  /** Durations of completed attempts. */
  duration: Sketch;
  /** Waiting time of completed attempts that waited. */
  waiting: Sketch;
}

/** Sorted by (process, step). */
export interface LearnedStats {
  steps: LearnedStepStats[];
}

export interface LearnedOptions {
  /** Percentile of past durations, 0..100. Default 99. */
  percentile?: number;
  /** Multiplier applied to the percentile. Default 1. */
  factor?: number;
  /** Smallest learned deadline. Default 60 000 ms. */
  floorMs?: number;
  /** Fewer samples than this learn nothing. Default 20. */
  minSamples?: number;
}

export interface LearnedDeadline {
  process: string;
  step: string;
  /** Deadline of an attempt, from its start; absent with too few samples. */
  deadlineMs?: number;
  /** Deadline of a wait, from its beginning; absent with too few samples. */
  waitDeadlineMs?: number;
  durationSamples: number;
  waitSamples: number;
}

/** Learned deadlines by `learnedKey(process, step)`; only steps that learned something. */
export type LearnedDeadlines = ReadonlyMap<string, LearnedDeadline>;

export const DEFAULT_LEARNED_OPTIONS: Required<LearnedOptions> = {
  percentile: 99,
  factor: 1,
  floorMs: 60_000,
  minSamples: 20,
};

export const learnedKey = (process: string, step: string): string => `${process}\u0000${step}`;

/** By process, then step (bytewise): the order of `LearnedStats.steps`. */
export const compareLearnedSteps = (a: LearnedStepStats, b: LearnedStepStats): number =>
  a.process < b.process
    ? -1
    : a.process > b.process
      ? 1
      : a.step < b.step
        ? -1
        : a.step > b.step
          ? 1
          : 0;

export const emptyLearnedStats = (): LearnedStats => ({ steps: [] });

export function mergeLearnedStats(a: LearnedStats, b: LearnedStats): LearnedStats {
  const merged = new Map<string, LearnedStepStats>();
  for (const entry of [...a.steps, ...b.steps]) {
    const key = learnedKey(entry.process, entry.step);
    const kept = merged.get(key);
    merged.set(
      key,
      kept === undefined
        ? {
            ...entry,
            duration: mergeSketches(emptySketch(), entry.duration),
            waiting: mergeSketches(emptySketch(), entry.waiting),
          }
        : {
            ...kept,
            duration: mergeSketches(kept.duration, entry.duration),
            waiting: mergeSketches(kept.waiting, entry.waiting),
          },
    );
  }
  return { steps: [...merged.values()].sort(compareLearnedSteps) };
}

/** Stats of a batch of samples: completed attempts only (failed and open ones say nothing). */
export function learnedStatsOf(samples: readonly StepSample[]): LearnedStats {
  const groups = new Map<string, { process: string; step: string; d: number[]; w: number[] }>();
  for (const sample of samples) {
    if (sample.outcome !== 'completed') continue;
    const key = learnedKey(sample.process, sample.step);
    const group = groups.get(key) ?? { process: sample.process, step: sample.step, d: [], w: [] };
    groups.set(key, group);
    if (sample.durationMs !== undefined) group.d.push(sample.durationMs);
    if (sample.waitingMs > 0) group.w.push(sample.waitingMs);
  }
  const steps = [...groups.values()]
    .filter((group) => group.d.length > 0 || group.w.length > 0)
    .map(({ process, step, d, w }) => ({
      process,
      step,
      duration: sketchOf(d),
      waiting: sketchOf(w),
    }));
  return { steps: steps.sort(compareLearnedSteps) };
}

/** The learned deadline of one distribution, or undefined with too few samples. */
function deadlineOf(sketch: Sketch, options: Required<LearnedOptions>): number | undefined {
  if (sketch.count === 0 || sketch.count < options.minSamples) return undefined;
  const estimate = sketchPercentile(sketch, options.percentile) ?? 0;
  return Math.max(options.floorMs, Math.ceil(estimate * options.factor));
}

/** Deadlines per (process, step) from the stats. */
export function learnedDeadlines(
  stats: LearnedStats,
  options: LearnedOptions = {},
): LearnedDeadlines {
  const resolved = { ...DEFAULT_LEARNED_OPTIONS, ...options };
  const out = new Map<string, LearnedDeadline>();
  for (const entry of stats.steps) {
    const deadlineMs = deadlineOf(entry.duration, resolved);
    const waitDeadlineMs = deadlineOf(entry.waiting, resolved);
    if (deadlineMs === undefined && waitDeadlineMs === undefined) continue;
    const learned: LearnedDeadline = {
      process: entry.process,
      step: entry.step,
      durationSamples: entry.duration.count,
      waitSamples: entry.waiting.count,
    };
    if (deadlineMs !== undefined) learned.deadlineMs = deadlineMs;
    if (waitDeadlineMs !== undefined) learned.waitDeadlineMs = waitDeadlineMs;
    out.set(learnedKey(entry.process, entry.step), learned);
  }
  return out;
}
