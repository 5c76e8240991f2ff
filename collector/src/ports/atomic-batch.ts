/**
 * Optional capabilities of an event store beyond `EventWriter` (ports/event-store.ts),
 * found by feature detection so the decorators and `BatchIngester` need no backend names:
 * writing a batch's events and states in one transaction, and repairing states an
 * interrupted batch left behind (SQLite: sqlite-event-store.ts; docs/operations.md,
 * "Crash safety, embedded mode").
 */
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
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

/** What `AtomicBatchWriter.writeBatch` stored. */
export interface BatchWriteResult {
  events: WriteResult<FlowtrailEvent>;
  states: WriteResult<InstanceState>;
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
