/**
 * The analytics of one instance as a left fold over its events in `compareEvents` order
 * (the fold's order, instance/event-order.ts), so it continues from a persisted frontier
 * exactly like the fold continues from its summary (instance/fold-summary.ts): the
 * frontier holds only the attempts still open and the last graph occurrence of each
 * mode, never a list of events, and each applied event ADDS its effect to a delta
 * (analytics-delta.ts). The sum of the deltas of any continuation equals the delta of
 * one fold over all events (analytics-contribution.ts; property-tested). Pure.
 *
 * What an event adds (docs/views.md, "Pre-aggregated analytics"):
 * - Attempts pair like `stepSamples` (instance/step-samples.ts): `step.started` opens
 *   one, `step.completed` / `step.failed` close the oldest open one of the step (first
 *   in, first out; none open: an attempt without a start), `step.waiting` marks the
 *   newest open one waiting from then until it ends.
 * - Steps (bucket of the attempt's START hour): count +1 at the start; at the end the
 *   duration, the waiting time and, when completed, the learned-deadline sketches. An
 *   attempt that ends without a start (the first event of a case in a complete-only
 *   log) still happened: count +1 in the bucket of its END hour, the only time it has,
 *   and nothing else — its duration and waiting time are unknown, not zero.
 * - Graph (bucket of the instance's FIRST event hour): instances +1 at the first event,
 *   real starts, one node per attempt when it appears.
 *   - interval mode orders attempts as they appear (their start, or their end when they
 *     have none); the edge last→new counts when the new one appears and gets its duration
 *     start(new) − end(last), clamped at 0, when `last` has ended (maybe later: pending).
 *   - complete mode orders ENDED attempts by their end; edge duration end(b) − end(a).
 *   - the end step moves with the last occurrence: -1 on the old, +1 on the new.
 */
