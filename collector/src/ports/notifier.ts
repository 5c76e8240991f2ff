/**
 * What a notifier needs to know about one alert transition. Deliberately structural and
 * independent of the alert model (`../alerts/`): the alert engine maps its `Alert` to a
 * `Notification` when an alert fires, resolves, is acknowledged, silenced or escalated.
 * Plain JSON: every notifier sends these fields (plus a schema version) as they are.
 */

export type NotificationKind =
  | 'stuck'
  | 'missing-subprocess'
  | 'lost-completion'
  | 'orphan'
  | 'duplicate'
  | 'divergence'
  | 'nonconformance';

export type NotificationStatus = 'pending' | 'firing' | 'acknowledged' | 'silenced' | 'resolved';

/** What just happened to the alert; `status` is the alert's status after it. */
export type NotificationTransition =
  'fired' | 'resolved' | 'acknowledged' | 'silenced' | 'escalated';

export interface Notification {
  alertId: string;
  kind: NotificationKind;
  status: NotificationStatus;
  transition: NotificationTransition;
  /** System of the instance. */
  source: string;
  process: string;
  /** Instance key (`source/process/instance`) or business key, as the alert names it. */
  instance: string;
  step?: string;
  /** Team or person responsible; routes e-mail (`FLOWTRAIL_NOTIFY_ROUTES`). */
  owner?: string;
  /** ISO time the condition began. */
  since: string;
  /** One human sentence. */
  summary: string;
  /** Dashboard timeline of the instance, when the collector knows its public URL. */
  timelineUrl?: string;
  /** How long the instance has waited; derived from `at - since` when absent. */
  waitingMs?: number;
  /** ISO time of this transition. */
  at: string;
}

/** The JSON every channel sends (webhook body, Kafka record value). Pure. */
/** Bumped on any incompatible change of the body; additions keep the version. */
export const NOTIFICATION_SCHEMA_VERSION = 1;

export interface WebhookBody extends Notification {
  schemaVersion: typeof NOTIFICATION_SCHEMA_VERSION;
}

/** The notification's fields in a fixed order, absent optional fields omitted. */
export function webhookBody(n: Notification): WebhookBody {
  return {
    schemaVersion: NOTIFICATION_SCHEMA_VERSION,
    alertId: n.alertId,
    kind: n.kind,
    status: n.status,
    transition: n.transition,
    source: n.source,
    process: n.process,
    instance: n.instance,
    ...(n.step === undefined ? {} : { step: n.step }),
    ...(n.owner === undefined ? {} : { owner: n.owner }),
    since: n.since,
    ...(n.waitingMs === undefined ? {} : { waitingMs: n.waitingMs }),
    summary: n.summary,
    ...(n.timelineUrl === undefined ? {} : { timelineUrl: n.timelineUrl }),
    at: n.at,
  };
}

/** The one port every channel implements. `send` resolves once the channel accepted it. */
export interface Notifier {
  readonly name: string;
  send(notification: Notification): Promise<void>;
}

/**
 * Thrown by notifiers. `retriable` says whether sending the same notification again may
 * succeed (network error, timeout, HTTP 429/5xx, SMTP 4xx, retriable Kafka error); the
 * retry wrapper decides from it alone, never from messages. Messages name the channel,
 * never its URL (a Slack webhook URL is a secret).
 */
export class NotifyError extends Error {
  constructor(
    readonly channel: string,
    message: string,
    readonly retriable: boolean,
    readonly details: { statusCode?: number; smtpCode?: number; retryAfterMs?: number } = {},
    options?: { cause?: unknown },
  ) {
    super(`${channel}: ${message}`, options);
    this.name = 'NotifyError';
  }
}
