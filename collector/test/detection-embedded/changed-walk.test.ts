/**
 * The changed-since walk on the real embedded store (SQLite, HTTP ingest, the real
 * sweeper driven by hand): far more instances change within one window than one sweep
 * reads (`limit`), and every one of them is still judged once its grace has passed, within
 * a bounded number of sweeps. Each instance is a subprocess whose parent was never seen, so
 * it is an `orphan` `grace` after its first event — found only if the sweep looks at the
 * instance itself (an unknown parent is nobody's candidate). Before the walk, a sweep read
 * ceil(limit / 1000) pages of 1000 keys in key order from the window each time: here
 * always the same first 1000, so the last 100 were never judged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventTypes } from '@flowtrail/sdk/protocol';
import type { SweepReport } from '../../src/app/detection/sweeper.ts';
import { makeEvent } from '../helpers/events.ts';
import { postEvents, startHarness, type Harness } from './embedded-harness.ts';

const N = 1100;
const LIMIT = 200;
const INTERVAL_MS = 1000;
const GRACE_MS = 30_000;
/** The walk's margin behind a pass's start (changed-walk.ts `marginMs`). */
const MARGIN_MS = 2 * INTERVAL_MS + 10_000;
const T0 = Date.parse('2030-06-01T10:00:00Z');

describe('changed-since walk on the embedded store', () => {
  let h: Harness;
  const reports: SweepReport[] = [];

  beforeAll(async () => {
    h = await startHarness({
      detection: { limit: LIMIT, intervalMs: INTERVAL_MS, graceMs: GRACE_MS },
    });
    // An empty store: the start's catch-up walk and first pass end here, so from now on
    // only the changed-since walk finds the instances below.
    await h.sweeper.sweepOnce(new Date(T0));
    const changedAt = new Date(T0 + 500).toISOString();
    const events = Array.from({ length: N }, (_, i) =>
      makeEvent({
        source: 'payment',
        process: 'pay',
        instance: `c-${String(i).padStart(4, '0')}`,
        type: EventTypes.processStarted,
        time: changedAt,
        data: { parent: { source: 'shop', process: 'order', instance: `gone-${i}` } },
      }),
    );
    await postEvents(h.base, events);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('judges every changed instance within a bounded number of sweeps', async () => {
    // The last pass over the change begins once grace + margin have passed; a pass takes
    // ceil(N / LIMIT) sweeps, and the one before it may still be running then.
    const bound = (GRACE_MS + MARGIN_MS) / INTERVAL_MS + 2 * Math.ceil(N / LIMIT) + 1;
    for (let k = 1; k <= bound; k++) {
      reports.push(await h.sweeper.sweepOnce(new Date(T0 + k * INTERVAL_MS)));
    }
    const orphans = (await h.app.alerts.store.openAlerts({})).filter((a) => a.kind === 'orphan');
    expect(new Set(orphans.map((a) => a.instance)).size).toBe(N);
    expect(reports.reduce((sum, r) => sum + r.fired, 0)).toBe(N);
  });

  it('reads at most `limit` changed instances per sweep, and nothing is found early', () => {
    expect(reports.every((r) => r.changedExamined <= LIMIT)).toBe(true);
    expect(reports.some((r) => r.changedExamined === LIMIT)).toBe(true);
    const early = reports.filter((r) => Date.parse(r.at) < T0 + 500 + GRACE_MS);
    expect(early.reduce((sum, r) => sum + r.fired, 0)).toBe(0);
  });

  it('reports the lag while the walk is behind, and 0 once it caught up', () => {
    expect(Math.max(...reports.map((r) => r.changedLagMs))).toBeGreaterThan(0);
    const last = reports[reports.length - 1];
    expect(last?.changedLagMs).toBe(0);
    expect(last?.changedExamined).toBeLessThan(LIMIT);
  });
});
