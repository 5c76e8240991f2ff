/**
 * The heat map's metrics: which number of a cell is shown, how it is written, and the
 * deadline from the process definition each step's value is measured against. Pure.
 */
import { parseDuration } from '@/lib/duration';
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
    const ms = parseDuration(text);
    if (text !== undefined && ms !== undefined && ms > 0) out.set(step.name, { text, ms });
  }
  return out;
}

export function showMetric(value: number | undefined, metric: Metric): string {
  if (value === undefined) return '';
  return metric === 'count' ? String(value) : formatDuration(value);
}
