/**
 * The mutable working state of one fold. `applyEvent` is called once per distinct
 * event, in `compareEvents` order; `project-state.ts` turns the result into the
 * JSON `InstanceState`. Semantics are documented in `fold.ts`.
 */
import {
  EventTypes,
  isFlowtrailType,
  type FlowtrailEvent,
  type ParentLink,
} from '@flowtrail/sdk/protocol';
import type { FailureInfo, StepState, TerminalStatus } from './instance-state.ts';

export interface ExpectationAcc {
  id: string;
  system: string;
  process: string;
  registeredAt: string;
  deadline?: string;
}

export interface FoldAccumulator {
  key: string;
  source: string;
  process: string;
  instance: string;
  eventCount: number;
  firstEventAt: string;
  lastEventAt: string;
  lastEventType: string;
  startedAt?: string;
  terminal?: { status: TerminalStatus; at: string };
  owner?: string;
  /** Step name → owner, from the latest event naming the step and carrying `ftowner`. */
  stepOwners: Map<string, string>;
  businessKeys: Map<string, string>;
  /** Insertion order = order of first appearance. `owner` is filled at projection. */
  steps: Map<string, StepState>;
  expectations: Map<string, ExpectationAcc>;
  /** Expectation id → time of its first fulfilment. */
  fulfilments: Map<string, string>;
  parent?: ParentLink;
  /** The instance's own deadline: `data.deadline` of the earliest process.started. */
  deadline?: string;
  messages: { sent: number; received: number; sentIds: Set<string>; receivedIds: Set<string> };
  peers: Set<string>;
  error?: FailureInfo;
  errorMessages: Set<string>;
  owners: Set<string>;
  traceIds: Set<string>;
  custom: Map<string, number>;
}

export function createAccumulator(first: FlowtrailEvent, key: string): FoldAccumulator {
  return {
    key,
    source: first.source,
    process: first.ftprocess,
    instance: first.ftinstance,
    eventCount: 0,
    firstEventAt: first.time,
    lastEventAt: first.time,
    lastEventType: first.type,
    stepOwners: new Map(),
    businessKeys: new Map(),
    steps: new Map(),
    expectations: new Map(),
    fulfilments: new Map(),
    messages: { sent: 0, received: 0, sentIds: new Set(), receivedIds: new Set() },
    peers: new Set(),
    errorMessages: new Set(),
    owners: new Set(),
    traceIds: new Set(),
    custom: new Map(),
  };
}

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}/;

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** A non-empty string that parses as a time (deadlines); anything else is ignored. */
function timeStr(value: unknown): string | undefined {
  const text = str(value);
  return text !== undefined && !Number.isNaN(Date.parse(text)) ? text : undefined;
}

function failureOf(event: FlowtrailEvent, fallback: string, step?: string): FailureInfo {
  const raw = event.data?.error;
  const failure: FailureInfo = {
    message: typeof raw?.message === 'string' ? raw.message : fallback,
    at: event.time,
  };
  if (typeof raw?.code === 'string') failure.code = raw.code;
  if (step !== undefined) failure.step = step;
  return failure;
}

function parentOf(value: unknown): ParentLink | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const raw = value as Record<string, unknown>;
  const [source, process, instance] = [str(raw.source), str(raw.process), str(raw.instance)];
  if (source === undefined || process === undefined || instance === undefined) return undefined;
  const parent: ParentLink = { source, process, instance };
  const expectationId = str(raw.expectationId);
  if (expectationId !== undefined) parent.expectationId = expectationId;
  return parent;
}

function stepOf(acc: FoldAccumulator, name: string): StepState {
  let step = acc.steps.get(name);
  if (step === undefined) {
    step = { name, status: 'running', attempts: 0 };
    acc.steps.set(name, step);
  }
  return step;
}

function clearWait(step: StepState): void {
  delete step.waitingFor;
  delete step.waitingSince;
}

function endStep(step: StepState, event: FlowtrailEvent): void {
  step.endedAt = event.time;
  if (step.startedAt !== undefined) {
    step.durationMs = Math.max(0, Date.parse(event.time) - Date.parse(step.startedAt));
  } else delete step.durationMs;
  clearWait(step);
}

