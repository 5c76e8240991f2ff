/**
 * The poller against in-memory change feeds, on vitest's fake clock: every step is
 * driven by advancing the clock, never by waiting.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChangePoller } from '../../src/app/live/change-poller.ts';
import type { LiveChange, Watermark } from '../../src/app/live/watermark.ts';
import { changePage, type ChangePage } from '../../src/ports/change-feed.ts';

/** An in-memory change feed: each write takes the next number; a key keeps its latest. */
class FakeFeed {
  private seq = 0;
  private readonly latest = new Map<string, number>();
  reads = 0;
  failWith: Error | undefined;

  write(...keys: string[]): void {
    for (const key of keys) {
      this.seq += 1;
      this.latest.delete(key);
      this.latest.set(key, this.seq);
    }
  }

  wipe(): void {
    this.seq = 0;
    this.latest.clear();
  }

  async read(after: number | undefined, limit: number): Promise<ChangePage> {
    this.reads += 1;
    if (this.failWith !== undefined) throw this.failWith;
    if (after === undefined) return { seq: this.seq, keys: [], truncated: false };
    const keys = [...this.latest].filter(([, n]) => n > after).map(([key]) => key);
    return changePage(this.seq, keys, limit, false);
  }
}

let instances: FakeFeed;
let alerts: FakeFeed;
let baselines: Watermark[];
let changes: LiveChange[];
let errors: number[];
let poller: ChangePoller;

beforeEach(() => {
  vi.useFakeTimers();
  instances = new FakeFeed();
  alerts = new FakeFeed();
  baselines = [];
  changes = [];
  errors = [];
  poller = new ChangePoller({
    sources: {
      instances: { instanceChanges: (after, limit) => instances.read(after, limit) },
      alerts: { alertChanges: (after, limit) => alerts.read(after, limit) },
    },
    intervalMs: 1000,
    maxKeys: 2,
    nudgeDelayMs: 20,
    onBaseline: (w) => baselines.push(w),
    onChange: (c) => changes.push(c),
    onError: (_err, consecutive) => errors.push(consecutive),
  });
});

afterEach(async () => {
  await poller.stop();
  vi.useRealTimers();
});

describe('ChangePoller', () => {
  it('takes a baseline, then reports each change once per interval', async () => {
    instances.write('a');
    alerts.write('x');
    poller.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(baselines).toEqual([{ events: 1, alerts: 1 }]);
    expect(poller.current).toEqual({ events: 1, alerts: 1 });

    instances.write('b', 'c');
    alerts.write('c');
    await vi.advanceTimersByTimeAsync(999);
    expect(changes).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(changes).toEqual([{ events: 3, alerts: 2, instances: ['b', 'c'], truncated: false }]);

    await vi.advanceTimersByTimeAsync(5000); // nothing new: no message
    expect(changes).toHaveLength(1);
    instances.write('d', 'e', 'f');
    await vi.advanceTimersByTimeAsync(1000);
    expect(changes[1]).toEqual({ events: 6, alerts: 2, instances: ['d', 'e'], truncated: true });
  });

  it('reads soon after a nudge, coalescing a burst into one read', async () => {
    poller.start();
    await vi.advanceTimersByTimeAsync(0);
    const before = instances.reads;
    instances.write('a');
    poller.nudge();
    poller.nudge();
    poller.nudge();
    await vi.advanceTimersByTimeAsync(20);
    expect(instances.reads).toBe(before + 1);
    expect(changes.map((c) => c.instances)).toEqual([['a']]);
  });

  it('reads nothing while stopped, and takes a new baseline when started again', async () => {
    poller.nudge(); // not running: ignored
    await vi.advanceTimersByTimeAsync(5000);
    expect(instances.reads).toBe(0);

    poller.start();
    await vi.advanceTimersByTimeAsync(0);
    await poller.stop();
    instances.write('a');
    await vi.advanceTimersByTimeAsync(5000);
    expect(instances.reads).toBe(1);
    expect(poller.current).toBeUndefined();

    poller.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(baselines).toEqual([
      { events: 0, alerts: 0 },
      { events: 1, alerts: 0 },
    ]);
    expect(changes).toEqual([]);
  });

  it('reports failed reads and recovers at the next interval', async () => {
    poller.start();
    await vi.advanceTimersByTimeAsync(0);
    instances.failWith = new Error('store down');
    await vi.advanceTimersByTimeAsync(2000);
    expect(errors).toEqual([1, 2]);
    instances.failWith = undefined;
    instances.write('a');
    await vi.advanceTimersByTimeAsync(1000);
    expect(changes.map((c) => c.instances)).toEqual([['a']]);
    instances.failWith = new Error('again');
    await vi.advanceTimersByTimeAsync(1000);
    expect(errors).toEqual([1, 2, 1]);
  });

  it('reports a wiped store as a change without keys', async () => {
    instances.write('a', 'b');
    poller.start();
    await vi.advanceTimersByTimeAsync(0);
    instances.wipe();
    instances.write('z');
    await vi.advanceTimersByTimeAsync(1000);
    expect(changes).toEqual([{ events: 1, alerts: 0, instances: [], truncated: true }]);
  });

  it('works without an alert feed', async () => {
    const alone = new ChangePoller({
      sources: { instances: { instanceChanges: (after, limit) => instances.read(after, limit) } },
      intervalMs: 1000,
      maxKeys: 10,
      onBaseline: (w) => baselines.push(w),
      onChange: (c) => changes.push(c),
      onError: () => undefined,
    });
    alone.start();
    await vi.advanceTimersByTimeAsync(0);
    instances.write('a');
    await vi.advanceTimersByTimeAsync(1000);
    await alone.stop();
    expect(baselines).toEqual([{ events: 0, alerts: 0 }]);
    expect(changes).toEqual([{ events: 1, alerts: 0, instances: ['a'], truncated: false }]);
  });
});
