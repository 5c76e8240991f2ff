/**
 * The sweep cadence (sweep-schedule.ts, and Sweeper.start/stop on it) on vitest's fake
 * clock: every step is driven by advancing the clock, never by waiting. A run "takes"
 * time by awaiting a fake timer, so its start and end are exact fake-clock times.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FixedRateSchedule } from '../../src/app/detection/sweep-schedule.ts';
import { Sweeper, type SweepReport, type SweeperDeps } from '../../src/app/detection/sweeper.ts';
import type { AlertService } from '../../src/app/alerts/alert-service.ts';
import type { Logger } from '../../src/shared/logger.ts';

const INTERVAL = 1000;

/** Start and end (fake-clock ms) of every run, and how many ran at once at most. */
class Runs {
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  maxConcurrent = 0;
  private active = 0;

  /** A run lasting `durations[i]` ms (the last one repeats); fails where `fails[i]`. */
  runner(durations: readonly number[], fails: readonly boolean[] = []) {
    return async () => {
      const i = this.starts.length;
      this.starts.push(Date.now());
      this.active += 1;
      this.maxConcurrent = Math.max(this.maxConcurrent, this.active);
      try {
        const ms = durations[Math.min(i, durations.length - 1)] ?? 0;
        if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
        if (fails[i] === true) throw new Error(`run ${i} failed`);
      } finally {
        this.active -= 1;
        this.ends.push(Date.now());
      }
    };
  }

  /** Start times relative to `t0`. */
  startsFrom(t0: number): number[] {
    return this.starts.map((t) => t - t0);
  }
}

/**
 * Started "at once" after a run that ended at `endedAt` (ms from t0). The next run is
 * queued with `setImmediate`; the fake clock runs a callback queued during a tick 1 ms
 * later (@sinonjs/fake-timers), so at once is `endedAt` or `endedAt + 1` here.
 */
function expectAtOnce(startedAt: number | undefined, endedAt: number): void {
  expect(startedAt).toBeGreaterThanOrEqual(endedAt);
  expect(startedAt).toBeLessThanOrEqual(endedAt + 1);
}

let t0: number;
let schedule: FixedRateSchedule | undefined;
let sweeper: Sweeper | undefined;

beforeEach(() => {
  vi.useFakeTimers();
  t0 = Date.now();
});

afterEach(async () => {
  // A run may be in progress: its (fake) time must pass for stop() to resolve.
  const stopping = Promise.all([schedule?.stop(), sweeper?.stop()]);
  await vi.runAllTimersAsync();
  await stopping;
  schedule = undefined;
  sweeper = undefined;
  vi.useRealTimers();
});

function scheduleOf(run: () => Promise<unknown>, errors: unknown[] = []): FixedRateSchedule {
  schedule = new FixedRateSchedule({
    intervalMs: INTERVAL,
    run,
    onError: (err) => errors.push(err),
    clock: () => Date.now(),
  });
  return schedule;
}

