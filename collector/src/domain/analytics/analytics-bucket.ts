/**
 * The pre-aggregated analytics of one process over one hour (docs/views.md,
 * "Pre-aggregated analytics"): what the heat map, the bottlenecks, the process graph and
 * learned deadlines read instead of scanning events. Plain JSON; every field is a count,
 * a sum or a `Sketch`, so buckets add and subtract exactly (`addBucket`). Pure.
 *
 * - `steps`: per step, the attempts that STARTED in this hour (the heat map's bucket):
 *   how many, and — once each ended — its duration, waiting time, and for completed ones
 *   the sketches learned deadlines read. An attempt that ended in this hour without any
 *   start (the first event of a case in a complete-only log) is in `count` too — it
 *   happened, and this is the only hour it has — but in no duration or waiting sketch:
 *   both are unknown. So `count` ≥ `duration.count`, and buckets stored before such
 *   attempts were counted read as they are (same fields).
 * - `graph`: the directly-follows graph of the instances whose FIRST event is in this
 *   hour (a time range of the graph is a set of whole instances, as process-mining tools
 *   filter "cases started in"), in both duration modes of views/process-graph.ts.
 */
import { addSketch, emptySketch, isEmptySketch, type Sketch } from './sketch.ts';

export interface StepCell {
  /** Attempts that started in the hour (open ones included), and those that ended in it
   *  without a start. */
  count: number;
  /** Durations (ms) of the ended attempts (completed or failed). */
  duration: Sketch;
  /** Sum of those durations: where the process spends its time. */
  totalMs: number;
  /** Waiting time (ms) of the ended attempts (0 when they never waited). */
  waiting: Sketch;
  /** Durations of the completed attempts (learned deadlines). */
  completed: Sketch;
  /** Waiting time of the completed attempts that waited (learned wait deadlines). */
  completedWaiting: Sketch;
}

export interface EdgeCell {
  count: number;
  /** Occurrences with a known duration, their sum and sketch. */
  samples: number;
  sumMs: number;
  duration: Sketch;
}

/** One duration mode's part of the graph. */
export interface ModeGraph {
  /** By `edgeKey(from, to)`. */
  edges: Record<string, EdgeCell>;
  startSteps: Record<string, number>;
  endSteps: Record<string, number>;
}

export interface GraphCell {
  instances: number;
  /** `step.started` events that are real starts (not derived by an importer). */
  realStarts: number;
  /** Attempts per step (activity occurrences). */
  nodes: Record<string, number>;
  interval: ModeGraph;
  /** Ended attempts only: complete mode orders by completion time. */
  complete: ModeGraph;
}

export interface AnalyticsBucket {
  process: string;
  /** Hours since the epoch (UTC): floor(ms / 3,600,000). */
  hour: number;
  steps: Record<string, StepCell>;
  graph: GraphCell;
}

export const HOUR_MS = 3_600_000;
export const hourOf = (ms: number): number => Math.floor(ms / HOUR_MS);
export const edgeKey = (from: string, to: string): string => JSON.stringify([from, to]);
export function edgeSteps(key: string): [string, string] {
  return JSON.parse(key) as [string, string];
}

export const emptyStepCell = (): StepCell => ({
  count: 0,
  duration: emptySketch(),
  totalMs: 0,
  waiting: emptySketch(),
  completed: emptySketch(),
  completedWaiting: emptySketch(),
});

export const emptyEdgeCell = (): EdgeCell => ({
  count: 0,
  samples: 0,
  sumMs: 0,
  duration: emptySketch(),
});

const emptyModeGraph = (): ModeGraph => ({ edges: {}, startSteps: {}, endSteps: {} });

export const emptyGraphCell = (): GraphCell => ({
  instances: 0,
  realStarts: 0,
  nodes: {},
  interval: emptyModeGraph(),
  complete: emptyModeGraph(),
});

export const emptyBucket = (process: string, hour: number): AnalyticsBucket => ({
  process,
  hour,
  steps: {},
  graph: emptyGraphCell(),
});

