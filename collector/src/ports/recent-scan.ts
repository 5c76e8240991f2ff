/**
 * What both stores check of a recency scan (`EventScanFilter.recent`, event-store.ts)
 * before reading anything: a malformed `since` or a `perProcess` that is not a
 * non-negative integer is a non-retriable `StorageError` (400).
 */
import { StorageError } from '../shared/errors.ts';
import type { RecentScan } from './event-store.ts';

/** Instances whose events are read at once by a recency scan. */
export const RECENT_SCAN_PAGE = 200;

/** `since` in milliseconds, after checking both arguments. */
export function recentScanSinceMs(store: string, recent: RecentScan): number {
  const sinceMs = Date.parse(recent.since);
  if (Number.isNaN(sinceMs)) {
    throw new StorageError(
      `${store} recent scan: invalid since ${JSON.stringify(recent.since)}`,
      false,
      400,
    );
  }
  if (!Number.isInteger(recent.perProcess) || recent.perProcess < 0) {
    throw new StorageError(
      `${store} recent scan: perProcess must be a non-negative integer, got ${recent.perProcess}`,
      false,
      400,
    );
  }
  return sinceMs;
}
