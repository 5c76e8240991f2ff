/**
 * The sweep's changed-since walk (pure): which recently changed instances each sweep
 * re-checks, so that every change is looked at once its grace has passed — however many
 * instances change at once — while one sweep reads at most `limit` of them.
 *
 * A consistency condition becomes a finding `grace` after the change that caused it, so an
 * instance has to be examined at least once after its `lastEventAt` + grace (plus a margin
 * for late arrivals and the store's refresh). The walk goes in passes. A pass covers the
 * instances whose `lastEventAt` is in [since, until): `until` is the time of the sweep
 * that begins the pass, `since` the previous pass's `until` − grace − margin (the first
 * pass after a start looks back one hour). A pass is read in the store's order
 * (`instancesChangedBetween`: oldest `lastEventAt` first, ties by key), one page of
 * `limit` per sweep; the cursor (`lastEventAt` + key of the page's last instance) carries
 * the pass into the next sweep, and only a finished pass moves the window on. While the
 * sweeper keeps up, a pass is one sweep — every sweep re-checks everything changed since
 * the previous one began, minus grace and margin, as before; under load a pass takes
 * several sweeps and nothing is dropped.
 *
 * Why nothing is missed: take an instance with last change t, stored by t + grace +
 * margin. Let k be the last pass whose `since` ≤ t (passes keep finishing, and each
 * `since` is later than the one before, so there is one). The next pass's `since` =
 * `until(k)` − grace − margin > t, so `until(k)` > t + grace + margin: pass k began after
 * the grace passed, t < `until(k)`, and the instance was stored when the pass began — pass
 * k reads it. An instance that changes again meanwhile only moves later in the order
 * (`lastEventAt` only grows), and is judged for its new change the same way.
 */
import type { ChangeCursor, ChangedWindowQuery } from '../../ports/changed-window.ts';

/** The first pass after a start also re-checks what changed while no collector ran. */
export const FIRST_PASS_LOOKBACK_MS = 3_600_000;

export interface WalkTiming {
  graceMs: number;
  intervalMs: number;
}

/** Where the walk stands: the current (or, when `done`, the last) pass. */
export interface ChangedWalk {
  /** Epoch ms: `lastEventAt` at or after this. */
  since: number;
  /** Epoch ms: `lastEventAt` before this; the time of the sweep that began the pass. */
  until: number;
  /** The position after the last page read; absent before the first page. */
  after?: ChangeCursor;
  /** The pass has been read to its end. */
  done: boolean;
}

/** Room behind the previous pass's start for late arrivals and the store's refresh. */
export function marginMs(timing: WalkTiming): number {
  return 2 * timing.intervalMs + 10_000;
}

/** The pass a sweep at `atMs` reads from: the unfinished one, else the next one. */
export function passAt(
  walk: ChangedWalk | undefined,
  atMs: number,
  timing: WalkTiming,
): ChangedWalk {
  if (walk === undefined) {
    return { since: atMs - FIRST_PASS_LOOKBACK_MS, until: atMs, done: false };
  }
  if (!walk.done) return walk;
  return { since: walk.until - timing.graceMs - marginMs(timing), until: atMs, done: false };
}

/** The store query of a pass's next page. */
export function pageQuery(pass: ChangedWalk, limit: number): ChangedWindowQuery {
  return {
    since: new Date(pass.since).toISOString(),
    until: new Date(pass.until).toISOString(),
    limit,
    ...(pass.after !== undefined ? { after: pass.after } : {}),
  };
}

/** The walk after a page of `pass` was read and judged: `next` is the page's cursor. */
export function afterPage(pass: ChangedWalk, next: ChangeCursor | undefined): ChangedWalk {
  const { since, until } = pass;
  return next === undefined
    ? { since, until, done: true }
    : { since, until, after: next, done: false };
}

/**
 * How far the walk is behind `atMs`: every instance whose last change is before
 * `atMs` − lag has been looked at since (0 when the pass of this sweep's time is done).
 * Growing from sweep to sweep: the sweeper cannot keep up with the changes.
 */
export function lagMs(walk: ChangedWalk, atMs: number): number {
  const position = walk.done
    ? walk.until
    : walk.after !== undefined
      ? Date.parse(walk.after.lastEventAt)
      : walk.since;
  return Math.max(0, atMs - position);
}
