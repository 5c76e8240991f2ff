/**
 * The analytics buckets of one process, where the store keeps them (ports/analytics-store.ts:
 * pre-aggregated at ingest; where the store keeps a week rollup, its sums — one bucket for
 * the graph, one per heat-map cell for the heat map — else a read by process and hour) and otherwise built from a scan
 * of the process's stored events (one analytics fold per instance) — the same buckets
 * either way, so the heat map, bottlenecks and graph have one definition
 * (domain/views/aggregated-heatmap.ts, process-graph.ts). Only a scan's buckets are
 * held in memory, never its events.
 */
import type { AnalyticsBucket } from '../../domain/analytics/analytics-bucket.ts';
import { contributionOf } from '../../domain/analytics/analytics-contribution.ts';
import { addDelta, deltaBuckets, emptyDelta } from '../../domain/analytics/analytics-delta.ts';
import { isAnalyticsReader, isAnalyticsWeekReader } from '../../ports/analytics-store.ts';
import type { EventScanner } from '../../ports/event-store.ts';

export interface ProcessAnalytics {
  buckets: AnalyticsBucket[];
  /** Instances counted (0: the process has no stored instance). */
  instances: number;
  /** Where the buckets came from. */
  source: 'aggregates' | 'week' | 'scan';
  /**
   * Step → first hour it started in, when the buckets are sums of a week rollup (whose
   * hours are not the real ones): the heat map's step order (views/aggregated-heatmap.ts).
   */
  firstHours?: ReadonlyMap<string, number>;
  /**
   * The heat map's input where the store keeps it summed per cell (a week rollup: ≤ 24 or
   * ≤ 7 buckets); absent, the heat map reads `buckets`.
   */
  heatBuckets?: (dimension: 'hour' | 'weekday', offsetHours: number) => readonly AnalyticsBucket[];
}

export async function processAnalytics(
  store: EventScanner,
  process: string,
): Promise<ProcessAnalytics> {
  const week = isAnalyticsWeekReader(store) ? await store.analyticsWeek(process) : undefined;
  if (week !== undefined) {
    // The graph reads the one total bucket, the heat map the sums per cell.
    return {
      buckets: [...week.total],
      instances: week.instances,
      source: 'week',
      firstHours: week.firstHours,
      heatBuckets: week.heatBuckets,
    };
  }
  const stored = isAnalyticsReader(store) ? await store.analyticsBuckets({ process }) : undefined;
  if (stored !== undefined) {
    const instances = stored.reduce((sum, bucket) => sum + bucket.graph.instances, 0);
    return { buckets: stored, instances, source: 'aggregates' };
  }
  const delta = emptyDelta();
  let instances = 0;
  for await (const { events } of store.scanInstanceEvents({ process })) {
    instances += 1;
    addDelta(delta, contributionOf(events).delta);
  }
  return { buckets: deltaBuckets(delta), instances, source: 'scan' };
}