/** Adds `weight` to `record[key]`, deleting it at 0. */
export function addCount(record: Record<string, number>, key: string, weight: number): void {
  const next = (record[key] ?? 0) + weight;
  if (next === 0) delete record[key];
  else record[key] = next;
}

const stepCellEmpty = (c: StepCell): boolean =>
  c.count === 0 &&
  c.totalMs === 0 &&
  isEmptySketch(c.duration) &&
  isEmptySketch(c.waiting) &&
  isEmptySketch(c.completed) &&
  isEmptySketch(c.completedWaiting);

const edgeCellEmpty = (c: EdgeCell): boolean =>
  c.count === 0 && c.samples === 0 && c.sumMs === 0 && isEmptySketch(c.duration);

function addModeGraph(target: ModeGraph, other: ModeGraph, weight: number): void {
  for (const [key, cell] of Object.entries(other.edges)) {
    const kept = target.edges[key] ?? emptyEdgeCell();
    kept.count += weight * cell.count;
    kept.samples += weight * cell.samples;
    kept.sumMs += weight * cell.sumMs;
    addSketch(kept.duration, cell.duration, weight);
    if (edgeCellEmpty(kept)) delete target.edges[key];
    else target.edges[key] = kept;
  }
  for (const [step, n] of Object.entries(other.startSteps))
    addCount(target.startSteps, step, weight * n);
  for (const [step, n] of Object.entries(other.endSteps))
    addCount(target.endSteps, step, weight * n);
}

/** `target += weight × other`, in place (same process and hour); weight -1 subtracts exactly. */
export function addBucket(target: AnalyticsBucket, other: AnalyticsBucket, weight = 1): void {
  addSteps(target, other, weight);
  const g = target.graph;
  g.instances += weight * other.graph.instances;
  g.realStarts += weight * other.graph.realStarts;
  for (const [step, n] of Object.entries(other.graph.nodes)) addCount(g.nodes, step, weight * n);
  addModeGraph(g.interval, other.graph.interval, weight);
  addModeGraph(g.complete, other.graph.complete, weight);
}

/** `target.steps += weight × other.steps` only (the heat map's part; the graph untouched). */
export function addSteps(target: AnalyticsBucket, other: AnalyticsBucket, weight = 1): void {
  for (const [step, cell] of Object.entries(other.steps)) {
    const kept = target.steps[step] ?? emptyStepCell();
    kept.count += weight * cell.count;
    kept.totalMs += weight * cell.totalMs;
    addSketch(kept.duration, cell.duration, weight);
    addSketch(kept.waiting, cell.waiting, weight);
    addSketch(kept.completed, cell.completed, weight);
    addSketch(kept.completedWaiting, cell.completedWaiting, weight);
    if (stepCellEmpty(kept)) delete target.steps[step];
    else target.steps[step] = kept;
  }
}

/** Whether the bucket holds nothing (every count 0): a store may delete it. */
export function isEmptyBucket(bucket: AnalyticsBucket): boolean {
  const g = bucket.graph;
  const modeEmpty = (m: ModeGraph) =>
    Object.keys(m.edges).length === 0 &&
    Object.keys(m.startSteps).length === 0 &&
    Object.keys(m.endSteps).length === 0;
  return (
    Object.keys(bucket.steps).length === 0 &&
    g.instances === 0 &&
    g.realStarts === 0 &&
    Object.keys(g.nodes).length === 0 &&
    modeEmpty(g.interval) &&
    modeEmpty(g.complete)
  );
}

/** Whether a parsed JSON value looks like a bucket (a store's damaged row is not one). */
export function isAnalyticsBucket(value: unknown): value is AnalyticsBucket {
  const b = value as Partial<AnalyticsBucket> | null;
  return (
    typeof b === 'object' &&
    b !== null &&
    typeof b.process === 'string' &&
    typeof b.hour === 'number' &&
    typeof b.steps === 'object' &&
    typeof b.graph === 'object' &&
    b.graph !== null
  );
}