describe('FixedRateSchedule', () => {
  it('runs every interval measured start to start, however long each run takes', async () => {
    const runs = new Runs();
    scheduleOf(runs.runner([0, 600, 300, 999, 10])).start();
    await vi.advanceTimersByTimeAsync(999);
    expect(runs.starts).toEqual([]); // the first run one interval after start()
    await vi.advanceTimersByTimeAsync(5 * INTERVAL + 1);
    expect(runs.startsFrom(t0)).toEqual([1000, 2000, 3000, 4000, 5000, 6000]);
  });

  it('follows a run that overran the interval at once, then keeps the rate from there', async () => {
    const runs = new Runs();
    // Run 0 takes 2.5 intervals: run 1 starts the moment it ends (3500), no later.
    scheduleOf(runs.runner([2500, 100])).start();
    await vi.advanceTimersByTimeAsync(6000);
    expect(runs.ends[0]).toBe(t0 + 3500);
    const [first, second, ...rest] = runs.startsFrom(t0);
    expect(first).toBe(1000);
    expectAtOnce(second, 3500);
    expect(rest).toEqual([4500, 5500]);
  });

  it('never starts a run while the previous one is running', async () => {
    const runs = new Runs();
    scheduleOf(runs.runner([1800, 1000, 2300, 10, 999])).start();
    await vi.advanceTimersByTimeAsync(20 * INTERVAL);
    expect(runs.starts.length).toBeGreaterThan(5);
    expect(runs.maxConcurrent).toBe(1);
    for (let i = 1; i < runs.starts.length; i++) {
      expect(runs.starts[i]).toBeGreaterThanOrEqual(runs.ends[i - 1] as number);
    }
  });

  it('goes on after a failed run, and passes the failure on', async () => {
    const runs = new Runs();
    const errors: unknown[] = [];
    scheduleOf(runs.runner([100], [false, true, false]), errors).start();
    await vi.advanceTimersByTimeAsync(3 * INTERVAL + 200);
    expect(runs.startsFrom(t0)).toEqual([1000, 2000, 3000]);
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain('run 1 failed');
  });

  it('stop() waits for the run in progress and prevents every later run', async () => {
    const runs = new Runs();
    const s = scheduleOf(runs.runner([500]));
    s.start();
    await vi.advanceTimersByTimeAsync(1200); // run 0 in progress (1000–1500)
    let stopped = false;
    const stopping = s.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(100);
    expect(stopped).toBe(false);
    await vi.advanceTimersByTimeAsync(300); // run 0 ends at 1500
    await stopping;
    expect(runs.ends).toEqual([t0 + 1500]);
    await vi.advanceTimersByTimeAsync(10 * INTERVAL);
    expect(runs.starts).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stop() between runs cancels the next one', async () => {
    const runs = new Runs();
    const s = scheduleOf(runs.runner([0]));
    s.start();
    await vi.advanceTimersByTimeAsync(2500);
    expect(runs.starts).toHaveLength(2);
    await s.stop();
    await vi.advanceTimersByTimeAsync(10 * INTERVAL);
    expect(runs.starts).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('Sweeper.start / stop', () => {
  const silent = {
    warn: vi.fn(),
    debug: vi.fn(),
    info: vi.fn(),
    error: vi.fn(),
  };

  function sweeperOf(): Sweeper {
    const alerts = { onTransitions: () => undefined, store: {} } as unknown as AlertService;
    const deps = {
      reader: {} as SweeperDeps['reader'],
      alerts,
      registry: () => {
        throw new Error('not used: sweepOnce is replaced');
      },
      settings: { intervalMs: INTERVAL, graceMs: 0, limit: 10, eventsLimit: 10 },
      logger: silent as unknown as Logger,
      clock: () => Date.now(),
    } satisfies SweeperDeps;
    sweeper = new Sweeper(deps);
    return sweeper;
  }

  it('sweeps start to start, at once after an overrun, logs a failed sweep and stops', async () => {
    const s = sweeperOf();
    const runs = new Runs();
    const run = runs.runner([300, 1700, 0, 0], [false, false, true, false]);
    vi.spyOn(s, 'sweepOnce').mockImplementation(async () => {
      await run();
      return {} as SweepReport;
    });
    s.start();
    s.start(); // a second start adds no second schedule
    await vi.advanceTimersByTimeAsync(5000);
    // 1000 (300 ms), 2000 (1700 ms → ends 3700), 3700 at once (fails), 4700.
    const [a, b, c, d] = runs.startsFrom(t0);
    expect([a, b]).toEqual([1000, 2000]);
    expectAtOnce(c, 3700);
    expect(d).toBe(4700);
    expect(runs.starts).toHaveLength(4);
    expect(runs.maxConcurrent).toBe(1);
    expect(silent.warn).toHaveBeenCalledWith(
      expect.objectContaining({ err: expect.any(Error) }),
      'detection sweep failed; retrying next interval',
    );
    await s.stop();
    await vi.advanceTimersByTimeAsync(10 * INTERVAL);
    expect(runs.starts).toHaveLength(4);
    s.start(); // stopped for good
    await vi.advanceTimersByTimeAsync(10 * INTERVAL);
    expect(runs.starts).toHaveLength(4);
  });
});
