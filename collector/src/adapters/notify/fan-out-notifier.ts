/**
 * Sends one notification to every channel at once. A channel that fails (after its own
 * retries, when wrapped in `RetryingNotifier`) is reported and counted but never keeps
 * the others from delivering. Counts `sent` and `failed` per channel.
 */
import type { Logger } from '../../shared/logger.ts';
import type { NotifyCounters } from './notify-counters.ts';
import { NotifyError, type Notification, type Notifier } from '../../ports/notifier.ts';

export interface ChannelFailure {
  channel: string;
  error: Error;
}

export interface FanOutReport {
  sent: string[];
  failed: ChannelFailure[];
}

export interface FanOutOptions {
  counters?: NotifyCounters;
  logger?: Logger;
}

export class FanOutNotifier implements Notifier {
  readonly name = 'fan-out';

  constructor(
    readonly channels: readonly Notifier[],
    private readonly options: FanOutOptions = {},
  ) {}

  /**
   * Sends to every channel, or to the channels named in `only` (e.g. the alert's route);
   * a name no channel has is reported as failed. Never throws.
   */
  async deliver(notification: Notification, only?: readonly string[]): Promise<FanOutReport> {
    const chosen =
      only === undefined ? this.channels : this.channels.filter((c) => only.includes(c.name));
    const results = await Promise.allSettled(chosen.map((c) => c.send(notification)));
    const report: FanOutReport = { sent: [], failed: [] };
    results.forEach((result, i) => {
      const channel = chosen[i]?.name ?? `#${i}`;
      if (result.status === 'fulfilled') {
        report.sent.push(channel);
        this.options.counters?.add(channel, 'sent');
      } else {
        const error =
          result.reason instanceof Error ? result.reason : new Error(String(result.reason));
        this.fail(report, channel, error, notification);
      }
    });
    for (const name of only ?? []) {
      if (!this.channels.some((c) => c.name === name)) {
        this.fail(
          report,
          name,
          new NotifyError(name, 'no such channel is configured', false),
          notification,
        );
      }
    }
    return report;
  }

  private fail(report: FanOutReport, channel: string, error: Error, n: Notification): void {
    report.failed.push({ channel, error });
    this.options.counters?.add(channel, 'failed');
    this.options.logger?.error(
      { channel, alertId: n.alertId, transition: n.transition, err: error },
      'notification not delivered',
    );
  }

  /**
   * The `Notifier` port: throws a non-retriable `NotifyError` naming the failed channels
   * once every channel was tried (retrying the fan-out would repeat the successful ones).
   */
  async send(notification: Notification): Promise<void> {
    const { failed } = await this.deliver(notification);
    if (failed.length === 0) return;
    throw new NotifyError(
      this.name,
      failed.map((f) => f.error.message).join('; '),
      false,
      {},
      { cause: new AggregateError(failed.map((f) => f.error)) },
    );
  }
}
