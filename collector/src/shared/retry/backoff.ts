/** Exponential backoff with "equal jitter": half the window fixed, half random. */
export interface BackoffBounds {
  minMs: number;
  maxMs: number;
}

/**
 * Delay before retry number `attempt` (1 for the first retry). The window doubles per
 * attempt from `minMs`, capped at `maxMs`; the delay is drawn from [window/2, window].
 */
export function backoffDelay(
  attempt: number,
  bounds: BackoffBounds,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const window = Math.min(bounds.maxMs, bounds.minMs * 2 ** exponent);
  return Math.round(window / 2 + random() * (window / 2));
}
