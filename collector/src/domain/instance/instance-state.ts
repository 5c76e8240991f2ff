/**
 * The instance state (the "dossier" of one run, docs/architecture.md): one JSON document
 * per process instance, folded from its events by `fold.ts`. Stored as-is in Elasticsearch
 * (`flowtrail-instances`, document id = `key`), so it is plain JSON: times are
 * ISO-8601 strings exactly as the events carried them, durations are numbers of
 * milliseconds, absent optional fields are omitted (never `undefined`), arrays never
 * hold `undefined`.
 */
import type { ParentLink } from '@flowtrail/sdk/protocol';

export type InstanceStatus = 'running' | 'waiting' | 'completed' | 'failed' | 'cancelled';

export type TerminalStatus = Extract<InstanceStatus, 'completed' | 'failed' | 'cancelled'>;

export type StepStatus = 'running' | 'waiting' | 'completed' | 'failed';

/** A failure as reported by a `*.failed` event (`data.error`), with where and when. */
export interface FailureInfo {
  message: string;
  code?: string;
  /** Time of the failing event. */
  at: string;
  /** Step that failed; absent for a process failure. */
  step?: string;
}

export interface StepState {
  name: string;
  status: StepStatus;
  /** Owner of the step: `ftowner` of the latest event naming this step and carrying one. */
  owner?: string;
  /** Start of the latest attempt (`step.started`). */
  startedAt?: string;
  /** End of the latest attempt (`step.completed` / `step.failed`). */
  endedAt?: string;
  /** `endedAt - startedAt` of the latest attempt, when both are known (clamped at 0). */
  durationMs?: number;
  /** Number of distinct `step.started` events. */
  attempts: number;
  /** What the step waits for (`data.for`), while waiting. */
  waitingFor?: string;
  /** Time the current wait began, while waiting. */
  waitingSince?: string;
  /** Deadline of the current attempt or wait (`data.deadline`). Kept after the step ends. */
  deadline?: string;
  /** Failure of the latest attempt, when it failed. */
  error?: FailureInfo;
}

/** An open wait: a step in status `waiting` of a non-terminal instance. */
export interface OpenWait {
  step: string;
  for?: string;
  since: string;
  /** The wait's `data.deadline`, else the deadline of the step's current attempt. */
  deadline?: string;
}

export type ExpectationStatus = 'open' | 'fulfilled';

/** "This instance expects `system` to run `process` for it" (docs/events.md). */
export interface ExpectationState {
  id: string;
  system: string;
  process: string;
  registeredAt: string;
  deadline?: string;
  fulfilledAt?: string;
  status: ExpectationStatus;
}

export interface MessageStats {
  /** Number of `message.sent` events. */
  sent: number;
  /** Number of `message.received` events. */
  received: number;
  /** Distinct `messageId`s sent, sorted. */
  sentIds: string[];
  /** Distinct `messageId`s received, sorted. */
  receivedIds: string[];
}

export interface InstanceState {
  /** `instanceKeyOf(event)`: the Kafka partition key and the document id. */
  key: string;
  source: string;
  process: string;
  instance: string;
  status: InstanceStatus;
  /** Number of distinct event ids folded. */
  eventCount: number;
  /** Time of the earliest event (by instant). */
  firstEventAt: string;
  /** Time of the latest event (by instant), also when it came after a terminal event. */
  lastEventAt: string;
  /** Type of the latest event. */
  lastEventType: string;
  /** `process.started` time. */
  startedAt?: string;
  /** Time of the terminal process event. */
  endedAt?: string;
  /** `endedAt - startedAt` when both are known (clamped at 0). */
  durationMs?: number;
  /** Union of every event's `data.businessKeys`; the latest event wins per key. */
  businessKeys: Record<string, string>;
  /** Instance owner: `ftowner` of the latest event carrying one. */
  owner?: string;
  /** Every step seen, in order of first appearance. */
  steps: StepState[];
  /** Names of running or waiting steps; empty once the instance is terminal. */
  currentSteps: string[];
  /** Open waits; empty once the instance is terminal. */
  waits: OpenWait[];
  /** Registered expectations, in order of registration. */
  expectations: ExpectationState[];
  /** `expectation.fulfilled` ids that match no registration (sorted; omitted when none). */
  unmatchedFulfilments?: string[];
  /** Parent instance, when this instance is a subprocess started for another system. */
  parent?: ParentLink;
  /** The instance's own deadline (`data.deadline` of process.started), if it set one. */
  deadline?: string;
  /** Systems involved: own source, message peers, expected systems, parent source. Sorted. */
  systems: string[];
  messages: MessageStats;
  /** Latest failure (step or process). */
  error?: FailureInfo;
  /** Distinct W3C trace ids from `traceparent`, sorted. */
  traceIds: string[];
  /**
   * Earliest deadline among open waits, open expectations and current steps; omitted
   * when there is none or the instance is terminal. Detection queries this field.
   */
  nextDeadline?: string;
  /** Counts of custom (non-`flowtrail.*`) events by type. */
  custom: Record<string, number>;
  /** Space-joined bag of words for free-text search. */
  searchText: string;
}
