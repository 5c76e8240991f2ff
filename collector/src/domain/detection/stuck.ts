/**
 * The stuck rule (docs/definitions.md, "Deadline precedence"): a step or wait past its
 * effective deadline with no progress, an instance past its own deadline, or an open
 * expectation past its deadline. Deadlines and progress are defined in `stuck-deadlines.ts`.
 *
 * Boundary: stuck only when `now` is STRICTLY after the deadline — at the deadline
 * instant itself the step is still on time (a deadline is the last moment allowed).
 * Terminal instances are never stuck. Pure: no clock, `now` is given.
 */
import { instanceKey } from '@flowtrail/sdk/protocol';
import type { JsonValue, Finding } from './finding.ts';
import {
  effectiveDeadlines,
  type DeadlineContext,
  type EffectiveDeadline,
  type StuckInput,
} from './stuck-deadlines.ts';
import { stuckSummary } from './stuck-summary.ts';
import { learnedKey } from './learned-deadlines.ts';

export { effectiveNextDeadline, type StuckInput } from './stuck-deadlines.ts';

export interface StuckContext extends DeadlineContext {
  /** ISO time of the check. */
  now: string;
  /**
   * The delivery grace (ms): how long after a deadline the completion may still be in
   * flight. A finding is `pendingUntil` deadline + grace unless the instance's own events
   * show that nothing older is in flight: an event of the instance timed after the
   * deadline arrived, and the instance's events arrive in order (one Kafka partition per
   * instance key, one SDK queue per system). Absent or 0: findings fire at once.
   */
  deliveryGraceMs?: number;
}

function ownerOf(state: StuckInput, ctx: DeadlineContext, deadline: EffectiveDeadline) {
  if (deadline.target === 'step') {
    const defined = ctx.definition?.steps.find((s) => s.name === deadline.step.name);
    const owner = deadline.step.owner ?? defined?.owner;
    if (owner !== undefined) return owner;
  }
  return state.owner ?? ctx.definition?.owner;
}

function detailsOf(
  state: StuckInput,
  ctx: DeadlineContext,
  deadline: EffectiveDeadline,
  nowMs: number,
): Finding['details'] {
  const details: Record<string, JsonValue> = {
    target: deadline.target === 'step' && deadline.phase === 'waiting' ? 'wait' : deadline.target,
    deadline: deadline.deadline,
    deadlineSource: deadline.source,
    overdueMs: nowMs - deadline.deadlineMs,
    status: state.status,
  };
  if (deadline.source === 'definition' && ctx.definition !== undefined) {
    details.definitionVersion = ctx.definition.version;
  }
  if (deadline.target === 'step') {
    const { step } = deadline;
    if (step.startedAt !== undefined) details.startedAt = step.startedAt;
    if (step.waitingSince !== undefined) details.waitingSince = step.waitingSince;
    if (step.waitingFor !== undefined) details.waitingFor = step.waitingFor;
    details.attempts = step.attempts;
    const learned = ctx.learned?.get(learnedKey(state.process, step.name));
    if (deadline.source === 'learned' && learned !== undefined) {
      details.learnedSamples =
        deadline.phase === 'waiting' && learned.waitDeadlineMs !== undefined
          ? learned.waitSamples
          : learned.durationSamples;
    }
  } else if (deadline.target === 'expectation') {
    const { expectation } = deadline;
    details.expectationId = expectation.id;
    details.system = expectation.system;
    details.expectedProcess = expectation.process;
    details.registeredAt = expectation.registeredAt;
  }
  return details;
}

/** Stuck findings of one instance at `ctx.now`, in state order. */
export function detectStuck(state: StuckInput, ctx: StuckContext): Finding[] {
  const nowMs = Date.parse(ctx.now);
  if (Number.isNaN(nowMs)) throw new Error(`detectStuck: invalid now ${JSON.stringify(ctx.now)}`);
  const relatedKeys = state.parent === undefined ? [] : [instanceKey(state.parent)];
  return effectiveDeadlines(state, ctx)
    .filter((deadline) => nowMs > deadline.deadlineMs)
    .map((deadline) => {
      const owner = ownerOf(state, ctx, deadline);
      const version = deadline.source === 'definition' ? ctx.definition?.version : undefined;
      const finding: Finding = {
        kind: 'stuck',
        instanceKey: state.key,
        relatedKeys: [...relatedKeys],
        process: state.process,
        source: state.source,
        since: deadline.deadline,
        summary: stuckSummary(state, deadline, owner, nowMs, version),
        details: detailsOf(state, ctx, deadline, nowMs),
      };
      if (deadline.target === 'step') finding.step = deadline.step.name;
      if (owner !== undefined) finding.owner = owner;
      const graceMs = ctx.deliveryGraceMs ?? 0;
      const seenAfter = Date.parse(state.lastEventAt) > deadline.deadlineMs;
      if (graceMs > 0 && !seenAfter) {
        finding.pendingUntil = new Date(deadline.deadlineMs + graceMs).toISOString();
      }
      return finding;
    });
}
