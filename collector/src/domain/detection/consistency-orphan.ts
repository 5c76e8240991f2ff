/**
 * `orphan`: a child C still runs (not completed, failed or cancelled) although its
 * parent has ended (completed, failed or cancelled) or is unknown (no event of the
 * parent was seen). The condition begins when both facts hold — the later of the
 * parent's end and C's first event; with an unknown parent, C's first event — and is
 * a finding after the grace. Pure.
 */
import type { InstanceState } from '../instance/instance-state.ts';
import { buildFinding, describeRef } from './consistency-finding.ts';
import type { RuleContext } from './consistency-context.ts';
import { isTerminal } from './consistency-links.ts';
import { isDue, latestOf, plusMs } from './consistency-time.ts';
import type { Family } from './family.ts';
import type { Finding } from './finding.ts';

function orphanOf(family: Family, child: InstanceState, ctx: RuleContext): Finding[] {
  const { parent } = family;
  if (isTerminal(child)) return [];
  if (parent !== undefined && !isTerminal(parent)) return [];
  const began =
    parent?.endedAt === undefined
      ? child.firstEventAt
      : latestOf(parent.endedAt, child.firstEventAt);
  const since = plusMs(began, ctx.graceMs);
  if (!isDue(since, ctx.now)) return [];
  const parentName = describeRef(family.ref);
  const why =
    parent === undefined
      ? `its parent ${parentName} is unknown (no event of it was seen)`
      : `its parent ${parentName} is ${parent.status}${parent.endedAt ? ` since ${parent.endedAt}` : ''}`;
  return [
    buildFinding({
      kind: 'orphan',
      subject: child,
      related: [family.key],
      since,
      summary: `${describeRef(child)} is still ${child.status}, but ${why}`,
      details: {
        parentKey: family.key,
        parentStatus: parent === undefined ? 'unknown' : parent.status,
        ...(child.parent?.expectationId ? { expectationId: child.parent.expectationId } : {}),
      },
    }),
  ];
}

/** Running children of an ended or unknown parent. */
export function detectOrphans(family: Family, ctx: RuleContext): Finding[] {
  return family.children.flatMap((child) => orphanOf(family, child, ctx));
}
