/**
 * The process graph discovered from events: a directly-follows graph (DFG) per process,
 * as process-mining tools draw it. Pure; the input order and duplicates do not matter.
 *
 * - Activities are steps; an activity occurrence is a step attempt (`stepSamples`).
 * - Within an instance, attempts are ordered by their timestamp: the completion time in
 *   `complete` mode (open attempts by their start), the start time then the completion
 *   time in `interval` mode; ties keep the fold's event order. Consecutive attempts
 *   `a`, `b` give an edge a→b.
 * - Edge duration, in ms (PM4Py's performance DFG):
 *   - `complete` mode (logs with completion times only, like most XES files): complete(b) −
 *     complete(a), exactly PM4Py's `discover_performance_dfg` for such logs;
 *   - `interval` mode (real step starts): start(b) − complete(a), clamped at 0 (parallel
 *     steps overlap) — the idle time between the two steps.
 *   - `auto` (default): `interval` when any `step.started` is a real start (not one the
 *     importer derived, `data.derivedStart: true`), else `complete`.
 *   Durations are omitted when a needed time is unknown (open or start-less attempts).
 * - Statistics: mean, median and p95 (numpy's linear percentiles, like `heatmap.ts`).
 */
import { EventTypes, instanceKeyOf, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { instantOf } from '../instance/event-order.ts';
import { percentile } from './heatmap.ts';
import { stepSamples, type StepSample } from '../instance/step-samples.ts';

export type DurationMode = 'complete' | 'interval';

export interface GraphNode {
  step: string;
  /** Number of attempts (activity occurrences). */
  count: number;
}

export interface DurationStats {
  /** Number of edge occurrences with a known duration. */
  samples: number;
  meanMs?: number;
  medianMs?: number;
  p95Ms?: number;
}

export interface GraphEdge extends DurationStats {
  from: string;
  to: string;
  count: number;
}

export interface ProcessGraph {
  process: string;
  mode: DurationMode;
  instances: number;
  /** By count, highest first (ties: by name). */
  nodes: GraphNode[];
  /** By `from`, then `to`. */
  edges: GraphEdge[];
  /** Steps that begin / end an instance, with the number of instances. */
  startSteps: Record<string, number>;
  endSteps: Record<string, number>;
}

export interface ProcessGraphOptions {
  mode?: DurationMode | 'auto';
}

interface Occurrence {
  step: string;
  sort: number;
  then: number;
  start?: number;
  end?: number;
  index: number;
}

/** Whether any `step.started` is a real start (not derived by the importer). */
export function hasRealStarts(events: readonly FlowtrailEvent[]): boolean {
  return events.some((e) => e.type === EventTypes.stepStarted && e.data.derivedStart !== true);
}

function occurrences(samples: readonly StepSample[], mode: DurationMode): Occurrence[] {
  return samples
    .map((s, index): Occurrence => {
      const start = s.startedAt === undefined ? undefined : instantOf(s.startedAt);
      const end = s.endedAt === undefined ? undefined : instantOf(s.endedAt);
      const first = mode === 'complete' ? (end ?? start) : (start ?? end);
      const second = mode === 'complete' ? first : (end ?? start);
      return {
        step: s.step,
        sort: first ?? 0,
        then: second ?? 0,
        index,
        ...(start === undefined ? {} : { start }),
        ...(end === undefined ? {} : { end }),
      };
    })
    .sort((a, b) => a.sort - b.sort || a.then - b.then || a.index - b.index);
}

function edgeDuration(a: Occurrence, b: Occurrence, mode: DurationMode): number | undefined {
  if (a.end === undefined) return undefined;
  if (mode === 'complete') return b.end === undefined ? undefined : b.end - a.end;
  const to = b.start ?? b.end;
  return to === undefined ? undefined : Math.max(0, to - a.end);
}

/** Mean, median and p95 of some durations (ms). */
export function durationStats(values: readonly number[]): DurationStats {
  const sorted = [...values].sort((x, y) => x - y);
  if (sorted.length === 0) return { samples: 0 };
  const mean = sorted.reduce((sum, x) => sum + x, 0) / sorted.length;
  return {
    samples: sorted.length,
    meanMs: mean,
    medianMs: percentile(sorted, 50) as number,
    p95Ms: percentile(sorted, 95) as number,
  };
}

interface Acc {
  mode: DurationMode;
  instances: number;
  nodes: Map<string, number>;
  edges: Map<string, { from: string; to: string; count: number; d: number[] }>;
  startSteps: Record<string, number>;
  endSteps: Record<string, number>;
}

function addInstance(acc: Acc, occ: readonly Occurrence[]): void {
  acc.instances += 1;
  const first = occ[0];
  const last = occ[occ.length - 1];
  if (first === undefined || last === undefined) return;
  acc.startSteps[first.step] = (acc.startSteps[first.step] ?? 0) + 1;
  acc.endSteps[last.step] = (acc.endSteps[last.step] ?? 0) + 1;
  occ.forEach((o, i) => {
    acc.nodes.set(o.step, (acc.nodes.get(o.step) ?? 0) + 1);
    const next = occ[i + 1];
    if (next === undefined) return;
    const key = JSON.stringify([o.step, next.step]);
    const edge = acc.edges.get(key) ?? { from: o.step, to: next.step, count: 0, d: [] };
    acc.edges.set(key, edge);
    edge.count += 1;
    const d = edgeDuration(o, next, acc.mode);
    if (d !== undefined) edge.d.push(d);
  });
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function sortedRecord(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => byString(a, b)));
}

