/**
 * An alert: the lifecycle of one finding (detection/finding.ts) over time. Its id is the
 * finding's id, so alerts are deduplicated per (kind, instance, step, expectation) by
 * construction: however often a rule reports the same problem, there is one alert, which
 * fires, may be acknowledged or silenced, resolves when the instance recovers, and fires
 * again (same id, history appended) when the problem returns. Plain JSON; pure.
 */
import { findingId, type Finding, type FindingKind, type JsonValue } from '../detection/finding.ts';

/**
 * `pending`: the condition holds but may still be a message in flight (a finding's
 * `pendingUntil`): shown, never escalated or notified; it fires if the condition outlives
 * the grace, and resolves without having fired if not (Alertmanager's `for:`).
 */
export type AlertStatus = 'pending' | 'firing' | 'acknowledged' | 'silenced' | 'resolved';

export const ALERT_STATUSES: readonly AlertStatus[] = [
  'pending',
  'firing',
  'acknowledged',
  'silenced',
  'resolved',
];

/** Every status but `resolved`: the alert's finding is (as far as we know) still present. */
export const OPEN_STATUSES: readonly AlertStatus[] = [
  'pending',
  'firing',
  'acknowledged',
  'silenced',
];

/** History entries kept per alert (the oldest are dropped first). */
export const MAX_HISTORY = 50;

export interface AlertHistoryEntry {
  /** ISO time of the change. */
  at: string;
  status: AlertStatus;
  note?: string;
}

export interface Alert {
  /** `findingId` of the finding: `stuck/shop%2Forder-fulfilment%2Fo-1/step:await-payment`. */
  id: string;
  kind: FindingKind;
  status: AlertStatus;
  /** System of the instance. */
  source: string;
  process: string;
  /** Instance key (`source/process/instance`) of the instance the finding is about. */
  instance: string;
  step?: string;
  owner?: string;
  /** ISO time the condition began (of the current occurrence). */
  since: string;
  summary: string;
  relatedKeys: string[];
  /** Grouping key for notifications: `kind/process/owner` (`unowned` without owner). */
  group: string;
  /** Rule-specific facts of the latest finding (deadline, expectation…). */
  details: { [key: string]: JsonValue };
  /** ISO times: first firing ever, last sweep that saw the finding, last resolution. */
  firstSeenAt: string;
  lastSeenAt: string;
  resolvedAt?: string;
  acknowledgedBy?: string;
  acknowledgedAt?: string;
  /** While `status` is `silenced` (or a resolved alert was silenced): until when. */
  silencedUntil?: string;
  silencedBy?: string;
  /** Status changes, oldest first, at most `MAX_HISTORY`. */
  history: AlertHistoryEntry[];
  /**
   * Version of the stored document this alert was read as (0: never stored). Stores
   * write conditionally on it and bump it; the pure lifecycle copies it unchanged.
   */
  version: number;
}

/** A status change: `from` is null for an alert seen for the first time. */
export interface AlertTransition {
  alert: Alert;
  from: AlertStatus | null;
  to: AlertStatus;
}

export function isOpen(alert: Pick<Alert, 'status'>): boolean {
  return alert.status !== 'resolved';
}

export function groupOf(kind: FindingKind, process: string, owner: string | undefined): string {
  return `${kind}/${process}/${owner ?? 'unowned'}`;
}

/** Appends an entry, keeping the last `MAX_HISTORY`. */
export function withHistory(
  history: readonly AlertHistoryEntry[],
  entry: AlertHistoryEntry,
): AlertHistoryEntry[] {
  const next = [...history, entry];
  return next.length > MAX_HISTORY ? next.slice(next.length - MAX_HISTORY) : next;
}

/** The finding's facts as alert fields (everything that may change between sweeps). */
export function findingFacts(
  finding: Finding,
): Pick<
  Alert,
  | 'id'
  | 'kind'
  | 'source'
  | 'process'
  | 'instance'
  | 'step'
  | 'owner'
  | 'since'
  | 'summary'
  | 'relatedKeys'
  | 'group'
  | 'details'
> {
  return {
    id: findingId(finding),
    kind: finding.kind,
    source: finding.source,
    process: finding.process,
    instance: finding.instanceKey,
    ...(finding.step === undefined ? {} : { step: finding.step }),
    ...(finding.owner === undefined ? {} : { owner: finding.owner }),
    since: finding.since,
    summary: finding.summary,
    relatedKeys: [...finding.relatedKeys],
    group: groupOf(finding.kind, finding.process, finding.owner),
    details: finding.details,
  };
}

/** A brand-new alert for a finding, firing at `now`. */
/** The alert of a finding seen for the first time: firing, or pending (`pendingUntil`). */
export function newAlert(finding: Finding, now: string, pending = false): Alert {
  const status: AlertStatus = pending ? 'pending' : 'firing';
  const note = pending
    ? `pending until ${finding.pendingUntil ?? now} (may be in flight): ${finding.summary}`
    : finding.summary;
  return {
    ...findingFacts(finding),
    status,
    firstSeenAt: now,
    lastSeenAt: now,
    history: [{ at: now, status, note }],
    version: 0,
  };
}
