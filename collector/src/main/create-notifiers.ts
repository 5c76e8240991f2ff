/**
 * Builds the configured channels, each behind `RetryingNotifier`, in one `FanOutNotifier`:
 * webhook, Slack and e-mail when their URL is set, Kafka when a Kafka client is given
 * (Kafka mode; the embedded default has none).
 */
import type { Kafka } from '../adapters/kafka/kafka-client.ts';
import type { Logger } from '../shared/logger.ts';
import { EmailNotifier } from '../adapters/notify/email-notifier.ts';
import { FanOutNotifier } from '../adapters/notify/fan-out-notifier.ts';
import { SlackNotifier, WebhookNotifier } from '../adapters/notify/http-notifiers.ts';
import { KafkaAlertNotifier } from '../adapters/kafka/notify/kafka-alert-notifier.ts';
import type { NotifyConfig } from './config/notify-config.ts';
import { NotifyCounters } from '../adapters/notify/notify-counters.ts';
import type { Notifier } from '../ports/notifier.ts';
import { RetryingNotifier } from '../adapters/notify/retrying-notifier.ts';

export interface NotifierDeps {
  kafka?: Kafka;
  logger?: Logger;
  counters?: NotifyCounters;
  /** Aborting stops retry waits (shutdown). */
  signal?: AbortSignal;
}

export interface Notifiers {
  notifier: FanOutNotifier;
  counters: NotifyCounters;
  /** Channel names, in order, e.g. `['webhook', 'slack', 'email', 'kafka']`. */
  channels: string[];
  close(): Promise<void>;
}

export function createNotifiers(config: NotifyConfig, deps: NotifierDeps = {}): Notifiers {
  const counters = deps.counters ?? new NotifyCounters();
  const logger = deps.logger?.child({ component: 'notify' });
  const channels: Notifier[] = [];
  const closers: (() => Promise<void> | void)[] = [];
  const { timeoutMs } = config;

  if (config.webhook !== undefined) {
    channels.push(new WebhookNotifier({ ...config.webhook, timeoutMs }));
  }
  if (config.slack !== undefined) channels.push(new SlackNotifier({ ...config.slack, timeoutMs }));
  if (config.email !== undefined) {
    const email = new EmailNotifier({ ...config.email, timeoutMs });
    channels.push(email);
    closers.push(() => email.close());
  }
  if (deps.kafka !== undefined) {
    const kafka = new KafkaAlertNotifier(deps.kafka, config.alertsTopic);
    channels.push(kafka);
    closers.push(() => kafka.disconnect());
  }

  const retrying = channels.map(
    (channel) =>
      new RetryingNotifier(channel, {
        policy: config.retry,
        counters,
        ...(logger === undefined ? {} : { logger }),
        ...(deps.signal === undefined ? {} : { signal: deps.signal }),
      }),
  );
  return {
    notifier: new FanOutNotifier(retrying, {
      counters,
      ...(logger === undefined ? {} : { logger }),
    }),
    counters,
    channels: channels.map((c) => c.name),
    async close() {
      for (const close of closers) await close();
    },
  };
}
