/**
 * The two halves of the consistency seeker (docs/detection.md) that watch expectations,
 * per open expectation of a running parent B (a parent that has ended waits for nothing):
 * - `missing-subprocess`: no child of B runs the expectation by its deadline + grace
 *   (the deadline of the registration, else registeredAt + the definition's deadline,
 *   else registeredAt) → ask B to resend the start.
 * - `lost-completion`: a child C that runs it has completed, yet the expectation is
 *   still open at C's end + grace → ask C to resend its completion.
 * Pure.
 */
import type { ExpectationState, InstanceState } from '../instance/instance-state.ts';
import { buildFinding, describeRef } from './consistency-finding.ts';
import type { RuleContext } from './consistency-context.ts';
import { isTerminal, stepForExpectation, type ExpectationLink } from './consistency-links.ts';
import { isDue, plusMs } from './consistency-time.ts';
import type { Finding, JsonValue } from './finding.ts';

interface Deadline {
  at: string;
  source: 'event' | 'definition' | 'registration';
}

function deadlineOf(parent: InstanceState, e: ExpectationState, ctx: RuleContext): Deadline {
  if (e.deadline !== undefined) return { at: e.deadline, source: 'event' };
  const expected = ctx
    .definitionOf(parent.process, parent.source)
    ?.expectations?.find(
      (x) => x.system === e.system && x.process === e.process && x.deadlineMs !== undefined,
    );
  if (expected?.deadlineMs !== undefined) {
    return { at: plusMs(e.registeredAt, expected.deadlineMs), source: 'definition' };
  }
  return { at: e.registeredAt, source: 'registration' };
}

function expectationJson(e: ExpectationState): { [key: string]: JsonValue } {
  return { expectationId: e.id, system: e.system, process: e.process };
}

function missing(parent: InstanceState, link: ExpectationLink, ctx: RuleContext): Finding[] {
  const e = link.expectation;
  if (link.children.length > 0) return [];
  const deadline = deadlineOf(parent, e, ctx);
  const since = plusMs(deadline.at, ctx.graceMs);
  if (!isDue(since, ctx.now)) return [];
  const step = stepForExpectation(parent, e, ctx.graceMs);
  return [
    buildFinding({
      kind: 'missing-subprocess',
      subject: parent,
      ...(step === undefined ? {} : { step: step.name }),
      since,
      summary:
        `${describeRef(parent)} expects ${e.system} to run ${e.process} (expectation ${e.id}), ` +
        `but no such subprocess started by ${deadline.at} — asking ${parent.source} to resend the start`,
      details: {
        ...expectationJson(e),
        registeredAt: e.registeredAt,
        deadline: deadline.at,
        deadlineSource: deadline.source,
        resend: {
          system: parent.source,
          what: 'start',
          instanceKey: parent.key,
          expectationId: e.id,
        },
      },
    }),
  ];
}

function lost(parent: InstanceState, link: ExpectationLink, ctx: RuleContext): Finding[] {
  const e = link.expectation;
  return link.children
    .filter((child) => child.status === 'completed' && child.endedAt !== undefined)
    .flatMap((child) => {
      const since = plusMs(child.endedAt as string, ctx.graceMs);
      if (!isDue(since, ctx.now)) return [];
      return [
        buildFinding({
          kind: 'lost-completion',
          subject: child,
          related: [parent.key],
          since,
          summary:
            `${describeRef(child)} completed at ${child.endedAt}, but ${describeRef(parent)} ` +
            `still waits for it (expectation ${e.id}) — asking ${child.source} to resend the completion`,
          details: {
            ...expectationJson(e),
            parentKey: parent.key,
            completedAt: child.endedAt as string,
            resend: {
              system: child.source,
              what: 'completion',
              instanceKey: child.key,
              expectationId: e.id,
            },
          },
        }),
      ];
    });
}

/** Missing subprocesses and lost completions of one parent's expectations. */
export function detectExpectationFindings(
  parent: InstanceState,
  links: readonly ExpectationLink[],
  ctx: RuleContext,
): Finding[] {
  if (isTerminal(parent)) return [];
  return links
    .filter((link) => link.expectation.status === 'open')
    .flatMap((link) => [...missing(parent, link, ctx), ...lost(parent, link, ctx)]);
}
