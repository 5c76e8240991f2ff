import { describe, expect, it } from 'vitest';
import type { ChangeCursor, ChangedWindowQuery } from '../../src/ports/changed-window.ts';
import {
  afterPage,
  FIRST_PASS_LOOKBACK_MS,
  lagMs,
  marginMs,
  pageQuery,
  passAt,
  type ChangedWalk,
} from '../../src/app/detection/changed-walk.ts';

const timing = { graceMs: 30_000, intervalMs: 2000 };
const T0 = Date.parse('2030-01-01T00:00:00Z');
const cursor = (ms: number, key: string): ChangeCursor => ({
  lastEventAt: new Date(ms).toISOString(),
  key,
});

describe('changed-walk: passes and cursor', () => {
  it('begins with a pass one hour back up to the sweep', () => {
    expect(passAt(undefined, T0, timing)).toEqual({
      since: T0 - FIRST_PASS_LOOKBACK_MS,
      until: T0,
      done: false,
    });
  });

  it('goes on with an unfinished pass, whatever the time', () => {
    const pass: ChangedWalk = {
      since: T0 - 5000,
      until: T0,
      after: cursor(T0 - 10, 'k'),
      done: false,
    };
    expect(passAt(pass, T0 + 60_000, timing)).toBe(pass);
  });

  it('moves the window on after a finished pass: from its start − grace − margin', () => {
    const done: ChangedWalk = { since: T0 - 50_000, until: T0, done: true };
    expect(marginMs(timing)).toBe(14_000);
    expect(passAt(done, T0 + 2000, timing)).toEqual({
      since: T0 - 30_000 - 14_000,
      until: T0 + 2000,
      done: false,
    });
  });

  it('asks the store for the pass from its cursor, `limit` at a time', () => {
    const pass: ChangedWalk = { since: T0 - 1000, until: T0, done: false };
    const window = { since: '2029-12-31T23:59:59.000Z', until: '2030-01-01T00:00:00.000Z' };
    expect(pageQuery(pass, 50)).toEqual({ ...window, limit: 50 });
    const after = cursor(T0 - 500, 'shop/p/i');
    expect(pageQuery({ ...pass, after }, 50)).toEqual({ ...window, limit: 50, after });
  });

  it('keeps the cursor of a full page, and ends the pass on a page without one', () => {
    const pass: ChangedWalk = { since: T0 - 1000, until: T0, done: false };
    const next = cursor(T0 - 700, 'b');
    const going = afterPage(pass, next);
    expect(going).toEqual({ since: T0 - 1000, until: T0, after: next, done: false });
    expect(afterPage(going, undefined)).toEqual({ since: T0 - 1000, until: T0, done: true });
  });

  it('reports the lag: 0 when the pass of this sweep is done, else how far back it is', () => {
    const done: ChangedWalk = { since: T0 - 1000, until: T0, done: true };
    expect(lagMs(done, T0)).toBe(0);
    expect(lagMs(done, T0 + 2000)).toBe(2000);
    expect(lagMs({ ...done, done: false, after: cursor(T0 - 700, 'b') }, T0 + 2000)).toBe(2700);
    expect(lagMs({ ...done, done: false }, T0)).toBe(1000);
  });
});

/**
 * The walk over a simulated store: instances change over time (each one's `lastEventAt`
 * only grows), sweeps read one page of `limit` each, every `intervalMs`. Every change must
 * be looked at by some sweep at or after `lastEventAt` + grace, while it is the last one.
 */
describe('changed-walk: nothing dropped under load', () => {
  interface Row {
    key: string;
    ms: number;
  }

  /** The store's order: lastEventAt ascending, ties by key descending. */
  const page = (rows: readonly Row[], q: ChangedWindowQuery) => {
    const [since, until] = [Date.parse(q.since), Date.parse(q.until)];
    const afterMs = q.after === undefined ? -Infinity : Date.parse(q.after.lastEventAt);
    const found = rows
      .filter((r) => r.ms >= since && r.ms < until)
      .filter((r) => r.ms > afterMs || (r.ms === afterMs && r.key < (q.after?.key ?? '')))
      .sort((a, b) => a.ms - b.ms || (a.key < b.key ? 1 : -1))
      .slice(0, q.limit);
    const last = found.length === q.limit ? found[q.limit - 1] : undefined;
    return { found, next: last === undefined ? undefined : cursor(last.ms, last.key) };
  };

  function simulate(changesPerSweep: number, limit: number, sweeps: number, keys = 5000) {
    const rows = new Map<string, Row>();
    /** key@ms of each change → judged after its grace. */
    const judged = new Set<string>();
    const changes: string[] = [];
    let walk: ChangedWalk | undefined;
    const lags: number[] = [];
    for (let n = 0; n < sweeps; n++) {
      const at = T0 + n * timing.intervalMs;
      // Changes since the previous sweep, spread over the interval (none in the last 40
      // sweeps, so the walk can finish); keys come round again after `keys` changes.
      if (n < sweeps - 40) {
        for (let i = 0; i < changesPerSweep; i++) {
          const key = `k${String((n * changesPerSweep + i) % keys).padStart(9, '0')}`;
          const ms = at - timing.intervalMs + Math.floor((i * timing.intervalMs) / changesPerSweep);
          if ((rows.get(key)?.ms ?? -1) < ms) {
            rows.set(key, { key, ms });
            changes.push(`${key}@${ms}`);
          }
        }
      }
      const pass = passAt(walk, at, timing);
      const { found, next } = page([...rows.values()], pageQuery(pass, limit));
      for (const r of found) if (at >= r.ms + timing.graceMs) judged.add(`${r.key}@${r.ms}`);
      walk = afterPage(pass, next);
      lags.push(lagMs(walk, at));
    }
    // A change superseded by a later one needs no judging of its own.
    const last = new Set([...rows.values()].map((r) => `${r.key}@${r.ms}`));
    const missed = changes.filter((c) => last.has(c) && !judged.has(c));
    return { missed, lags, changes: changes.length };
  }

  it('judges every change when far more change in one window than one sweep reads', () => {
    // 120 changes per 2 s sweep, a 46 s window ≈ 2800 instances in it, 200 read per sweep.
    const { missed, lags, changes } = simulate(120, 200, 200);
    expect(changes).toBeGreaterThan(15_000);
    expect(missed).toEqual([]);
    expect(Math.max(...lags)).toBeGreaterThan(timing.graceMs);
    expect(lags[lags.length - 1]).toBe(0);
  });

  it('keeps up in one page per sweep when the window fits, and reports no lag', () => {
    const { missed, lags } = simulate(5, 500, 100);
    expect(missed).toEqual([]);
    expect(lags.every((lag) => lag === 0)).toBe(true);
  });

  it('falls behind visibly, never silently, when changes outrun the walk', () => {
    // 300 new changes per sweep, 200 read: each pass takes longer than the one before.
    const { lags } = simulate(300, 200, 120, 1e9);
    expect(lags.slice(10).every((lag) => lag > 0)).toBe(true);
    const worst = (from: number) => Math.max(...lags.slice(from, from + 20));
    expect(worst(20)).toBeGreaterThan(worst(0) + 20_000);
    expect(worst(60)).toBeGreaterThan(worst(20) + 60_000);
  });
});
