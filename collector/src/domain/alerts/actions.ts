/**
 * What people do to alerts from the dashboard or the API: acknowledge ("I am on it") and
 * silence ("quiet until …"). Pure: an alert in, the changed alert (and its status change)
 * or why the action does not apply out.
 *
 * - acknowledge: firing or silenced → acknowledged (a silence ends); acknowledging an
 *   acknowledged alert changes nothing; a resolved alert cannot be acknowledged.
 * - silence: firing, acknowledged or silenced → silenced until `until` (a later silence
 *   replaces the earlier one); on a resolved alert it records the silence without a status
 *   change, so a flapping problem that returns before `until` comes back `silenced`.
 */
import { withHistory, type Alert, type AlertTransition } from './alert.ts';

export type ActionResult =
  | { ok: true; alert: Alert; changed: boolean; transition?: AlertTransition }
  | { ok: false; error: string };

export function acknowledge(alert: Alert, by: string | undefined, now: Date): ActionResult {
  if (alert.status === 'resolved') {
    return { ok: false, error: `alert "${alert.id}" is resolved; nothing to acknowledge` };
  }
  if (alert.status === 'acknowledged') return { ok: true, alert, changed: false };
  const at = now.toISOString();
  const { silencedUntil: _until, silencedBy: _by, acknowledgedBy: _old, ...rest } = alert;
  const next: Alert = {
    ...rest,
    status: 'acknowledged',
    acknowledgedAt: at,
    ...(by === undefined ? {} : { acknowledgedBy: by }),
    history: withHistory(alert.history, {
      at,
      status: 'acknowledged',
      ...(by === undefined ? {} : { note: `acknowledged by ${by}` }),
    }),
  };
  return {
    ok: true,
    alert: next,
    changed: true,
    transition: { alert: next, from: alert.status, to: 'acknowledged' },
  };
}

export function silence(
  alert: Alert,
  until: Date,
  by: string | undefined,
  now: Date,
): ActionResult {
  if (until.getTime() <= now.getTime()) {
    return { ok: false, error: `silence until ${until.toISOString()} is not in the future` };
  }
  const at = now.toISOString();
  const silencedUntil = until.toISOString();
  const status = alert.status === 'resolved' ? 'resolved' : 'silenced';
  const { silencedBy: _by, ...rest } = alert;
  const next: Alert = {
    ...rest,
    status,
    silencedUntil,
    ...(by === undefined ? {} : { silencedBy: by }),
    history: withHistory(alert.history, {
      at,
      status,
      note: `silenced until ${silencedUntil}${by === undefined ? '' : ` by ${by}`}`,
    }),
  };
  return {
    ok: true,
    alert: next,
    changed: true,
    ...(status === alert.status
      ? {}
      : { transition: { alert: next, from: alert.status, to: status } }),
  };
}