/** The directly-follows graph of every process in `events` (any instances), by process name. */
export function processGraphs(
  events: readonly FlowtrailEvent[],
  options: ProcessGraphOptions = {},
): ProcessGraph[] {
  const byProcess = new Map<string, Map<string, FlowtrailEvent[]>>();
  for (const event of events) {
    const instances = byProcess.get(event.ftprocess) ?? new Map<string, FlowtrailEvent[]>();
    byProcess.set(event.ftprocess, instances);
    const key = instanceKeyOf(event);
    const list = instances.get(key) ?? [];
    instances.set(key, list);
    list.push(event);
  }
  return [...byProcess.keys()].sort(byString).map((process) => {
    const instances = byProcess.get(process) as Map<string, FlowtrailEvent[]>;
    const all = [...instances.values()].flat();
    const requested = options.mode ?? 'auto';
    const mode: DurationMode =
      requested === 'auto' ? (hasRealStarts(all) ? 'interval' : 'complete') : requested;
    const acc: Acc = {
      mode,
      instances: 0,
      nodes: new Map(),
      edges: new Map(),
      startSteps: {},
      endSteps: {},
    };
    for (const list of instances.values()) addInstance(acc, occurrences(stepSamples(list), mode));
    return {
      process,
      mode,
      instances: acc.instances,
      nodes: [...acc.nodes]
        .map(([step, count]) => ({ step, count }))
        .sort((a, b) => b.count - a.count || byString(a.step, b.step)),
      edges: [...acc.edges.values()]
        .map(({ from, to, count, d }) => ({ from, to, count, ...durationStats(d) }))
        .sort((a, b) => byString(a.from, b.from) || byString(a.to, b.to)),
      startSteps: sortedRecord(acc.startSteps),
      endSteps: sortedRecord(acc.endSteps),
    };
  });
}

/** The graph of one process (an empty graph when it has no events). */
export function processGraph(
  events: readonly FlowtrailEvent[],
  process: string,
  options: ProcessGraphOptions = {},
): ProcessGraph {
  const found = processGraphs(
    events.filter((e) => e.ftprocess === process),
    options,
  )[0];
  return (
    found ?? {
      process,
      mode: options.mode === 'interval' ? 'interval' : 'complete',
      instances: 0,
      nodes: [],
      edges: [],
      startSteps: {},
      endSteps: {},
    }
  );
}
