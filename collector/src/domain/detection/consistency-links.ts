/**
 * Which child of a family runs which of the parent's expectations (docs/detection.md). Pure.
 *
 * A child is linked to expectation E when its `parent.expectationId` is E's id. A child
 * without an expectation id (or with one the parent never registered) is linked by
 * target — its source and process equal E's system and process: such children are
 * handed out one per target expectation (in registration order, children by start),
 * preferring expectations without a child yet; extra children go to the last
 * expectation of that target, where they are duplicates. Children that match no
 * expectation at all are `unexpected`.
 */
import type { ExpectationState, InstanceState, StepState } from '../instance/instance-state.ts';
import { instantOf } from '../instance/event-order.ts';

export interface ExpectationLink {
  expectation: ExpectationState;
  /** Children running this expectation, in order of their first event. */
  children: InstanceState[];
}

export interface FamilyLinks {
  links: ExpectationLink[];
  /** Children of a known parent that run none of its expectations. */
  unexpected: InstanceState[];
}

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

export function isTerminal(state: InstanceState): boolean {
  return TERMINAL.has(state.status);
}

/** Failed or cancelled: the instance did not do what it was started for. */
export function isUnsuccessful(state: InstanceState): boolean {
  return state.status === 'failed' || state.status === 'cancelled';
}

/** Order of children: first event (as an instant), then key. */
export function compareByStart(a: InstanceState, b: InstanceState): number {
  return (
    instantOf(a.firstEventAt) - instantOf(b.firstEventAt) ||
    (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
  );
}

function targets(expectation: ExpectationState, child: InstanceState): boolean {
  return child.source === expectation.system && child.process === expectation.process;
}

/** Links the children of `parent` to its expectations. */
export function linkChildren(
  parent: InstanceState,
  children: readonly InstanceState[],
): FamilyLinks {
  const links = parent.expectations.map((expectation) => ({
    expectation,
    children: [] as InstanceState[],
  }));
  const byId = new Map(links.map((link) => [link.expectation.id, link]));
  const unexpected: InstanceState[] = [];
  const byTarget: InstanceState[] = [];
  for (const child of [...children].sort(compareByStart)) {
    const id = child.parent?.expectationId;
    const link = id === undefined ? undefined : byId.get(id);
    if (link !== undefined) link.children.push(child);
    else byTarget.push(child);
  }
  for (const child of byTarget) {
    const candidates = links.filter((link) => targets(link.expectation, child));
    const free = candidates.find((link) => link.children.length === 0);
    const chosen = free ?? candidates.at(-1);
    if (chosen === undefined) unexpected.push(child);
    else chosen.children.push(child);
  }
  for (const link of links) link.children.sort(compareByStart);
  return { links, unexpected };
}

/**
 * The parent's step that waits for an expectation (a heuristic, since events do not
 * name it): the latest-started step whose latest attempt was under way when the
 * expectation was registered, else the first step started within `windowMs` after
 * the registration. Parent times only, so clock skew between systems does not matter.
 */
export function stepForExpectation(
  parent: InstanceState,
  expectation: ExpectationState,
  windowMs: number,
): StepState | undefined {
  const registered = instantOf(expectation.registeredAt);
  const started = parent.steps.filter((step) => step.startedAt !== undefined);
  const startOf = (step: StepState): number => instantOf(step.startedAt as string);
  const covering = started
    .filter((step) => startOf(step) <= registered)
    .filter((step) => step.endedAt === undefined || instantOf(step.endedAt) >= registered)
    .sort((a, b) => startOf(b) - startOf(a));
  if (covering[0] !== undefined) return covering[0];
  return started
    .filter((step) => startOf(step) > registered && startOf(step) <= registered + windowMs)
    .sort((a, b) => startOf(a) - startOf(b))[0];
}
