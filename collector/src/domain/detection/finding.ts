/**
 * A finding: one problem a detection rule sees in one process instance (docs/detection.md,
 * docs/definitions.md). Rules are pure functions returning findings; the collector
 * turns them into alerts, timeline entries and escalation steps. Plain JSON.
 */

export type FindingKind =
  | 'stuck'
  | 'missing-subprocess'
  | 'lost-completion'
  | 'orphan'
  | 'duplicate'
  | 'divergence'
  | 'nonconformance';

export const FINDING_KINDS: readonly FindingKind[] = [
  'stuck',
  'missing-subprocess',
  'lost-completion',
  'orphan',
  'duplicate',
  'divergence',
  'nonconformance',
];

export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface Finding {
  kind: FindingKind;
  /** Key of the instance the finding is about (`instanceKey`). */
  instanceKey: string;
  /** Other instances involved (parent, subprocesses); the finding goes on their timelines too. */
  relatedKeys: string[];
  process: string;
  /** System of the instance. */
  source: string;
  step?: string;
  /** Who should act: the step's owner, else the instance's. */
  owner?: string;
  /** ISO time the condition began (e.g. the deadline that passed). */
  since: string;
  /**
   * Until when the condition may still be a message in flight (the stuck rule: a
   * completion sent before the deadline and not delivered yet): its alert is `pending`
   * until then — shown, never escalated or notified — and fires only if the condition
   * still holds. Absent: it fires at once. Not part of the finding's identity.
   */
  pendingUntil?: string;
  /** One human sentence, for alerts and the timeline. */
  summary: string;
  /**
   * Rule-specific facts. Well-known members: `expectationId` (part of the id),
   * `deadline`, `deadlineSource`.
   */
  details: { [key: string]: JsonValue };
}

/**
 * Stable identity of a finding, for deduplication: the same (kind, instance, step,
 * expectation) always gives the same id, whatever `now`, summary or details say.
 * `stuck/shop%2Forder-fulfilment%2Fo-1/step:await-payment`.
 */
export function findingId(finding: Finding): string {
  const parts = [finding.kind, encodeURIComponent(finding.instanceKey)];
  if (finding.step !== undefined) parts.push(`step:${encodeURIComponent(finding.step)}`);
  const expectationId = finding.details.expectationId;
  if (typeof expectationId === 'string') {
    parts.push(`expectation:${encodeURIComponent(expectationId)}`);
  }
  return parts.join('/');
}
