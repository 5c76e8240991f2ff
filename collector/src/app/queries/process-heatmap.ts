/**
 * The step heat map of one process: its analytics buckets (process-analytics.ts:
 * pre-aggregated, or built from a scan where the store keeps none) aggregated into
 * step × hour-of-day or weekday cells and the bottleneck ranking
 * (domain/views/aggregated-heatmap.ts).
 */
import { aggregatedHeatmap, offsetHoursOf } from '../../domain/views/aggregated-heatmap.ts';
import type { Heatmap, HeatmapOptions } from '../../domain/views/heatmap.ts';
import type { EventScanner } from '../../ports/event-store.ts';
import { processAnalytics } from './process-analytics.ts';

export interface ProcessHeatmapQuery extends HeatmapOptions {
  process: string;
}

/** The heat map of `query.process`; `undefined` when the process has no stored instance. */
export async function processHeatmap(
  store: EventScanner,
  query: ProcessHeatmapQuery,
): Promise<Heatmap | undefined> {
  const { buckets, instances, firstHours, heatBuckets } = await processAnalytics(
    store,
    query.process,
  );
  if (instances === 0) return undefined;
  const options: HeatmapOptions = {
    dimension: query.dimension,
    ...(query.utcOffsetMinutes === undefined ? {} : { utcOffsetMinutes: query.utcOffsetMinutes }),
  };
  const input = heatBuckets?.(options.dimension, offsetHoursOf(options)) ?? buckets;
  return aggregatedHeatmap(input, options, firstHours);
}
