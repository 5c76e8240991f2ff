/** The generic JSON webhook body, also the value of the Kafka record. Pure. */
import type { Notification } from '../../ports/notifier.ts';

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
