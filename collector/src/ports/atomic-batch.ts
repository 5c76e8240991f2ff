/**
 * Optional capabilities of an event store beyond `EventWriter` (ports/event-store.ts),
 * found by feature detection so the decorators and `BatchIngester` need no backend names:
 * writing a batch's events and states in one transaction, and repairing states an
 * interrupted batch left behind (SQLite: sqlite-event-store.ts; docs/operations.md,
 * "Crash safety, embedded mode").
 */
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import type { AnalyticsDelta } from '../domain/analytics/analytics-delta.ts';
import type { IngestSummary } from '../domain/ingest/ingest-summary.ts';
import type { InstanceState } from '../domain/instance/instance-state.ts';
import type { EventWriter, WriteResult } from './event-store.ts';

/**
 * Folds the touched instances of a batch: `keys` in first-seen order, `eventsByKey` ALL
 * their stored events (oldest first). Returns the states to write; must not do IO (it
 * runs inside the store's transaction).
 */
export type BatchFold = (
  keys: readonly string[],
  eventsByKey: ReadonlyMap<string, FlowtrailEvent[]>,
) => InstanceState[];

/** An instance a batch touched, with what the store keeps to continue its fold. */
export interface TouchedInstance {
  key: string;
  /**
   * The batch's events of this instance that the store newly inserted: not the copies of
   * stored identities (replays), each identity once. Exactly the events not folded yet.
   */
  inserted: FlowtrailEvent[];
  /** The stored fold summary (parsed JSON; the fold checks it), written with the state. */
  summary: unknown;
  /** `eventCount` of the stored state the summary was written with. */
  stateEventCount: number;
}

/**
 * A state to write, the summary to keep beside it (fold and analytics frontier), and
 * what to add to the pre-aggregated analytics (ports/analytics-store.ts) — all three
 * written together or not at all.
 */
export interface FoldedInstance {
  state: InstanceState;
  summary: IngestSummary;
  analytics: AnalyticsDelta;
}

/**
 * A `BatchFold` that can also continue folds (docs/operations.md, "Why the events index
 * is the source of truth"): called as a function it re-folds everything, as any
 * `BatchFold` (so a writer that does not know summaries still works); a writer that
 * keeps summaries uses `continueFold` and `refold` instead. All are pure and run inside
 * the store's transaction.
 */
export interface IncrementalBatchFold extends BatchFold {
  /**
   * Continues the stored summary with the newly inserted events; `undefined` when it
   * cannot (unusable summary, or an event older than the summary's last): the store then
   * reads all stored events of the instance and calls `refold`. Called only for
   * instances that have a stored summary.
   */
  continueFold(instance: TouchedInstance): FoldedInstance | undefined;
  /**
   * From all stored events (oldest first) and the ones the stored analytics already
   * include (`previous`, a subset; empty when none); `undefined` when the fold failed
   * (the store writes no state, drops the instance's summary and keeps its analytics).
   */
  refold(
    key: string,
    events: readonly FlowtrailEvent[],
    previous: readonly FlowtrailEvent[],
  ): FoldedInstance | undefined;
}

/** Whether a `BatchFold` is also an `IncrementalBatchFold`. */
export function isIncrementalBatchFold(fold: BatchFold): fold is IncrementalBatchFold {
  const candidate = fold as Partial<IncrementalBatchFold>;
  return typeof candidate.continueFold === 'function' && typeof candidate.refold === 'function';
}

/** What `AtomicBatchWriter.writeBatch` stored. */
export interface BatchWriteResult {
  events: WriteResult<FlowtrailEvent>;
  states: WriteResult<InstanceState>;
  /** With an `IncrementalBatchFold`: how many instances were continued and re-folded. */
  folds?: { continued: number; refolded: number };
}

/**
 * Optional capability of an `EventWriter` whose backend has multi-row transactions
 * (SQLite): the events of a batch and the states folded from them commit together, so a
 * crash never leaves states behind their stored events. Without it (Elasticsearch) the
 * three steps run apart and a replay from the uncommitted Kafka offset repairs them.
 */
export interface AtomicBatchWriter {
  /**
   * In one transaction: `writeEvents(events)` (the same identity rules: an identical
   * copy of a stored event is a no-op success, a different one `conflictingDuplicate`),
   * then the stored events of every instance an event that was not rejected belongs to,
   * `fold(keys, eventsByKey)`, and `writeStates` of its result. A throwing `fold` rolls
   * everything back.
   *
   * With an `IncrementalBatchFold` (`isIncrementalBatchFold`): the touched instances'
   * stored summaries are read (by key), each one continued with only its newly inserted
   * events, and only the instances that cannot be continued (or have no summary) are read
   * back and re-folded; states and summaries are written together. A summary is only ever stored with the state folded
   * from exactly the stored events: an instance that got new events but no new state
   * and summary in the same transaction loses its summary (its next batch re-folds).
   */
  writeBatch(events: readonly FlowtrailEvent[], fold: BatchFold): Promise<BatchWriteResult>;
}

/** Whether `writer` (or the decorator chain it ends) offers `AtomicBatchWriter`. */
export function isAtomicBatchWriter<W extends EventWriter>(
  writer: W,
): writer is W & AtomicBatchWriter {
  return typeof (writer as Partial<AtomicBatchWriter>).writeBatch === 'function';
}

/** What `StateRepairer.repairStaleStates` did. */
export interface StateRepairReport {
  /** Instances whose state was compared with their stored events. */
  checked: number;
  /** Of those, instances without a state or whose `eventCount` differs. */
  stale: number;
  /** Stale instances whose re-folded state was written. */
  repaired: number;
}

/**
 * Optional capability of a store that can find, bounded and indexed, the instances whose
 * state disagrees with their stored events (SQLite: the instances of the newest stored
 * events, which are the ones an interrupted batch can have left behind).
 */
export interface StateRepairer {
  /**
   * Checks the instances of the `newestEvents` most recently inserted events; re-folds
   * each stale one with `fold` and writes its state (the `eventCount` rule of
   * `writeStates` applies), all in one transaction.
   */
  repairStaleStates(newestEvents: number, fold: BatchFold): Promise<StateRepairReport>;
}

export function isStateRepairer<S extends object>(store: S): store is S & StateRepairer {
  return typeof (store as Partial<StateRepairer>).repairStaleStates === 'function';
}
