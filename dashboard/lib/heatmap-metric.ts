/**
 * The heat map's metrics: which number of a cell is shown, how it is written, and the
 * deadline from the process definition each step's value is measured against. Pure.
 */
import { parseDuration } from '@flowtrail/sdk/protocol';
import { formatDuration } from '@/lib/format';
import type { HeatmapCell, ProcessDefinition } from '@/lib/types';

export const METRICS = [
  { value: 'count', label: 'Count' },
  { value: 'median', label: 'Median duration' },
  { value: 'p95', label: 'p95 duration' },
  { value: 'waiting', label: 'Median waiting' },
] as const;
export type Metric = (typeof METRICS)[number]['value'];

export function metricOf(cell: HeatmapCell, metric: Metric): number | undefined {
  if (metric === 'count') return cell.count;
  if (metric === 'median') return cell.medianMs;
  if (metric === 'p95') return cell.p95Ms;
  return cell.medianWaitingMs;
}

export interface StepDeadline {
  text: string;
  ms: number;
}

/** Per step: the deadline the metric is measured against (waits: waitDeadline first). */
export function stepDeadlines(
  definition: ProcessDefinition | null,
  metric: Metric,
): Map<string, StepDeadline> {
  const out = new Map<string, StepDeadline>();
  if (definition === null || metric === 'count') return out;
  for (const step of definition.steps ?? []) {
    const text = metric === 'waiting' ? (step.waitDeadline ?? step.deadline) : step.deadline;
    // The collector validated the text with the same parser; a text that still is not a
    // duration, or a zero one, gives the step no deadline band.
    const parsed = text === undefined ? undefined : parseDuration(text);
    if (text !== undefined && parsed?.ok === true && parsed.ms > 0) {
      out.set(step.name, { text, ms: parsed.ms });
    }
  }
  return out;
}

/** The deadline band of a value: under half the deadline, under it, or at/over it. */
export type DeadlineBand = 'ok' | 'near' | 'over';

export function deadlineBand(valueMs: number, deadlineMs: number): DeadlineBand {
  const ratio = valueMs / deadlineMs;
  if (ratio < 0.5) return 'ok';
  if (ratio < 1) return 'near';
  return 'over';
}

export function showMetric(value: number | undefined, metric: Metric): string {
  if (value === undefined) return '';
  return metric === 'count' ? String(value) : formatDuration(value);
}
