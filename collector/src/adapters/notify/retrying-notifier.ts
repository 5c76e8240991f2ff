/**
 * Wraps any notifier with retries: a failure that `isRetriableNotifyFailure` accepts is
 * retried with exponential backoff and jitter (shared/retry/retry-attempts.ts), honouring a
 * receiver's `Retry-After` up to `maxMs`, at most `maxAttempts` times in all. Unlike the
 * pipeline's retrier it gives up: an alert channel that is down must not hold the others.
 */
import type { Logger } from '../../shared/logger.ts';
import { retryAttempts } from '../../shared/retry/retry-attempts.ts';
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
    const { attempts } = await retryAttempts(() => this.inner.send(notification), {
      ...this.policy,
      isRetriable: isRetriableNotifyFailure,
      // The receiver's `Retry-After` when longer than the backoff (capped at `maxMs`).
      delayFor: (_attempt, err, backoffMs) => {
        const asked = err instanceof NotifyError ? err.details.retryAfterMs : undefined;
        return asked === undefined
          ? backoffMs
          : Math.min(this.policy.maxMs, Math.max(backoffMs, asked));
      },
      onRetry: (attempt, delayMs, err) => {
        counters?.add(this.name, 'retries');
        logger?.warn(
          { channel: this.name, alertId: notification.alertId, attempt, delayMs, err },
          'notification failed; retrying',
        );
      },
      giveUp: (attempt, err) =>
        new NotifyError(
          this.name,
          `gave up after ${attempt} attempt(s): ${(err as Error).message}`,
          true,
          {},
          { cause: err },
        ),
      ...(signal === undefined ? {} : { signal }),
      ...(this.options.random === undefined ? {} : { random: this.options.random }),
      ...(this.options.sleep === undefined ? {} : { sleep: this.options.sleep }),
    });
    if (attempts > 1) {
      logger?.info({ channel: this.name, attempts }, 'notification sent after retries');
    }
  }
}
