/**
 * Delivery counters. Every call that reaches the SDK ends in exactly one bucket:
 * `invalid` (never queued), or `emitted`, which later splits into `sent`, `dropped`
 * (discarded: in-memory queue full, spool full, or after shutdown) and `failed` (given up
 * after retries). Events on the on-disk spool are `pending`; events an earlier process
 * left on it are `recovered` (SpoolStats). So `emitted + recovered = sent + dropped +
 * failed + pending` at all times; without a spool `recovered` is 0.
 */
export interface FlowtrailStats {
  /** Valid events accepted by `emit` (including those dropped because the queue was full). */
  emitted: number;
  /** Events the transport acknowledged (directly or replayed from the spool). */
  sent: number;
  /** Events discarded: queue full, spool full (`spoolDropped`), or emitted after shutdown. */
  dropped: number;
  /** Events given up after the transport failed (retries exhausted or not retriable). */
  failed: number;
  /** Calls that would have produced an invalid event (reported, never sent). */
  invalid: number;
  /** Events queued, in flight or on the spool right now (a gauge, not a counter). */
  pending: number;
}

/** The on-disk spool's counters (all 0 without a `spool` option). */
export interface SpoolStats {
  /** Events written to the spool (a counter). */
  spooled: number;
  /** Events sent from the spool and acknowledged (part of `sent`). */
  replayed: number;
  /** Events found on the spool at start, left there by an earlier process. */
  recovered: number;
  /** Events dropped because the spool was full (part of `dropped`). */
  spoolDropped: number;
  /** Spool disk operations that failed (each also reported as a `SpoolError`). */
  spoolErrors: number;
  /** Events on the spool not yet acknowledged (a gauge, part of `pending`). */
  spoolEvents: number;
  /** Bytes of the spool's segment files (a gauge). */
  spoolBytes: number;
}

/** What `ft.stats()` returns. */
export type DeliveryStats = FlowtrailStats & SpoolStats;

export function emptyStats(): DeliveryStats {
  return {
    emitted: 0,
    sent: 0,
    dropped: 0,
    failed: 0,
    invalid: 0,
    pending: 0,
    spooled: 0,
    replayed: 0,
    recovered: 0,
    spoolDropped: 0,
    spoolErrors: 0,
    spoolEvents: 0,
    spoolBytes: 0,
  };
}
