/**
 * Wraps any notifier with retries: a failure that `isRetriableNotifyFailure` accepts is
 * retried with exponential backoff and jitter (`../retry/backoff.ts`), honouring a
 * receiver's `Retry-After` up to `maxMs`, at most `maxAttempts` times in all. Unlike the
 * pipeline's retrier it gives up: an alert channel that is down must not hold the others.
 */
import type { Logger } from '../../shared/logger.ts';
import { backoffDelay } from '../../shared/retry/backoff.ts';
import { isRetriableNotifyFailure } from './classify.ts';
import type { NotifyCounters } from './notify-counters.ts';
import { NotifyError, type Notification, type Notifier } from '../../ports/notifier.ts';

export interface RetryPolicy {
  /** Attempts in all, including the first; 1 disables retries. */
  maxAttempts: number;
  minMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, minMs: 500, maxMs: 30_000 };

export interface RetryingNotifierOptions {
  policy?: RetryPolicy;
  counters?: NotifyCounters;
  logger?: Logger;
  /** Stops waiting (and retrying) when aborted, e.g. at shutdown. */
  signal?: AbortSignal;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export class RetryingNotifier implements Notifier {
  readonly name: string;
  private readonly policy: RetryPolicy;

  constructor(
    private readonly inner: Notifier,
    private readonly options: RetryingNotifierOptions = {},
  ) {
    this.name = inner.name;
    this.policy = options.policy ?? DEFAULT_RETRY_POLICY;
  }

  async send(notification: Notification): Promise<void> {
    const { counters, logger, signal } = this.options;
    const sleep = this.options.sleep ?? abortableSleep;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.inner.send(notification);
        if (attempt > 1) {
          logger?.info(
            { channel: this.name, attempts: attempt },
            'notification sent after retries',
          );
        }
        return;
      } catch (err) {
        if (!isRetriableNotifyFailure(err)) throw err;
        if (attempt >= this.policy.maxAttempts || signal?.aborted === true) {
          throw new NotifyError(
            this.name,
            `gave up after ${attempt} attempt(s): ${(err as Error).message}`,
            true,
            {},
            { cause: err },
          );
        }
        const delayMs = this.delay(attempt, err);
        counters?.add(this.name, 'retries');
        logger?.warn(
          { channel: this.name, alertId: notification.alertId, attempt, delayMs, err },
          'notification failed; retrying',
        );
        await sleep(delayMs, signal);
      }
    }
  }

  /** Backoff with jitter, or the receiver's `Retry-After` when longer (capped at `maxMs`). */
  private delay(attempt: number, err: unknown): number {
    const backoff = backoffDelay(attempt, this.policy, this.options.random);
    const asked = err instanceof NotifyError ? err.details.retryAfterMs : undefined;
    return asked === undefined ? backoff : Math.min(this.policy.maxMs, Math.max(backoff, asked));
  }
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
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
