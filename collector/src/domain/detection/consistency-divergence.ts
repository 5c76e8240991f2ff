/**
 * `divergence`: parent B and child C disagree on C's outcome.
 * - C failed or cancelled, but B went on as if it had succeeded: B completed, or B's
 *   expectation for C is fulfilled and B's step for it completed — unless another child
 *   running the same expectation (or, unlinked, the same system and process) completed,
 *   i.e. a retry succeeded. A failure that B also recorded as one (its step failed, or B
 *   failed) is an agreement, not a divergence.
 * - C completed, but B recorded the step for it as failed (and has not retried it).
 * B's "step for it" is `stepForExpectation`. The condition begins when both sides
 * have recorded their outcome (the later of the two times) and is a finding after the
 * grace. The finding is about C (one per child) and related to B. Pure.
 */
import type { ExpectationState, InstanceState, StepState } from '../instance/instance-state.ts';
import { buildFinding, describeRef } from './consistency-finding.ts';
import type { RuleContext } from './consistency-context.ts';
import { isUnsuccessful, stepForExpectation, type FamilyLinks } from './consistency-links.ts';
import { isDue, latestOf, plusMs } from './consistency-time.ts';
import type { Finding, JsonValue } from './finding.ts';

interface Disagreement {
  /** When B recorded its side. */
  at: string;
  view: string;
  step?: StepState;
}

function successView(
  parent: InstanceState,
  e: ExpectationState | undefined,
  step: StepState | undefined,
): Disagreement | undefined {
  if (parent.status === 'completed' && parent.endedAt !== undefined) {
    return { at: parent.endedAt, view: `${describeRef(parent)} completed as if it had succeeded` };
  }
  if (e?.status === 'fulfilled' && step?.status === 'completed' && step.endedAt !== undefined) {
    return {
      at: step.endedAt,
      view: `${describeRef(parent)} completed its step ${step.name} on it`,
      step,
    };
  }
  return undefined;
}

function disagreement(
  parent: InstanceState,
  child: InstanceState,
  siblings: readonly InstanceState[],
  e: ExpectationState | undefined,
  ctx: RuleContext,
): Disagreement | undefined {
  const step = e === undefined ? undefined : stepForExpectation(parent, e, ctx.graceMs);
  if (isUnsuccessful(child)) {
    if (siblings.some((s) => s !== child && s.status === 'completed')) return undefined;
    return successView(parent, e, step);
  }
  if (child.status === 'completed' && step?.status === 'failed' && step.endedAt !== undefined) {
    return { at: step.endedAt, view: `${describeRef(parent)} failed its step ${step.name}`, step };
  }
  return undefined;
}

/** Children whose outcome their parent contradicts. */
export function detectDivergences(
  parent: InstanceState,
  { links, unexpected }: FamilyLinks,
  ctx: RuleContext,
): Finding[] {
  const cases = [
    ...links.flatMap((link) =>
      link.children.map((child) => ({ child, e: link.expectation, siblings: link.children })),
    ),
    ...unexpected.map((child) => ({
      child,
      e: undefined,
      siblings: unexpected.filter((s) => s.source === child.source && s.process === child.process),
    })),
  ];
  return cases.flatMap(({ child, e, siblings }) => {
    if (child.endedAt === undefined) return [];
    const found = disagreement(parent, child, siblings, e, ctx);
    if (found === undefined) return [];
    const since = plusMs(latestOf(child.endedAt, found.at), ctx.graceMs);
    if (!isDue(since, ctx.now)) return [];
    const details: { [key: string]: JsonValue } = {
      parentKey: parent.key,
      childStatus: child.status,
      parentStatus: parent.status,
    };
    if (e !== undefined) details.expectationId = e.id;
    if (found.step !== undefined) details.parentStep = found.step.name;
    if (child.error !== undefined) details.childError = child.error.message;
    return [
      buildFinding({
        kind: 'divergence',
        subject: child,
        related: [parent.key],
        since,
        summary: `${describeRef(child)} ${child.status} at ${child.endedAt}, but ${found.view}`,
        details,
      }),
    ];
  });
}
