/**
 * What the live view does with the collector's push channel (`GET /api/live`), pure:
 * which `change` messages refresh a page, how refreshes are spaced, and when the view
 * gives up on the stream and polls instead. Used by components/live-refresh.tsx; no
 * imports, so collector/test/live/dashboard-live-policy.test.ts can test it.
 */

/** The data of a `change` event (docs/http-api.md). */
export interface LiveChange {
  events: number;
  alerts: number;
  instances: string[];
  truncated: boolean;
}

export type LiveMode = 'connecting' | 'live' | 'reconnecting' | 'polling' | 'paused';

export interface LiveState {
  mode: LiveMode;
  /** Stream errors since the last `ready`. */
  failures: number;
}

/** Stream errors in a row after which the view polls instead (and retries the stream now and then). */
export const FALLBACK_AFTER_FAILURES = 3;

/** At most one refresh per this many milliseconds, however many changes arrive. */
export const MIN_REFRESH_GAP_MS = 1000;

/** How often a polling view tries the stream again. */
export const STREAM_RETRY_MS = 30_000;

export const INITIAL_STATE: LiveState = { mode: 'connecting', failures: 0 };

/** The data of a `change` event, or undefined when it is not one. */
export function parseChange(data: string): LiveChange | undefined {
  try {
    const value = JSON.parse(data) as Partial<LiveChange>;
    if (typeof value.events !== 'number' || typeof value.alerts !== 'number') return undefined;
    return {
      events: value.events,
      alerts: value.alerts,
      instances: Array.isArray(value.instances)
        ? value.instances.filter((k): k is string => typeof k === 'string')
        : [],
      truncated: value.truncated === true || !Array.isArray(value.instances),
    };
  } catch {
    return undefined;
  }
}

/** The numbers of the stores' changes a view has seen (`ready` and `change` carry them). */
export interface Watermark {
  events: number;
  alerts: number;
}

/** Which changes a view cares about: all (default), one instance's, or the alerts'. */
export interface LiveFilter {
  instanceKey?: string;
  alertsOnly?: boolean;
}

/**
 * Whether a view that has seen `seen` refreshes for `change`: never when nothing moved;
 * an alerts view only when the alerts' number moved; an instance view only when the
 * change names its instance or may have touched it (`truncated`: incomplete list); any
 * other view always.
 */
export function concerns(
  change: LiveChange,
  seen: Watermark | undefined,
  filter: LiveFilter = {},
): boolean {
  if (seen !== undefined && change.events === seen.events && change.alerts === seen.alerts) {
    return false;
  }
  if (filter.alertsOnly === true) return seen === undefined || change.alerts !== seen.alerts;
  if (filter.instanceKey === undefined || change.truncated) return true;
  return change.instances.includes(filter.instanceKey);
}

/** The watermark of a `ready` event's data, or undefined when it is not one. */
export function parseWatermark(data: string): Watermark | undefined {
  const change = parseChange(data);
  return change === undefined ? undefined : { events: change.events, alerts: change.alerts };
}

/** Milliseconds to wait before the next refresh, so refreshes are `gapMs` apart. */
export function refreshDelay(
  lastRefreshAt: number,
  now: number,
  gapMs = MIN_REFRESH_GAP_MS,
): number {
  return Math.max(0, lastRefreshAt + gapMs - now);
}

/** The stream is open and the collector sent `ready`. */
export function streamReady(): LiveState {
  return { mode: 'live', failures: 0 };
}

/** The stream failed or ended: reconnect, or poll after too many failures in a row. */
export function streamFailed(state: LiveState): LiveState {
  const failures = state.failures + 1;
  return { mode: failures >= FALLBACK_AFTER_FAILURES ? 'polling' : 'reconnecting', failures };
}

/** The short status shown (and announced politely) next to the page title. */
export function statusText(mode: LiveMode, pollMs: number): string {
  switch (mode) {
    case 'connecting':
      return 'Connecting…';
    case 'live':
      return 'Live';
    case 'reconnecting':
      return 'Reconnecting…';
    case 'polling':
      return `Polling every ${Math.round(pollMs / 1000)} s`;
    case 'paused':
      return 'Paused';
  }
}
