/**
 * Turns a fold accumulator into the clean JSON `InstanceState`: sorted sets, plain
 * objects, optional fields present only when known.
 */
import type { FoldAccumulator } from './fold-accumulator.ts';
import { earliestTime } from './event-order.ts';
import type {
  ExpectationState,
  InstanceState,
  InstanceStatus,
  OpenWait,
  StepState,
} from './instance-state.ts';

function sorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

function recordOf<V>(map: Map<string, V>): Record<string, V> {
  // Object.fromEntries defines own properties, so even a `__proto__` key stays data.
  return Object.fromEntries([...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function projectSteps(acc: FoldAccumulator): StepState[] {
  return [...acc.steps.values()].map((step) => {
    const owner = acc.stepOwners.get(step.name);
    const out: StepState = { ...step };
    if (owner !== undefined) out.owner = owner;
    if (step.error !== undefined) out.error = { ...step.error };
    return out;
  });
}

function projectExpectations(acc: FoldAccumulator): ExpectationState[] {
  return [...acc.expectations.values()].map((registered) => {
    const fulfilledAt = acc.fulfilments.get(registered.id);
    const out: ExpectationState = { ...registered, status: fulfilledAt ? 'fulfilled' : 'open' };
    if (fulfilledAt !== undefined) out.fulfilledAt = fulfilledAt;
    return out;
  });
}

function statusOf(acc: FoldAccumulator, steps: readonly StepState[]): InstanceStatus {
  if (acc.terminal !== undefined) return acc.terminal.status;
  return steps.some((step) => step.status === 'waiting') ? 'waiting' : 'running';
}

function searchTextOf(acc: FoldAccumulator, steps: readonly StepState[]): string {
  const words = [
    ...acc.businessKeys.values(),
    acc.instance,
    acc.process,
    acc.source,
    ...steps.map((step) => step.name),
    ...acc.owners,
    ...acc.errorMessages,
  ];
  return [...new Set(words.filter((word) => word.length > 0))].join(' ');
}

export function projectState(acc: FoldAccumulator): InstanceState {
  const steps = projectSteps(acc);
  const expectations = projectExpectations(acc);
  const status = statusOf(acc, steps);
  const live = acc.terminal === undefined;
  const current = live ? steps.filter((s) => s.status === 'running' || s.status === 'waiting') : [];
  const waits = current
    .filter((step) => step.status === 'waiting')
    .map((step): OpenWait => {
      const wait: OpenWait = { step: step.name, since: step.waitingSince ?? acc.firstEventAt };
      if (step.waitingFor !== undefined) wait.for = step.waitingFor;
      if (step.deadline !== undefined) wait.deadline = step.deadline;
      return wait;
    });
  const systems = [acc.source, ...acc.peers, ...expectations.map((e) => e.system)];
  if (acc.parent !== undefined) systems.push(acc.parent.source);

  const state: InstanceState = {
    key: acc.key,
    source: acc.source,
    process: acc.process,
    instance: acc.instance,
    status,
    eventCount: acc.eventCount,
    firstEventAt: acc.firstEventAt,
    lastEventAt: acc.lastEventAt,
    lastEventType: acc.lastEventType,
    businessKeys: recordOf(acc.businessKeys),
    steps,
    currentSteps: current.map((step) => step.name),
    waits,
    expectations,
    systems: sorted(systems),
    messages: {
      sent: acc.messages.sent,
      received: acc.messages.received,
      sentIds: sorted(acc.messages.sentIds),
      receivedIds: sorted(acc.messages.receivedIds),
    },
    traceIds: sorted(acc.traceIds),
    custom: recordOf(acc.custom),
    searchText: searchTextOf(acc, steps),
  };
  if (acc.startedAt !== undefined) state.startedAt = acc.startedAt;
  if (acc.terminal !== undefined) {
    state.endedAt = acc.terminal.at;
    if (acc.startedAt !== undefined) {
      state.durationMs = Math.max(0, Date.parse(acc.terminal.at) - Date.parse(acc.startedAt));
    }
  }
  if (acc.owner !== undefined) state.owner = acc.owner;
  const unmatched = sorted([...acc.fulfilments.keys()].filter((id) => !acc.expectations.has(id)));
  if (unmatched.length > 0) state.unmatchedFulfilments = unmatched;
  if (acc.parent !== undefined) state.parent = { ...acc.parent };
  if (acc.deadline !== undefined) state.deadline = acc.deadline;
  if (acc.error !== undefined) state.error = { ...acc.error };
  if (live) {
    const nextDeadline = earliestTime([
      ...(acc.deadline !== undefined ? [acc.deadline] : []),
      ...current.flatMap((step) => (step.deadline === undefined ? [] : [step.deadline])),
      ...expectations.flatMap((e) => (e.status === 'open' && e.deadline ? [e.deadline] : [])),
    ]);
    if (nextDeadline !== undefined) state.nextDeadline = nextDeadline;
  }
  return state;
}
