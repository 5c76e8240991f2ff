'use client';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState, useTransition } from 'react';
import {
  concerns,
  INITIAL_STATE,
  parseChange,
  parseWatermark,
  refreshDelay,
  statusText,
  STREAM_RETRY_MS,
  streamFailed,
  streamReady,
  type LiveState,
  type Watermark,
} from '@/lib/live-policy';

/**
 * Keeps the page current: listens to the dashboard's `/api/live` (the collector's push
 * channel, proxied) and re-fetches the page's server components when something changed —
 * at most once a second however many changes arrive, and not while the tab is hidden
 * (once when it shows again). With `instanceKey`, only changes of that instance (or an
 * incomplete list) refresh; with `alertsOnly`, only alert changes. `since` is the
 * watermark the page read before its data (`liveWatermark()`): when the stream's first
 * `ready` is past it in a way the view cares about, something changed between the page's
 * reads and the stream's start, and the view refreshes. A reconnect that missed something
 * refreshes too. After repeated stream failures it polls every `intervalMs` and
 * tries the stream again every 30 s. The status is announced politely.
 */
export function LiveRefresh({
  intervalMs,
  instanceKey,
  alertsOnly = false,
  since,
}: {
  intervalMs: number;
  instanceKey?: string;
  alertsOnly?: boolean;
  /** The watermark read before the page's data (`liveWatermark()`). */
  since?: Watermark | undefined;
}) {
  const router = useRouter();
  const [paused, setPaused] = useState(false);
  const [state, setState] = useState<LiveState>(INITIAL_STATE);
  const [pending, startTransition] = useTransition();
  const [last, setLast] = useState('');
  const stateRef = useRef<LiveState>(INITIAL_STATE);
  // The latest page's watermark, read when the stream (re)starts; not a dependency of
  // the stream's effect: a refreshed page must not reopen the stream.
  const sinceRef = useRef(since);
  useEffect(() => {
    sinceRef.current = since;
  }, [since]);

  useEffect(() => {
    if (paused) return;
    let stopped = false;
    let source: EventSource | undefined;
    let seen: Watermark | undefined = sinceRef.current;
    const filter = { ...(instanceKey === undefined ? {} : { instanceKey }), alertsOnly };
    let lastRefreshAt = 0;
    let stale = false;
    let refreshTimer: number | undefined;
    let pollTimer: number | undefined;
    let retryTimer: number | undefined;

    const update = (next: LiveState) => {
      stateRef.current = next;
      setState(next);
    };
    const refreshNow = () => {
      refreshTimer = undefined;
      if (document.visibilityState !== 'visible') {
        stale = true;
        return;
      }
      stale = false;
      lastRefreshAt = Date.now();
      startTransition(() => router.refresh());
      setLast(new Date().toISOString().slice(11, 19));
    };
    const scheduleRefresh = () => {
      if (refreshTimer !== undefined) return; // coalesced into the pending refresh
      refreshTimer = window.setTimeout(refreshNow, refreshDelay(lastRefreshAt, Date.now()));
    };
    const onVisible = () => {
      if (document.visibilityState === 'visible' && stale) scheduleRefresh();
    };
    const startPolling = () => {
      if (pollTimer === undefined) pollTimer = window.setInterval(scheduleRefresh, intervalMs);
    };
    const stopPolling = () => {
      if (pollTimer !== undefined) window.clearInterval(pollTimer);
      pollTimer = undefined;
    };

    const connect = () => {
      retryTimer = undefined;
      if (stopped) return;
      const es = new EventSource('/api/live');
      source = es;
      es.addEventListener('ready', (event) => {
        const current = parseWatermark((event as MessageEvent<string>).data);
        // Something changed since the page read `since`, or since the last event seen
        // before a reconnect: the list of what is unknown, so it counts as incomplete.
        if (current === undefined) scheduleRefresh();
        else if (seen !== undefined) {
          const missed = { ...current, instances: [], truncated: true };
          if (concerns(missed, seen, filter)) scheduleRefresh();
        }
        if (current !== undefined) seen = current;
        stopPolling();
        update(streamReady());
      });
      es.addEventListener('change', (event) => {
        const change = parseChange((event as MessageEvent<string>).data);
        if (change === undefined || concerns(change, seen, filter)) scheduleRefresh();
        if (change !== undefined) seen = { events: change.events, alerts: change.alerts };
      });
      es.onerror = () => {
        if (stopped || source !== es) return;
        const next = streamFailed(stateRef.current);
        update(next);
        if (next.mode === 'polling') {
          es.close(); // no more automatic reconnects: poll, and try the stream now and then
          source = undefined;
          startPolling();
          retryTimer = window.setTimeout(connect, STREAM_RETRY_MS);
        } else if (es.readyState === EventSource.CLOSED) {
          source = undefined;
          retryTimer = window.setTimeout(connect, 2000);
        } // else: EventSource reconnects by itself (after the server's `retry:` delay)
      };
    };

    update(INITIAL_STATE);
    document.addEventListener('visibilitychange', onVisible);
    connect();
    return () => {
      stopped = true;
      source?.close();
      stopPolling();
      document.removeEventListener('visibilitychange', onVisible);
      for (const timer of [refreshTimer, retryTimer]) {
        if (timer !== undefined) window.clearTimeout(timer);
      }
    };
  }, [paused, intervalMs, instanceKey, alertsOnly, router]);

  const mode = paused ? 'paused' : state.mode;
  const on = mode === 'live' || mode === 'polling';
  return (
    <div className="live">
      <span className={`live-dot${on ? ' on' : ''}${pending ? ' pending' : ''}`} aria-hidden />
      <span className="live-text">
        {/* Fixed widths: a new status or time never moves the layout. */}
        <span className="live-status" role="status" aria-live="polite">
          {statusText(mode, intervalMs)}
        </span>{' '}
        <span className="live-time">{last !== '' && !paused ? `· ${last} UTC` : ''}</span>
      </span>
      <button
        type="button"
        className="btn btn-small"
        onClick={() => setPaused((v) => !v)}
        aria-pressed={paused}
      >
        {paused ? 'Resume' : 'Pause'}
      </button>
    </div>
  );
}
