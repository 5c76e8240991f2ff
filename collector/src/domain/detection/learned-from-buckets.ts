/**
 * Learned deadlines from the pre-aggregated analytics (analytics/analytics-bucket.ts)
 * instead of a scan of recent instances: per (process, step) the sketches of completed
 * attempts' durations and waits, merged from the NEWEST hour backwards until at least
 * `perStep` completed attempts are in (the whole last hour counts), so recent behaviour
 * wins over old as with the scan (`learnedStatsOfInstances`, app/detection), at the
 * granularity of an hour. The caller passes only the buckets within the horizon. Pure.
 */
import type { AnalyticsBucket } from '../analytics/analytics-bucket.ts';
import { addSketch, emptySketch } from '../analytics/sketch.ts';
import {
  compareLearnedSteps,
  learnedKey,
  type LearnedStats,
  type LearnedStepStats,
} from './learned-deadlines.ts';

export function learnedStatsOfBuckets(
  buckets: readonly AnalyticsBucket[],
  perStep: number,
): LearnedStats {
  const newestFirst = [...buckets].sort((a, b) => b.hour - a.hour);
  const stats = new Map<string, LearnedStepStats>();
  for (const bucket of newestFirst) {
    for (const [step, cell] of Object.entries(bucket.steps)) {
      if (cell.completed.count === 0 && cell.completedWaiting.count === 0) continue;
      const key = learnedKey(bucket.process, step);
      const entry = stats.get(key) ?? {
        process: bucket.process,
        step,
        duration: emptySketch(),
        waiting: emptySketch(),
      };
      stats.set(key, entry);
      if (entry.duration.count >= perStep) continue;
      addSketch(entry.duration, cell.completed);
      addSketch(entry.waiting, cell.completedWaiting);
    }
  }
  const steps = [...stats.values()].sort(compareLearnedSteps);
  return { steps };
}
