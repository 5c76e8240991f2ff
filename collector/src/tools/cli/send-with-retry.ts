/**
 * Retries a send whose error says `retriable` (the SDK's TransportError does), with the
 * collector's bounded retry loop (shared/retry/retry-attempts.ts: exponential backoff,
 * equal jitter); gives up after `attempts` and rethrows the last error.
 */
import { retryAttempts } from '../../shared/retry/retry-attempts.ts';

export async function sendWithRetry(
  send: () => Promise<void>,
  attempts = 8,
  baseMs = 200,
  maxMs = 10_000,
): Promise<void> {
  await retryAttempts(send, {
    maxAttempts: attempts,
    minMs: baseMs,
    maxMs,
    isRetriable: (err) => (err as { retriable?: unknown } | null)?.retriable === true,
  });
}
