/**
 * The alert lifecycle of one sweep, as a pure function: the alerts stored for the swept
 * scope and the findings the rules report now in, the alerts to write and the status
 * changes out.
 *
 * - a new finding fires (`firing`), or is `pending` while its `pendingUntil` is ahead
 *   (a message may be in flight): a pending alert fires once that passed with the finding
 *   still present, and resolves without having fired when the finding goes first;
 * - a finding still present keeps its alert's status (`acknowledged` stays acknowledged,
 *   `silenced` stays silenced until `silencedUntil`, then fires again);
 * - an open alert whose finding is gone resolves (the instance recovered);
 * - a resolved alert whose finding returns fires again (same id, history appended), or
 *   comes back `silenced` while a silence set on it has not expired.
 *
 * `previous` must hold every stored alert of the swept scope that is open, plus the
 * stored alert (any status) of every finding id: an open alert missing from it cannot be
 * resolved, and a finding whose stored alert is missing would be fired as new. Alerts are
 * only rewritten for a status change, a material change of the finding (owner, since,
 * related keys…) or when `lastSeenAt` is older than `refreshAfterMs`, so a sweep over
 * unchanged findings writes little. Applying the same findings twice at the same `now`
 * yields no transitions and no writes (idempotent).
 */
import { findingId, type Finding } from '../detection/finding.ts';
import {
  findingFacts,
  newAlert,
  withHistory,
  type Alert,
  type AlertStatus,
  type AlertTransition,
} from './alert.ts';

/** Default: refresh `lastSeenAt` (and summary, details) at most once a minute. */
export const DEFAULT_REFRESH_AFTER_MS = 60_000;

export interface ReconcileOptions {
  refreshAfterMs?: number;
}

export interface Reconciliation {
  /** Alerts to write, each with the `version` it was read as (0 for new ones). */
  upserts: Alert[];
  /** Status changes among `upserts` (at most one per alert). */
  transitions: AlertTransition[];
}

type Facts = ReturnType<typeof findingFacts>;

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

/** Changes worth a write even before `refreshAfterMs` (not summary/details: they tick). */
function materiallyChanged(alert: Alert, facts: Facts): boolean {
  return (
    alert.owner !== facts.owner ||
    alert.since !== facts.since ||
    alert.source !== facts.source ||
    alert.process !== facts.process ||
    alert.group !== facts.group ||
    !sameList(alert.relatedKeys, facts.relatedKeys)
  );
}

/** The alert with the finding's current facts (owner may have changed, etc.). */
function refreshed(alert: Alert, facts: Facts, now: string): Alert {
  const { step: _step, owner: _owner, ...rest } = alert;
  return { ...rest, ...facts, lastSeenAt: now };
}

function later(a: Alert, b: Alert): Alert {
  return b.version > a.version ? b : a;
}

function silenceActive(alert: Alert, nowMs: number): boolean {
  return alert.silencedUntil !== undefined && Date.parse(alert.silencedUntil) > nowMs;
}

/** Whether the finding may still be a message in flight at `nowMs` (finding.ts). */
function inFlight(finding: Finding, nowMs: number): boolean {
  return finding.pendingUntil !== undefined && Date.parse(finding.pendingUntil) > nowMs;
}

/** A pending alert whose finding outlived its delivery grace. */
function fired(alert: Alert, finding: Finding, now: string): Alert {
  return {
    ...refreshed(alert, findingFacts(finding), now),
    status: 'firing',
    history: withHistory(alert.history, {
      at: now,
      status: 'firing',
      note: `still so after the delivery grace: ${finding.summary}`,
    }),
  };
}

/** A resolved alert whose finding is back. */
function reopened(alert: Alert, finding: Finding, now: string, nowMs: number): Alert {
  const silenced = silenceActive(alert, nowMs);
  const status: AlertStatus = silenced
    ? 'silenced'
    : inFlight(finding, nowMs)
      ? 'pending'
      : 'firing';
  const {
    resolvedAt: _resolvedAt,
    acknowledgedAt: _acknowledgedAt,
    acknowledgedBy: _acknowledgedBy,
    silencedUntil: _silencedUntil,
    silencedBy: _silencedBy,
    ...rest
  } = refreshed(alert, findingFacts(finding), now);
  return {
    ...rest,
    ...(silenced && alert.silencedUntil !== undefined
      ? {
          silencedUntil: alert.silencedUntil,
          ...(alert.silencedBy === undefined ? {} : { silencedBy: alert.silencedBy }),
        }
      : {}),
    status,
    history: withHistory(alert.history, {
      at: now,
      status,
      note: `returned: ${finding.summary}`,
    }),
  };
}

/** A silenced alert whose silence ran out while its finding is still present. */
function silenceExpired(alert: Alert, finding: Finding, now: string): Alert {
  const {
    silencedUntil: _silencedUntil,
    silencedBy: _silencedBy,
    ...rest
  } = refreshed(alert, findingFacts(finding), now);
  return {
    ...rest,
    status: 'firing',
    history: withHistory(alert.history, { at: now, status: 'firing', note: 'silence expired' }),
  };
}

function resolved(alert: Alert, now: string): Alert {
  const note =
    alert.status === 'pending'
      ? 'cleared while pending (within the delivery grace): never fired'
      : 'recovered';
  return {
    ...alert,
    status: 'resolved',
    resolvedAt: now,
    history: withHistory(alert.history, { at: now, status: 'resolved', note }),
  };
}

export function reconcile(
  previous: readonly Alert[],
  findings: readonly Finding[],
  now: Date,
  options: ReconcileOptions = {},
): Reconciliation {
  const nowIso = now.toISOString();
  const nowMs = now.getTime();
  const refreshAfterMs = options.refreshAfterMs ?? DEFAULT_REFRESH_AFTER_MS;
  const stored = new Map<string, Alert>();
  for (const alert of previous) {
    const seen = stored.get(alert.id);
    stored.set(alert.id, seen === undefined ? alert : later(seen, alert));
  }
  const current = new Map<string, Finding>();
  for (const finding of findings) {
    const id = findingId(finding);
    if (!current.has(id)) current.set(id, finding);
  }

  const upserts: Alert[] = [];
  const transitions: AlertTransition[] = [];
  const change = (next: Alert, from: AlertStatus | null): void => {
    upserts.push(next);
    if (from !== next.status) transitions.push({ alert: next, from, to: next.status });
  };

  for (const [id, finding] of current) {
    const alert = stored.get(id);
    if (alert === undefined) {
      change(newAlert(finding, nowIso, inFlight(finding, nowMs)), null);
    } else if (alert.status === 'pending' && !inFlight(finding, nowMs)) {
      change(fired(alert, finding, nowIso), 'pending');
    } else if (alert.status === 'resolved') {
      change(reopened(alert, finding, nowIso, nowMs), 'resolved');
    } else if (alert.status === 'silenced' && !silenceActive(alert, nowMs)) {
      change(silenceExpired(alert, finding, nowIso), 'silenced');
    } else {
      const facts = findingFacts(finding);
      const stale = nowMs - Date.parse(alert.lastSeenAt) > refreshAfterMs;
      if (stale || materiallyChanged(alert, facts)) {
        change(refreshed(alert, facts, nowIso), alert.status);
      }
    }
  }
  for (const alert of stored.values()) {
    if (alert.status !== 'resolved' && !current.has(alert.id)) {
      change(resolved(alert, nowIso), alert.status);
    }
  }
  return { upserts, transitions };
}
