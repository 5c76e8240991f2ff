/**
 * Which processes' learned deadlines moved enough that the `nextDeadline` stored with
 * their open instances should be re-derived (the detection model asks after each learned
 * refresh; deadline-rederivation.ts walks them).
 *
 * A learned deadline is a percentile of recent history, so it drifts a little at almost
 * every refresh; re-deriving on every drift would rewrite every open instance of a busy
 * process every few minutes. So a process counts as changed when one of its steps gained
 * or lost a learned deadline (duration or wait), or when one moved by more than `ratio`
 * of its previous value (default 10 %). What a smaller drift leaves stale is bounded: an
 * instance found overdue by a stale-early deadline is judged again under the current one
 * by the sweeper; one whose deadline shrank by less than `ratio` is found that much
 * later. Pure.
 */
import type { LearnedDeadline, LearnedDeadlines } from './learned-deadlines.ts';

/** Relative change of a learned deadline that triggers re-derivation. */
export const DEFAULT_LEARNED_CHANGE_RATIO = 0.1;

function moved(before: number | undefined, after: number | undefined, ratio: number): boolean {
  if (before === undefined || after === undefined) return before !== after;
  return Math.abs(after - before) > ratio * before;
}

function stepMoved(
  before: LearnedDeadline | undefined,
  after: LearnedDeadline | undefined,
  ratio: number,
): boolean {
  return (
    moved(before?.deadlineMs, after?.deadlineMs, ratio) ||
    moved(before?.waitDeadlineMs, after?.waitDeadlineMs, ratio)
  );
}

/** The processes (sorted, each once) with a step whose learned deadline moved. */
export function processesWithMovedLearnedDeadlines(
  before: LearnedDeadlines,
  after: LearnedDeadlines,
  ratio: number = DEFAULT_LEARNED_CHANGE_RATIO,
): string[] {
  if (!(ratio >= 0)) throw new RangeError(`ratio must be ≥ 0, got ${ratio}`);
  const changed = new Set<string>();
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const [was, now] = [before.get(key), after.get(key)];
    const process = (now ?? was)?.process;
    if (process !== undefined && !changed.has(process) && stepMoved(was, now, ratio)) {
      changed.add(process);
    }
  }
  return [...changed].sort();
}
