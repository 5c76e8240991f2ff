/**
 * Runs a store's analytics compaction (ports/analytics-store.ts, `AnalyticsCompaction`)
 * at a fixed rate while the collector runs, so the heat maps, graphs and learned
 * deadlines follow ingest within about one interval. A failed run (Elasticsearch away)
 * is logged and the next one completes it: the compaction is exact whatever step it
 * stopped at (es-analytics-compactor.ts). Several collectors may run it at once.
 */
import { FixedRateSchedule } from '../app/detection/sweep-schedule.ts';
import { isAnalyticsCompaction } from '../ports/analytics-store.ts';
import type { Logger } from '../shared/logger.ts';

/** Pages per run: one run never holds the schedule for long; the next goes on. */
const PAGES_PER_RUN = 50;

export function startAnalyticsCompaction(
  store: object,
  intervalMs: number,
  logger: Logger,
): { stop: () => Promise<void> } {
  if (!isAnalyticsCompaction(store)) return { stop: async () => undefined };
  const schedule = new FixedRateSchedule({
    intervalMs,
    run: () => store.compactAnalytics(PAGES_PER_RUN),
    onError: (err) =>
      logger.warn({ err }, 'analytics compaction failed; the next run completes it'),
  });
  schedule.start();
  return { stop: () => schedule.stop() };
}
