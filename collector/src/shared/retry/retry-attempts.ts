/**
 * The bounded retry loop of the collector: runs `op` until it succeeds, fails with an
 * error `isRetriable` refuses, or `maxAttempts` attempts failed — waiting `backoffDelay`
 * (backoff.ts) between attempts, or longer when `delayFor` asks (a receiver's
 * `Retry-After`). Used where giving up is right: an alert channel (adapters/notify/
 * retrying-notifier.ts) and the CLI's sends (tools/cli/send-with-retry.ts). The ingest
 * path never gives up and uses the `Retrier` (retrier.ts) instead, which also pauses the
 * Kafka partition and keeps heartbeating while it waits.
 */
import { backoffDelay, type BackoffBounds } from './backoff.ts';

export interface RetryAttemptsOptions extends BackoffBounds {
  /** Attempts in all, including the first; 1 disables retries. */
  maxAttempts: number;
  isRetriable: (err: unknown) => boolean;
  /** The wait after failed attempt `attempt`, given the backoff; default the backoff. */
  delayFor?: (attempt: number, err: unknown, backoffMs: number) => number;
  /** Called before each wait. */
  onRetry?: (attempt: number, delayMs: number, err: unknown) => void;
  /** The error thrown when retries are used up (default: the last error). */
  giveUp?: (attempts: number, err: unknown) => unknown;
  /** Aborting ends the current wait and gives up. */
  signal?: AbortSignal;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Resolves with `op`'s result and the number of attempts it took. */
export async function retryAttempts<T>(
  op: () => Promise<T>,
  options: RetryAttemptsOptions,
): Promise<{ value: T; attempts: number }> {
  const sleep = options.sleep ?? abortableSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return { value: await op(), attempts: attempt };
    } catch (err) {
      if (!options.isRetriable(err)) throw err;
      if (attempt >= options.maxAttempts || options.signal?.aborted === true) {
        throw options.giveUp === undefined ? err : options.giveUp(attempt, err);
      }
      const backoffMs = backoffDelay(attempt, options, options.random);
      const delayMs = options.delayFor?.(attempt, err, backoffMs) ?? backoffMs;
      options.onRetry?.(attempt, delayMs, err);
      await sleep(delayMs, options.signal);
    }
  }
}

/** Waits `ms`, or less when `signal` aborts first. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
