/**
 * The persisted fold summary: what the fold accumulator (fold-accumulator.ts) needs to
 * continue folding, as plain JSON, beside the state of an instance. Pure.
 *
 * The fold is a left fold over the instance's distinct events in `compareEvents` order.
 * Continuing it with events that all sort after the last one folded is the same left fold
 * over the same sequence, so it gives exactly `foldInstance` of all events
 * (continued-fold.ts). The summary therefore holds the accumulator (maps as entry lists,
 * sets as lists, in insertion order — steps, expectations, owners and error messages are
 * projected in that order) and the id of the last folded event (its time and type are the
 * accumulator's `lastEventAt` / `lastEventType`). It holds no event ids: its size follows
 * the state's (steps, expectations, message ids, owners, …), not the number of events.
 *
 * Bump `FOLD_SUMMARY_VERSION` whenever the fold's semantics or the accumulator's shape
 * change: a summary of another version is not continued (the caller re-folds and writes
 * a summary of the current version).
 */
import type { ParentLink } from '@flowtrail/sdk/protocol';
import type { ExpectationAcc, FoldAccumulator } from './fold-accumulator.ts';
import type { FailureInfo, StepState, TerminalStatus } from './instance-state.ts';

export const FOLD_SUMMARY_VERSION = 1;

/** `FoldAccumulator` as JSON: maps as `[key, value]` lists, sets as lists (insertion order). */
export interface AccumulatorJson {
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
  stepOwners: [string, string][];
  businessKeys: [string, string][];
  /** The steps in order of first appearance (keyed by `name`). */
  steps: StepState[];
  /** The expectations in order of registration (keyed by `id`). */
  expectations: ExpectationAcc[];
  fulfilments: [string, string][];
  parent?: ParentLink;
  deadline?: string;
  messages: { sent: number; received: number; sentIds: string[]; receivedIds: string[] };
  peers: string[];
  error?: FailureInfo;
  errorMessages: string[];
  owners: string[];
  traceIds: string[];
  custom: [string, number][];
}

export interface FoldSummary {
  v: typeof FOLD_SUMMARY_VERSION;
  /** Id of the last folded event in `compareEvents` order. */
  lastId: string;
  acc: AccumulatorJson;
}

/** A deep copy of a plain JSON value (the summary's parts are JSON). */
function copy<T>(value: T): T {
  return structuredClone(value);
}

/** The summary of an accumulator after its last event `lastId` (a copy: `acc` may go on). */
export function summarize(acc: FoldAccumulator, lastId: string): FoldSummary {
  const json: AccumulatorJson = {
    key: acc.key,
    source: acc.source,
    process: acc.process,
    instance: acc.instance,
    eventCount: acc.eventCount,
    firstEventAt: acc.firstEventAt,
    lastEventAt: acc.lastEventAt,
    lastEventType: acc.lastEventType,
    stepOwners: [...acc.stepOwners],
    businessKeys: [...acc.businessKeys],
    steps: copy([...acc.steps.values()]),
    expectations: copy([...acc.expectations.values()]),
    fulfilments: [...acc.fulfilments],
    messages: {
      sent: acc.messages.sent,
      received: acc.messages.received,
      sentIds: [...acc.messages.sentIds],
      receivedIds: [...acc.messages.receivedIds],
    },
    peers: [...acc.peers],
    errorMessages: [...acc.errorMessages],
    owners: [...acc.owners],
    traceIds: [...acc.traceIds],
    custom: [...acc.custom],
  };
  if (acc.startedAt !== undefined) json.startedAt = acc.startedAt;
  if (acc.terminal !== undefined) json.terminal = { ...acc.terminal };
  if (acc.owner !== undefined) json.owner = acc.owner;
  if (acc.parent !== undefined) json.parent = { ...acc.parent };
  if (acc.deadline !== undefined) json.deadline = acc.deadline;
  if (acc.error !== undefined) json.error = { ...acc.error };
  return { v: FOLD_SUMMARY_VERSION, lastId, acc: json };
}

/** A fresh accumulator from a summary (the summary is not changed by folding on). */
export function restoreAccumulator(summary: FoldSummary): FoldAccumulator {
  const json = copy(summary.acc);
  const acc: FoldAccumulator = {
    key: json.key,
    source: json.source,
    process: json.process,
    instance: json.instance,
    eventCount: json.eventCount,
    firstEventAt: json.firstEventAt,
    lastEventAt: json.lastEventAt,
    lastEventType: json.lastEventType,
    stepOwners: new Map(json.stepOwners),
    businessKeys: new Map(json.businessKeys),
    steps: new Map(json.steps.map((step) => [step.name, step])),
    expectations: new Map(json.expectations.map((expectation) => [expectation.id, expectation])),
    fulfilments: new Map(json.fulfilments),
    messages: {
      sent: json.messages.sent,
      received: json.messages.received,
      sentIds: new Set(json.messages.sentIds),
      receivedIds: new Set(json.messages.receivedIds),
    },
    peers: new Set(json.peers),
    errorMessages: new Set(json.errorMessages),
    owners: new Set(json.owners),
    traceIds: new Set(json.traceIds),
    custom: new Map(json.custom),
  };
  if (json.startedAt !== undefined) acc.startedAt = json.startedAt;
  if (json.terminal !== undefined) acc.terminal = json.terminal;
  if (json.owner !== undefined) acc.owner = json.owner;
  if (json.parent !== undefined) acc.parent = json.parent;
  if (json.deadline !== undefined) acc.deadline = json.deadline;
  if (json.error !== undefined) acc.error = json.error;
  return acc;
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isList = (value: unknown): boolean => Array.isArray(value);

/**
 * Whether a value (e.g. parsed from storage) is a summary of the current version with the
 * expected shape. A summary of another version or a damaged one is not continued.
 */
export function isFoldSummary(value: unknown): value is FoldSummary {
  if (typeof value !== 'object' || value === null) return false;
  const summary = value as Partial<FoldSummary>;
  if (summary.v !== FOLD_SUMMARY_VERSION || !isString(summary.lastId)) return false;
  const acc = summary.acc as Partial<AccumulatorJson> | undefined;
  if (typeof acc !== 'object' || acc === null) return false;
  return (
    [acc.key, acc.source, acc.process, acc.instance].every(isString) &&
    [acc.firstEventAt, acc.lastEventAt, acc.lastEventType].every(isString) &&
    Number.isSafeInteger(acc.eventCount) &&
    (acc.eventCount ?? 0) > 0 &&
    [acc.stepOwners, acc.businessKeys, acc.steps, acc.expectations, acc.fulfilments].every(
      isList,
    ) &&
    [acc.peers, acc.errorMessages, acc.owners, acc.traceIds, acc.custom].every(isList) &&
    typeof acc.messages === 'object' &&
    acc.messages !== null &&
    isList(acc.messages.sentIds) &&
    isList(acc.messages.receivedIds)
  );
}
