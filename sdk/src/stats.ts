/**
 * Delivery counters. Every call that reaches the SDK ends in exactly one bucket:
 * `invalid` (never queued), or `emitted`, which later splits into `sent`, `dropped`
 * (discarded before export: queue full or after shutdown) and `failed` (given up after
 * retries). So `emitted = sent + dropped + failed + pending` at all times.
 */
export interface FlowtrailStats {
  /** Valid events accepted by `emit` (including those dropped because the queue was full). */
  emitted: number;
  /** Events the transport acknowledged. */
  sent: number;
  /** Events discarded without a send attempt: queue full, or emitted after shutdown. */
  dropped: number;
  /** Events given up after the transport failed (retries exhausted or not retriable). */
  failed: number;
  /** Calls that would have produced an invalid event (reported, never sent). */
  invalid: number;
  /** Events queued or in flight right now (a gauge, not a counter). */
  pending: number;
}

export function emptyStats(): FlowtrailStats {
  return { emitted: 0, sent: 0, dropped: 0, failed: 0, invalid: 0, pending: 0 };
}
