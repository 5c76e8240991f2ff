/**
 * The dashboard's live-view policy (dashboard/lib/live-policy.ts: pure, no imports, so
 * it is tested here with the collector's unit tests): which changes refresh a page, how
 * refreshes are spaced, when the view falls back to polling.
 */
import { describe, expect, it } from 'vitest';
import {
  concerns,
  FALLBACK_AFTER_FAILURES,
  INITIAL_STATE,
  parseChange,
  parseWatermark,
  refreshDelay,
  statusText,
  streamFailed,
  streamReady,
} from '../../../dashboard/lib/live-policy.ts';

const change = (instances: string[], truncated = false) => ({
  events: 3,
  alerts: 1,
  instances,
  truncated,
});

describe('dashboard live policy', () => {
  it('parses change data, treating a missing list as incomplete', () => {
    expect(parseChange('{"events":3,"alerts":1,"instances":["a",7],"truncated":false}')).toEqual(
      change(['a']),
    );
    expect(parseChange('{"events":3,"alerts":1}')).toEqual(change([], true));
    expect(parseChange('{"events":"3"}')).toBeUndefined();
    expect(parseChange('not json')).toBeUndefined();
  });

  it('refreshes every page, an instance page only for its own instance or an incomplete list', () => {
    const seen = { events: 2, alerts: 1 };
    expect(concerns(change([]), seen)).toBe(true);
    expect(concerns(change(['shop/o/1']), seen, { instanceKey: 'shop/o/1' })).toBe(true);
    expect(concerns(change(['shop/o/2']), seen, { instanceKey: 'shop/o/1' })).toBe(false);
    expect(concerns(change([], true), seen, { instanceKey: 'shop/o/1' })).toBe(true);
  });

  it('refreshes an alerts page only when the alerts moved', () => {
    const alertsOnly = { alertsOnly: true };
    expect(concerns(change(['a'], true), { events: 2, alerts: 1 }, alertsOnly)).toBe(false);
    expect(concerns(change([]), { events: 3, alerts: 0 }, alertsOnly)).toBe(true);
    expect(concerns(change([]), undefined, alertsOnly)).toBe(true);
  });

  it('never refreshes for what it has seen already', () => {
    expect(concerns(change([], true), { events: 3, alerts: 1 })).toBe(false);
    expect(parseWatermark('{"events":3,"alerts":1}')).toEqual({ events: 3, alerts: 1 });
    expect(parseWatermark('{}')).toBeUndefined();
  });

  it('spaces refreshes at least a second apart', () => {
    expect(refreshDelay(0, 10_000)).toBe(0);
    expect(refreshDelay(10_000, 10_300)).toBe(700);
    expect(refreshDelay(10_000, 11_000)).toBe(0);
    expect(refreshDelay(10_000, 10_100, 5000)).toBe(4900);
  });

  it('reconnects after a failure and polls after repeated ones, until the stream is back', () => {
    let state = INITIAL_STATE;
    for (let i = 1; i < FALLBACK_AFTER_FAILURES; i++) {
      state = streamFailed(state);
      expect(state).toEqual({ mode: 'reconnecting', failures: i });
    }
    state = streamFailed(state);
    expect(state.mode).toBe('polling');
    expect(streamFailed(state).mode).toBe('polling');
    expect(streamReady()).toEqual({ mode: 'live', failures: 0 });
    expect(streamFailed(streamReady())).toEqual({ mode: 'reconnecting', failures: 1 });
  });

  it('names each mode briefly', () => {
    expect(statusText('live', 5000)).toBe('Live');
    expect(statusText('reconnecting', 5000)).toBe('Reconnecting…');
    expect(statusText('polling', 5000)).toBe('Polling every 5 s');
    expect(statusText('connecting', 5000)).toBe('Connecting…');
    expect(statusText('paused', 5000)).toBe('Paused');
  });
});
