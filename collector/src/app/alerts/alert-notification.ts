/** An alert as a notifier sees it (pure). */
import type { Alert } from '../../domain/alerts/alert.ts';
import type { Notification, NotificationTransition } from '../../ports/notifier.ts';

/**
 * `timelineUrl` is built from a template with `{instance}` (the URL-encoded instance key),
 * e.g. `http://127.0.0.1:3000/instances/{instance}`.
 */
export function notificationOf(
  alert: Alert,
  transition: NotificationTransition,
  at: string,
  timelineTemplate?: string,
  owner: string | undefined = alert.owner,
): Notification {
  return {
    alertId: alert.id,
    kind: alert.kind,
    status: alert.status,
    transition,
    source: alert.source,
    process: alert.process,
    instance: alert.instance,
    ...(alert.step !== undefined ? { step: alert.step } : {}),
    ...(owner !== undefined ? { owner } : {}),
    since: alert.since,
    summary: alert.summary,
    ...(timelineTemplate !== undefined
      ? { timelineUrl: timelineTemplate.replace('{instance}', encodeURIComponent(alert.instance)) }
      : {}),
    waitingMs: Math.max(0, Date.parse(at) - Date.parse(alert.since)),
    at,
  };
}
