/**
 * Retries operations that fail with a retriable error (see `errors.ts`) with exponential
 * backoff and jitter, forever, until they succeed or the current scope's signal aborts.
 * While waiting it heartbeats (in slices of at most `heartbeatEveryMs`) and tells the
 * scope that storage is unavailable (so the consumer pauses fetching) and, on success,
 * that it recovered. It is the unbounded one of the collector's two retry loops (the
 * bounded one, for notifiers and the CLI, is retry-attempts.ts); both wait `backoffDelay`.
 */
import { isRetriable, RetryAbortedError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import { backoffDelay, type BackoffBounds } from './backoff.ts';
import { abortableSleep } from './retry-attempts.ts';
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
    for (let attempt = 1; ; attempt++) {
      let problem: string;
      let cause: unknown;
      try {
        const result = await fn(previous);
        const left = pending(result);
        if (left === undefined) {
          if (attempt > 1) {
            this.options.logger.info(
              { operation, attempts: attempt },
              'operation succeeded after retries',
            );
            scope.onRecovered?.();
          }
          return result;
        }
        previous = result;
        problem = left;
      } catch (err) {
        if (!isRetriable(err)) throw err;
        problem = (err as Error).message;
        cause = err;
      }
      if (scope.signal?.aborted) throw new RetryAbortedError(operation, { cause });
      const delay = backoffDelay(attempt, this.options.bounds, this.options.random);
      this.options.metrics.add('retries');
      this.options.logger.warn(
        { operation, attempt, delayMs: delay, problem },
        'retriable failure; backing off',
      );
      scope.onUnavailable?.();
      await this.wait(delay, operation, cause);
    }
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
