/** Alert notifiers: one `Notifier` port, pure formatters, sender adapters, wrappers. */
export type {
  Notification,
  NotificationKind,
  NotificationStatus,
  NotificationTransition,
  Notifier,
} from '../../ports/notifier.ts';
export { NotifyError } from '../../ports/notifier.ts';
export { createNotifiers, type NotifierDeps, type Notifiers } from './create-notifiers.ts';
export { parseNotifyConfig, type NotifyConfig } from '../../main/config/notify-config.ts';
export { NotifyCounters, type ChannelCounts } from './notify-counters.ts';
export { FanOutNotifier, type FanOutReport } from './fan-out-notifier.ts';
export { RetryingNotifier, DEFAULT_RETRY_POLICY, type RetryPolicy } from './retrying-notifier.ts';
export { WebhookNotifier, SlackNotifier } from './http-notifiers.ts';
export { EmailNotifier } from './email-notifier.ts';
export { KafkaAlertNotifier, DEFAULT_ALERTS_TOPIC } from '../kafka/notify/kafka-alert-notifier.ts';
export { webhookBody, NOTIFICATION_SCHEMA_VERSION } from './format-webhook.ts';
export { slackBody } from './format-slack.ts';
export { emailContent, emailRecipients, emailSubject } from './format-email.ts';
export { kafkaAlertRecord } from '../kafka/notify/format-kafka.ts';
