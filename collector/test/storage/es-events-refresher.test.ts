/**
 * The shared refreshes of the events indices (es-events-refresher.ts), with a refresh
 * whose completion the test controls: reads always get a refresh that started after
 * them, shared by the callers that arrive while one runs; the refresh before a states
 * write is skipped or joined when a refresh that started after the store's last event
 * write covers it; a failure reaches every caller that shared the refresh.
 */
import { describe, expect, it } from 'vitest';
import { EventsRefresher } from '../../src/adapters/elasticsearch/es-events-refresher.ts';

/** A refresh function whose calls stay pending until `finish(i)` / `fail(i)`. */
function controlled() {
  const calls: { resolve: () => void; reject: (err: Error) => void }[] = [];
  const refresher = new EventsRefresher(
    () =>
      new Promise<void>((resolve, reject) => {
        calls.push({ resolve, reject });
      }),
  );
  return { refresher, calls };
}

/** Lets the promise callbacks queued so far run. */
const settle = () => new Promise((r) => setImmediate(r));

function tracked(promise: Promise<void>): { done: boolean; error?: Error } {
  const state: { done: boolean; error?: Error } = { done: false };
  promise.then(
    () => (state.done = true),
    (err: Error) => {
      state.done = true;
      state.error = err;
    },
  );
  return state;
}

describe('EventsRefresher', () => {
  it('gives a read a refresh that starts after it; reads arriving meanwhile share the next', async () => {
    const { refresher, calls } = controlled();
    const first = tracked(refresher.forRead());
    expect(calls).toHaveLength(1);
    // Arrive while the first runs: it may have started before their data, so they wait
    // for one more, which all of them share.
    const second = tracked(refresher.forRead());
    const third = tracked(refresher.forRead());
    expect(calls).toHaveLength(1);
    calls[0]?.resolve();
    await settle();
    expect(first.done).toBe(true);
    expect(second.done).toBe(false);
    expect(calls).toHaveLength(2);
    calls[1]?.resolve();
    await settle();
    expect([second.done, third.done]).toEqual([true, true]);
    expect(calls).toHaveLength(2);
  });

  it('sends no refresh before a states write when no events were written since the last one', async () => {
    const { refresher, calls } = controlled();
    await refresher.ownWrites();
    expect(calls).toHaveLength(0);
    refresher.noteWritten();
    const own = tracked(refresher.ownWrites());
    expect(calls).toHaveLength(1);
    calls[0]?.resolve();
    await settle();
    expect(own.done).toBe(true);
    // Covered by the refresh that just finished.
    await refresher.ownWrites();
    expect(calls).toHaveLength(1);
  });

  it('joins a running refresh that started after the writes, and waits for the next one otherwise', async () => {
    const { refresher, calls } = controlled();
    refresher.noteWritten();
    const read = tracked(refresher.forRead()); // starts after the write: covers it
    const joined = tracked(refresher.ownWrites());
    expect(calls).toHaveLength(1);
    refresher.noteWritten(); // written while that refresh runs: not covered by it
    const later = tracked(refresher.ownWrites());
    calls[0]?.resolve();
    await settle();
    expect([read.done, joined.done, later.done]).toEqual([true, true, false]);
    expect(calls).toHaveLength(2);
    calls[1]?.resolve();
    await settle();
    expect(later.done).toBe(true);
  });

  it('fails every caller that shared a failed refresh, and refreshes again on the next call', async () => {
    const { refresher, calls } = controlled();
    refresher.noteWritten();
    const a = tracked(refresher.ownWrites());
    const b = tracked(refresher.ownWrites());
    calls[0]?.reject(new Error('unavailable'));
    await settle();
    expect([a.error?.message, b.error?.message]).toEqual(['unavailable', 'unavailable']);
    // Not covered: the failed refresh made nothing searchable.
    const retry = tracked(refresher.ownWrites());
    expect(calls).toHaveLength(2);
    calls[1]?.resolve();
    await settle();
    expect(retry).toEqual({ done: true });
  });
});
