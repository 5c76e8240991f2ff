/**
 * The escalation ladder (docs/detection-runtime.md): rungs — re-trigger, notify the owner,
 * escalate, compensate or fail — each due a delay after the finding began (its `since`).
 * Pure: which rungs are due given the ones already taken and `now`. Each rung is taken once
 * per alert episode; what was taken is recorded (on the alert's history) by the caller.
 *
 * Without a definition (or a definition without `escalation`), the default ladder is:
 * re-trigger at once for the kinds that have a resend remedy (missing-subprocess,
 * lost-completion), then notify the owner — so a lost message is repaired without a
 * human, and a person hears of every finding.
 */
import { parseDuration } from '@flowtrail/sdk/protocol';
import type { EscalationAction } from '../definitions/definition-schema.ts';
import type { FindingKind } from '../detection/finding.ts';

export interface Rung {
  action: EscalationAction;
  afterMs: number;
  /** Team for `escalate`. */
  to?: string;
}

export interface DueRung {
  /** Stable id of the rung within the ladder: `<index>:<action>`. */
  id: string;
  rung: Rung;
  /** When it became due (ISO). */
  dueAt: string;
}

const RESENDABLE: ReadonlySet<FindingKind> = new Set(['missing-subprocess', 'lost-completion']);

export function defaultLadder(kind: FindingKind): Rung[] {
  return [
    ...(RESENDABLE.has(kind) ? [{ action: 're-trigger' as const, afterMs: 0 }] : []),
    { action: 'notify-owner', afterMs: 0 },
  ];
}

/** Rungs of a definition's `escalation` (durations already validated by the schema). */
export function ladderOf(
  escalation: readonly { action: EscalationAction; after: string; to?: string }[] | undefined,
  kind: FindingKind,
): Rung[] {
  if (escalation === undefined || escalation.length === 0) return defaultLadder(kind);
  return escalation.map((rung) => {
    const parsed = parseDuration(rung.after);
    return {
      action: rung.action,
      afterMs: parsed.ok ? parsed.ms : 0,
      ...(rung.to !== undefined ? { to: rung.to } : {}),
    };
  });
}

export function rungId(index: number, rung: Rung): string {
  return `${index}:${rung.action}`;
}

/** Rungs due at `now` (strictly: `since + after <= now`) and not yet taken, in ladder order. */
export function dueRungs(
  ladder: readonly Rung[],
  since: string,
  taken: ReadonlySet<string>,
  now: string,
): DueRung[] {
  const start = Date.parse(since);
  const at = Date.parse(now);
  const due: DueRung[] = [];
  ladder.forEach((rung, index) => {
    const id = rungId(index, rung);
    const dueMs = start + rung.afterMs;
    if (!taken.has(id) && dueMs <= at) {
      due.push({ id, rung, dueAt: new Date(dueMs).toISOString() });
    }
  });
  return due;
}

/** When the next rung not yet taken becomes due, if any (for scheduling the next sweep). */
export function nextRungAt(
  ladder: readonly Rung[],
  since: string,
  taken: ReadonlySet<string>,
): string | undefined {
  const start = Date.parse(since);
  const pending = ladder
    .map((rung, index) => ({ id: rungId(index, rung), at: start + rung.afterMs }))
    .filter((r) => !taken.has(r.id))
    .map((r) => r.at);
  return pending.length === 0
    ? undefined
    : new Date(pending.reduce((a, b) => Math.min(a, b))).toISOString();
}