import { EventTypes, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { instantOf } from '../instance/event-order.ts';
import {
  addCount,
  edgeKey,
  emptyEdgeCell,
  emptyStepCell,
  hourOf,
  type GraphCell,
  type ModeGraph,
  type StepCell,
} from './analytics-bucket.ts';
import { bucketIn, type AnalyticsDelta } from './analytics-delta.ts';
import { addValue } from './sketch.ts';

/** An attempt that has not ended. */
export interface OpenAttempt {
  /** Occurrence number within the instance. */
  id: number;
  startMs: number;
  waitingSince?: number;
  /** The interval-mode edge to the next occurrence, waiting for this attempt's end. */
  next?: { step: string; atMs: number };
}

/** What continuing the analytics of an instance needs (plain JSON). */
export interface AnalyticsFrontier {
  process: string;
  /** Hour of the instance's first event: the bucket of its graph part. */
  hour: number;
  /** Next occurrence number. */
  seq: number;
  /** Open attempts per step, oldest first, steps in order of first appearance. */
  open: [string, OpenAttempt[]][];
  /** The last interval-mode occurrence; `endMs` once it ended. */
  lastInterval?: { step: string; id: number; endMs?: number };
  /** The last complete-mode occurrence (an ended attempt). */
  lastComplete?: { step: string; endMs: number };
}

/** The frontier of an instance whose first event (in `compareEvents` order) is `first`. */
export function startFrontier(first: FlowtrailEvent): AnalyticsFrontier {
  return { process: first.ftprocess, hour: hourOf(instantOf(first.time)), seq: 0, open: [] };
}

/** Working form of a frontier: open attempts in a map. */
export interface AnalyticsFold {
  frontier: AnalyticsFrontier;
  open: Map<string, OpenAttempt[]>;
  delta: AnalyticsDelta;
}

/** A fold that continues `frontier` (copied, so the frontier can be reused) into `delta`. */
export function resumeAnalytics(frontier: AnalyticsFrontier, delta: AnalyticsDelta): AnalyticsFold {
  const copy = structuredClone(frontier);
  return { frontier: copy, open: new Map(copy.open), delta };
}

/** The frontier after the events applied so far (a copy). */
export function frontierOf(fold: AnalyticsFold): AnalyticsFrontier {
  return structuredClone({
    ...fold.frontier,
    open: [...fold.open].filter(([, list]) => list.length > 0),
  });
}

function graph(fold: AnalyticsFold): GraphCell {
  return bucketIn(fold.delta, fold.frontier.process, fold.frontier.hour).graph;
}

/** The step's cell in the bucket of `atMs`: the attempt's start, or its end without one. */
function stepCell(fold: AnalyticsFold, atMs: number, step: string): StepCell {
  const bucket = bucketIn(fold.delta, fold.frontier.process, hourOf(atMs));
  const cell = bucket.steps[step] ?? emptyStepCell();
  bucket.steps[step] = cell;
  return cell;
}

function edge(mode: ModeGraph, from: string, to: string) {
  const key = edgeKey(from, to);
  const cell = mode.edges[key] ?? emptyEdgeCell();
  mode.edges[key] = cell;
  return cell;
}

function edgeSample(mode: ModeGraph, from: string, to: string, durationMs: number): void {
  const cell = edge(mode, from, to);
  cell.samples += 1;
  cell.sumMs += durationMs;
  addValue(cell.duration, durationMs);
}

/** Moves the mode's last occurrence from `previous` (if any) to `step`; counts the edge. */
function follow(mode: ModeGraph, previous: string | undefined, step: string): void {
  if (previous === undefined) addCount(mode.startSteps, step, 1);
  else {
    edge(mode, previous, step).count += 1;
    addCount(mode.endSteps, previous, -1);
  }
  addCount(mode.endSteps, step, 1);
}

/** A new attempt appears (interval order): a node, the edge from the last occurrence. */
function appear(fold: AnalyticsFold, step: string, id: number, atMs: number, endMs?: number): void {
  const g = graph(fold);
  addCount(g.nodes, step, 1);
  const last = fold.frontier.lastInterval;
  follow(g.interval, last?.step, step);
  if (last !== undefined) {
    if (last.endMs !== undefined)
      edgeSample(g.interval, last.step, step, Math.max(0, atMs - last.endMs));
    else {
      const pending = fold.open.get(last.step)?.find((attempt) => attempt.id === last.id);
      if (pending !== undefined) pending.next = { step, atMs };
    }
  }
  fold.frontier.lastInterval = endMs === undefined ? { step, id } : { step, id, endMs };
}

function end(fold: AnalyticsFold, event: FlowtrailEvent, step: string, ms: number): void {
  const queue = fold.open.get(step);
  const attempt = queue?.shift();
  const g = graph(fold);
  if (attempt === undefined) {
    // An end without a start: an attempt of its own, counted where it ended (it must not
    // vanish from the heat map), with no duration.
    stepCell(fold, ms, step).count += 1;
    appear(fold, step, fold.frontier.seq++, ms, ms);
  } else {
    const waitingMs =
      attempt.waitingSince === undefined ? 0 : Math.max(0, ms - attempt.waitingSince);
    const durationMs = Math.max(0, ms - attempt.startMs);
    const cell = stepCell(fold, attempt.startMs, step);
    addValue(cell.duration, durationMs);
    cell.totalMs += durationMs;
    addValue(cell.waiting, waitingMs);
    if (event.type === EventTypes.stepCompleted) {
      addValue(cell.completed, durationMs);
      if (waitingMs > 0) addValue(cell.completedWaiting, waitingMs);
    }
    const last = fold.frontier.lastInterval;
    if (last !== undefined && last.id === attempt.id) last.endMs = ms;
    if (attempt.next !== undefined) {
      edgeSample(g.interval, step, attempt.next.step, Math.max(0, attempt.next.atMs - ms));
    }
  }
  const lastComplete = fold.frontier.lastComplete;
  follow(g.complete, lastComplete?.step, step);
  if (lastComplete !== undefined)
    edgeSample(g.complete, lastComplete.step, step, ms - lastComplete.endMs);
  fold.frontier.lastComplete = { step, endMs: ms };
}

/** Applies the next event (in `compareEvents` order after every event applied so far). */
export function applyAnalyticsEvent(fold: AnalyticsFold, event: FlowtrailEvent): void {
  const ms = instantOf(event.time);
  if (event.type === EventTypes.stepStarted && event.data.derivedStart !== true) {
    graph(fold).realStarts += 1;
  }
  const step = event.ftstep;
  if (step === undefined) return;
  if (event.type === EventTypes.stepStarted) {
    const id = fold.frontier.seq++;
    const queue = fold.open.get(step) ?? [];
    fold.open.set(step, queue);
    queue.push({ id, startMs: ms });
    stepCell(fold, ms, step).count += 1;
    appear(fold, step, id, ms);
  } else if (event.type === EventTypes.stepWaiting) {
    const attempt = fold.open.get(step)?.at(-1);
    if (attempt !== undefined && attempt.waitingSince === undefined) attempt.waitingSince = ms;
  } else if (event.type === EventTypes.stepCompleted || event.type === EventTypes.stepFailed) {
    end(fold, event, step, ms);
  }
}

/** Counts the instance itself (once, with its first event). */
export function countInstance(fold: AnalyticsFold): void {
  graph(fold).instances += 1;
}
