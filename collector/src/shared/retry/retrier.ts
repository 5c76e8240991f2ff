/**
 * Retries operations that fail with a retriable error (see `errors.ts`) with exponential
 * backoff and jitter, forever, until they succeed or the current scope's signal aborts.
 * While waiting it heartbeats (in slices of at most `heartbeatEveryMs`) and tells the
 * scope that storage is unavailable (so the consumer pauses fetching) and, on success,
 * that it recovered. The loop itself is the collector's one retry loop
 * (retry-attempts.ts), run without an attempt limit; this adds the scope, the partial
 * results and the heartbeating wait.
 */
import { isRetriable, RetryAbortedError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { BackoffBounds } from './backoff.ts';
import { abortableSleep, retryAttempts } from './retry-attempts.ts';
import { currentRetryScope } from './retry-scope.ts';

export interface RetrierOptions {
  bounds: BackoffBounds;
  logger: Logger;
  metrics: Metrics;
  heartbeatEveryMs?: number;
  random?: () => number;
}

export class Retrier {
  constructor(private readonly options: RetrierOptions) {}

  /** Runs `fn`; `fn` may return `{ retry: true }`-style partial results via `runUntil`. */
  async run<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    return this.runUntil(operation, fn, () => undefined);
  }

  /**
   * Runs `fn` until it neither throws a retriable error nor returns a result for which
   * `pending(result)` describes work left to retry (e.g. bulk items rejected with 429).
   * `fn` is called with the previous result so it can send only the remaining work.
   */
  async runUntil<T>(
    operation: string,
    fn: (previous: T | undefined) => Promise<T>,
    pending: (result: T) => string | undefined,
  ): Promise<T> {
    const scope = currentRetryScope();
    let previous: T | undefined;
    let lastError: unknown;
    const { value, attempts } = await retryAttempts(
      async () => {
        const result = await fn(previous);
        const left = pending(result);
        if (left === undefined) return result;
        previous = result;
        throw new PendingWork(left);
      },
      {
        ...this.options.bounds,
        maxAttempts: Infinity,
        isRetriable: (err) => err instanceof PendingWork || isRetriable(err),
        ...(scope.signal === undefined ? {} : { signal: scope.signal }),
        giveUp: (_attempt, err) => new RetryAbortedError(operation, { cause: causeOf(err) }),
        onRetry: (attempt, delayMs, err) => {
          lastError = err;
          this.options.metrics.add('retries');
          this.options.logger.warn(
            { operation, attempt, delayMs, problem: (err as Error).message },
            'retriable failure; backing off',
          );
          scope.onUnavailable?.();
        },
        sleep: (ms) => this.wait(ms, operation, causeOf(lastError)),
        ...(this.options.random === undefined ? {} : { random: this.options.random }),
      },
    );
    if (attempts > 1) {
      this.options.logger.info({ operation, attempts }, 'operation succeeded after retries');
      scope.onRecovered?.();
    }
    return value;
  }

  private async wait(ms: number, operation: string, cause: unknown): Promise<void> {
    const scope = currentRetryScope();
    const slice = this.options.heartbeatEveryMs ?? 1000;
    const until = Date.now() + ms;
    for (;;) {
      if (scope.signal?.aborted) throw new RetryAbortedError(operation, { cause });
      await scope.heartbeat?.();
      const left = until - Date.now();
      if (left <= 0) return;
      await abortableSleep(Math.min(left, slice), scope.signal);
    }
  }
}

/** A result with work left (`pending` said what): retried like a retriable error. */
class PendingWork extends Error {}

/** What a retry gave up on: the error thrown, not the marker of work left. */
function causeOf(err: unknown): unknown {
  return err instanceof PendingWork ? undefined : err;
}
