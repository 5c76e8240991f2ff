/**
 * What the notifiers are configured with (read from the environment by
 * main/config/notify-config.ts). A channel is on when its URL is set.
 */
import type { RetryPolicy } from './retrying-notifier.ts';

export interface NotifyConfig {
  webhook?: { url: string; headers: Record<string, string> };
  slack?: { url: string };
  email?: { smtpUrl: string; from: string; to: string[]; routes: Record<string, string> };
  /** Kafka mode only (the embedded default has no Kafka). */
  alertsTopic: string;
  /** Per request (HTTP) or per SMTP stage. */
  timeoutMs: number;
  retry: RetryPolicy;
}
