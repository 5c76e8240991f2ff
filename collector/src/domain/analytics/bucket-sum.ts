/**
 * The sum of many analytics buckets in one pass: what `addBucket` of each into an empty
 * bucket gives, but with every sketch summed densely (`SketchSum`) instead of merged pair
 * list into pair list once per bucket — the week rollup (week-rollup.ts) builds its slots
 * from hundreds of hours and its sums from 168 slots this way. The result is a bucket of
 * its own (nothing shared with the inputs, which are never changed). Pure.
 */
import {
  addCount,
  type AnalyticsBucket,
  type EdgeCell,
  type ModeGraph,
  type StepCell,
} from './analytics-bucket.ts';
import { isEmptySketch, SketchSum } from './sketch.ts';

/** What of the buckets is summed: all of them, or the steps only (the heat map's part). */
export type BucketPart = 'all' | 'steps';

interface StepSum {
  count: number;
  totalMs: number;
  duration: SketchSum;
  waiting: SketchSum;
  completed: SketchSum;
  completedWaiting: SketchSum;
}

interface EdgeSum {
  count: number;
  samples: number;
  sumMs: number;
  duration: SketchSum;
}

interface ModeSum {
  edges: Map<string, EdgeSum>;
  startSteps: Record<string, number>;
  endSteps: Record<string, number>;
}

const modeSum = (): ModeSum => ({ edges: new Map(), startSteps: {}, endSteps: {} });

function addMode(target: ModeSum, other: ModeGraph): void {
  for (const [key, cell] of Object.entries(other.edges)) {
    let kept = target.edges.get(key);
    if (kept === undefined) {
      kept = { count: 0, samples: 0, sumMs: 0, duration: new SketchSum() };
      target.edges.set(key, kept);
    }
    kept.count += cell.count;
    kept.samples += cell.samples;
    kept.sumMs += cell.sumMs;
    kept.duration.add(cell.duration);
  }
  for (const [step, n] of Object.entries(other.startSteps)) addCount(target.startSteps, step, n);
  for (const [step, n] of Object.entries(other.endSteps)) addCount(target.endSteps, step, n);
}

function modeOf(sum: ModeSum): ModeGraph {
  const edges: Record<string, EdgeCell> = {};
  for (const [key, s] of sum.edges) {
    const cell = {
      count: s.count,
      samples: s.samples,
      sumMs: s.sumMs,
      duration: s.duration.ownSketch(),
    };
    if (cell.count !== 0 || cell.samples !== 0 || cell.sumMs !== 0 || !isEmptySketch(cell.duration))
      edges[key] = cell;
  }
  return { edges, startSteps: sum.startSteps, endSteps: sum.endSteps };
}

/** The sum of `buckets` (or of their steps) under `process` and `hour`. */
export function sumBuckets(
  process: string,
  hour: number,
  buckets: Iterable<AnalyticsBucket>,
  part: BucketPart = 'all',
): AnalyticsBucket {
  const steps = new Map<string, StepSum>();
  let instances = 0;
  let realStarts = 0;
  const nodes: Record<string, number> = {};
  const interval = modeSum();
  const complete = modeSum();
  for (const bucket of buckets) {
    for (const [step, cell] of Object.entries(bucket.steps)) {
      let kept = steps.get(step);
      if (kept === undefined) {
        kept = {
          count: 0,
          totalMs: 0,
          duration: new SketchSum(),
          waiting: new SketchSum(),
          completed: new SketchSum(),
          completedWaiting: new SketchSum(),
        };
        steps.set(step, kept);
      }
      kept.count += cell.count;
      kept.totalMs += cell.totalMs;
      kept.duration.add(cell.duration);
      kept.waiting.add(cell.waiting);
      kept.completed.add(cell.completed);
      kept.completedWaiting.add(cell.completedWaiting);
    }
    if (part === 'steps') continue;
    instances += bucket.graph.instances;
    realStarts += bucket.graph.realStarts;
    for (const [step, n] of Object.entries(bucket.graph.nodes)) addCount(nodes, step, n);
    addMode(interval, bucket.graph.interval);
    addMode(complete, bucket.graph.complete);
  }
  const stepCells: Record<string, StepCell> = {};
  for (const [step, s] of steps) {
    const cell: StepCell = {
      count: s.count,
      duration: s.duration.ownSketch(),
      totalMs: s.totalMs,
      waiting: s.waiting.ownSketch(),
      completed: s.completed.ownSketch(),
      completedWaiting: s.completedWaiting.ownSketch(),
    };
    const empty =
      cell.count === 0 &&
      cell.totalMs === 0 &&
      isEmptySketch(cell.duration) &&
      isEmptySketch(cell.waiting) &&
      isEmptySketch(cell.completed) &&
      isEmptySketch(cell.completedWaiting);
    if (!empty) stepCells[step] = cell;
  }
  return {
    process,
    hour,
    steps: stepCells,
    graph: {
      instances,
      realStarts,
      nodes,
      interval: modeOf(interval),
      complete: modeOf(complete),
    },
  };
}
