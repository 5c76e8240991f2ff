/**
 * The live channel's model, pure: a watermark is the pair of the stores' newest change
 * numbers (storage/change-feed.ts) — `events` for the instance states (every stored
 * event re-folds its instance, so new events move it), `alerts` for the alerts. A change
 * message tells clients that the watermark moved and, when known, which instances moved
 * it. The watermark is also the SSE event id (`<events>-<alerts>`), so a client that
 * reconnects with `Last-Event-ID` learns whether it missed anything.
 */
import type { ChangePage } from '../../ports/change-feed.ts';

export interface Watermark {
  events: number;
  alerts: number;
}

/** The data of a `change` event. */
export interface LiveChange extends Watermark {
  /**
   * Keys of the instances whose state or alerts (an alert's instance and related keys)
   * changed since the previous message, oldest change first, at most the configured
   * number (100 by default).
   */
  instances: string[];
  /**
   * True when `instances` is not the complete list — more instances changed, or the
   * store went back (wiped) or the client missed messages: then anything may have changed.
   */
  truncated: boolean;
}

/** Default and upper bound of the keys one change message lists. */
export const DEFAULT_MAX_CHANGE_KEYS = 100;

export const NO_CHANGES: ChangePage = { seq: 0, keys: [], truncated: false };

export function sameWatermark(a: Watermark, b: Watermark): boolean {
  return a.events === b.events && a.alerts === b.alerts;
}

/**
 * The change from `previous` to the watermark of the two pages (each read after the
 * matching number of `previous`), or undefined when nothing moved. A number that went
 * back means the store was wiped: the message lists nothing and says `truncated`.
 */
export function nextChange(
  previous: Watermark,
  instances: ChangePage,
  alerts: ChangePage,
  maxKeys: number,
): LiveChange | undefined {
  const current = { events: instances.seq, alerts: alerts.seq };
  if (sameWatermark(previous, current)) return undefined;
  if (current.events < previous.events || current.alerts < previous.alerts) {
    return { ...current, instances: [], truncated: true };
  }
  const keys = [...new Set([...instances.keys, ...alerts.keys])];
  return {
    ...current,
    instances: keys.slice(0, maxKeys),
    truncated: instances.truncated || alerts.truncated || keys.length > maxKeys,
  };
}

/** The SSE event id of a watermark. */
export function watermarkId(watermark: Watermark): string {
  return `${watermark.events}-${watermark.alerts}`;
}

/** The watermark of an SSE event id (`Last-Event-ID`), or undefined when it is not one. */
export function parseWatermarkId(id: string | undefined): Watermark | undefined {
  const match = /^(\d{1,15})-(\d{1,15})$/.exec(id?.trim() ?? '');
  if (match === null) return undefined;
  return { events: Number(match[1]), alerts: Number(match[2]) };
}

/**
 * What a client that reconnects having seen `lastSeen` missed until `current`: a change
 * without keys (anything may have changed), or undefined when it missed nothing or is new.
 */
export function missedChange(
  lastSeen: Watermark | undefined,
  current: Watermark,
): LiveChange | undefined {
  if (lastSeen === undefined || sameWatermark(lastSeen, current)) return undefined;
  return { ...current, instances: [], truncated: true };
}
