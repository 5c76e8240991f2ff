/**
 * The step heat map of one process over the stored events: streams the process's
 * instances from the storage port (`scanInstanceEvents`), pairs each instance's step
 * attempts (`stepSamples`) and aggregates them (`stepHeatmap`). Only the samples are
 * held in memory, never all events at once.
 */
import { stepHeatmap, type Heatmap, type HeatmapOptions } from '../../domain/views/heatmap.ts';
import { stepSamples, type StepSample } from '../../domain/instance/step-samples.ts';
import type { EventScanner } from '../../ports/event-store.ts';

export interface ProcessHeatmapQuery extends HeatmapOptions {
  process: string;
}

/** The heat map of `query.process`; `undefined` when the process has no stored instance. */
export async function processHeatmap(
  scanner: EventScanner,
  query: ProcessHeatmapQuery,
): Promise<Heatmap | undefined> {
  const samples: StepSample[] = [];
  let instances = 0;
  for await (const { events } of scanner.scanInstanceEvents({ process: query.process })) {
    instances += 1;
    for (const sample of stepSamples(events)) samples.push(sample);
  }
  if (instances === 0) return undefined;
  return stepHeatmap(samples, {
    dimension: query.dimension,
    ...(query.utcOffsetMinutes === undefined ? {} : { utcOffsetMinutes: query.utcOffsetMinutes }),
  });
}