function applyStep(acc: FoldAccumulator, event: FlowtrailEvent, name: string): void {
  const step = stepOf(acc, name);
  const deadline = timeStr(event.data?.deadline);
  switch (event.type) {
    case EventTypes.stepStarted:
      step.attempts += 1;
      step.status = 'running';
      step.startedAt = event.time;
      for (const field of ['endedAt', 'durationMs', 'error', 'deadline'] as const)
        delete step[field];
      clearWait(step);
      if (deadline !== undefined) step.deadline = deadline;
      return;
    case EventTypes.stepWaiting: {
      step.status = 'waiting';
      step.waitingSince = event.time;
      const waitingFor = str(event.data?.for);
      if (waitingFor !== undefined) step.waitingFor = waitingFor;
      else delete step.waitingFor;
      if (deadline !== undefined) step.deadline = deadline;
      return;
    }
    case EventTypes.stepCompleted:
      step.status = 'completed';
      delete step.error;
      endStep(step, event);
      return;
    case EventTypes.stepFailed:
      step.status = 'failed';
      step.error = failureOf(event, `step ${name} failed`);
      acc.error = failureOf(event, `step ${name} failed`, name);
      acc.errorMessages.add(acc.error.message);
      endStep(step, event);
      return;
  }
}

function applyTerminal(acc: FoldAccumulator, event: FlowtrailEvent, status: TerminalStatus): void {
  if (status === 'failed') {
    acc.error = failureOf(event, 'process failed');
    acc.errorMessages.add(acc.error.message);
  }
  // The first terminal event ends the instance; later ones do not change the outcome.
  acc.terminal ??= { status, at: event.time };
}

/** Folds one event (already deduplicated, in order) into the accumulator. */
export function applyEvent(acc: FoldAccumulator, event: FlowtrailEvent): void {
  const data = event.data ?? {};
  acc.eventCount += 1;
  acc.lastEventAt = event.time;
  acc.lastEventType = event.type;
  const owner = str(event.ftowner);
  const stepName = str(event.ftstep);
  if (owner !== undefined) {
    acc.owner = owner;
    acc.owners.add(owner);
    if (stepName !== undefined) acc.stepOwners.set(stepName, owner);
  }
  for (const [name, value] of Object.entries(data.businessKeys ?? {})) {
    if (typeof value === 'string') acc.businessKeys.set(name, value);
  }
  const trace = typeof event.traceparent === 'string' ? TRACEPARENT.exec(event.traceparent) : null;
  if (trace?.[1] !== undefined && !/^0+$/.test(trace[1])) acc.traceIds.add(trace[1]);

  switch (event.type) {
    case EventTypes.processStarted:
      acc.startedAt ??= event.time;
      acc.parent ??= parentOf(data.parent);
      acc.deadline ??= timeStr(data.deadline);
      return;
    case EventTypes.processCompleted:
      return applyTerminal(acc, event, 'completed');
    case EventTypes.processFailed:
      return applyTerminal(acc, event, 'failed');
    case EventTypes.processCancelled:
      return applyTerminal(acc, event, 'cancelled');
    case EventTypes.stepStarted:
    case EventTypes.stepWaiting:
    case EventTypes.stepCompleted:
    case EventTypes.stepFailed:
      if (stepName !== undefined) applyStep(acc, event, stepName);
      return;
    case EventTypes.messageSent: {
      acc.messages.sent += 1;
      const [id, to] = [str(data.messageId), str(data.to)];
      if (id !== undefined) acc.messages.sentIds.add(id);
      if (to !== undefined) acc.peers.add(to);
      return;
    }
    case EventTypes.messageReceived: {
      acc.messages.received += 1;
      const [id, from] = [str(data.messageId), str(data.from)];
      if (id !== undefined) acc.messages.receivedIds.add(id);
      if (from !== undefined) acc.peers.add(from);
      return;
    }
    case EventTypes.expectationRegistered:
      return applyRegistration(acc, event);
    case EventTypes.expectationFulfilled: {
      const id = str(data.expectationId);
      if (id !== undefined && !acc.fulfilments.has(id)) acc.fulfilments.set(id, event.time);
      return;
    }
    case EventTypes.ownerAssigned:
      return;
    default:
      if (!isFlowtrailType(event.type)) {
        acc.custom.set(event.type, (acc.custom.get(event.type) ?? 0) + 1);
      }
  }
}

function applyRegistration(acc: FoldAccumulator, event: FlowtrailEvent): void {
  const data = event.data ?? {};
  const [id, system, process] = [str(data.expectationId), str(data.system), str(data.process)];
  if (id === undefined || system === undefined || process === undefined) return;
  const previous = acc.expectations.get(id);
  // A re-registration keeps the first registration time and updates target and deadline.
  const expectation: ExpectationAcc = {
    id,
    system,
    process,
    registeredAt: previous?.registeredAt ?? event.time,
  };
  const deadline = timeStr(data.deadline) ?? previous?.deadline;
  if (deadline !== undefined) expectation.deadline = deadline;
  acc.expectations.set(id, expectation);
}
