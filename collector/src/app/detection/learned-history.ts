/**
 * Which history learned deadlines are computed from, and the bounded fold over it: the
 * most recently active `perProcess` instances of each process whose last event is within
 * `horizonMs` of now (`EventScanFilter.recent`: a busy process never crowds out a quiet
 * one, and old behaviour ages out). The step samples of a batch of instances are folded
 * into the mergeable `LearnedStats` (fixed-size histograms) and dropped, so memory is
 * bounded by the histograms and one batch, not by the number of instances read.
 */
import { stepSamples, type StepSample } from '../../domain/instance/step-samples.ts';
import {
  emptyLearnedStats,
  learnedStatsOf,
  mergeLearnedStats,
  type LearnedStats,
} from '../../domain/detection/learned-deadlines.ts';
import type { EventScanFilter, InstanceEvents } from '../../ports/event-store.ts';

/** From FLOWTRAIL_LEARNED_MAX_INSTANCES / FLOWTRAIL_LEARNED_HORIZON_MS (detection-config.ts). */
export interface LearningSettings {
  /** Most recently active instances read per process; 0 learns nothing (no scan). */
  perProcess: number;
  /** Only instances whose last event is at most this old. */
  horizonMs: number;
}

/** Instances whose samples are held at once before they are folded into the stats. */
export const LEARNING_BATCH = 200;

/** The scan that learned deadlines read at `nowMs`. */
export function learningScanFilter(nowMs: number, settings: LearningSettings): EventScanFilter {
  return {
    recent: {
      since: new Date(nowMs - settings.horizonMs).toISOString(),
      perProcess: settings.perProcess,
    },
  };
}

/** The learned stats of every instance of `instances`, `batch` instances at a time. */
export async function learnedStatsOfInstances(
  instances: AsyncIterable<InstanceEvents>,
  batch: number = LEARNING_BATCH,
): Promise<LearnedStats> {
  let stats = emptyLearnedStats();
  let samples: StepSample[] = [];
  let held = 0;
  for await (const { events } of instances) {
    for (const item of stepSamples(events)) samples.push(item);
    if (++held < batch) continue;
    stats = mergeLearnedStats(stats, learnedStatsOf(samples));
    samples = [];
    held = 0;
  }
  return mergeLearnedStats(stats, learnedStatsOf(samples));
}
