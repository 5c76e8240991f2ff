/**
 * The transactional writes of the embedded event store (sqlite-event-store.ts), the
 * `AtomicBatchWriter` and `StateRepairer` capabilities of ports/atomic-batch.ts:
 *
 * - `insertEvents`: the events of `writeEvents` and `writeBatch`, by identity (source,
 *   id): inserted when new (`ON CONFLICT DO NOTHING`); when not inserted, the stored row
 *   is read and compared (`sameEventContent`): the same content is a no-op success (a
 *   replay), a different one a `conflictingDuplicate` (409), the stored row untouched.
 *   Both paths share it, so they cannot disagree.
 * - `writeBatch`: events inserted, all events of the touched instances read back, the
 *   caller's pure fold, the states upserted — one `db.transaction`, so a SIGKILL leaves
 *   either the whole batch or none of it (better-sqlite3 is synchronous: nothing else
 *   runs on the connection meanwhile).
 * - `repairStaleStates`: the instances of the newest `n` inserted events (by `rowid`,
 *   which grows with every insert; a copy of a stored identity inserts nothing), their
 *   stored event count (`events_by_instance`) against `instances.event_count` (its key),
 *   then the stale ones re-folded and written in the same transaction. Bounded by `n`,
 *   not by the size of the file: files written before `writeBatch` existed are stale, if
 *   at all, only where the last batches were interrupted.
 */
import type { Statement } from 'better-sqlite3';
import { type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { sameEventContent } from '../../domain/instance/same-event-content.ts';
import type { BatchFold, BatchWriteResult, StateRepairReport } from '../../ports/atomic-batch.ts';
import {
  conflictingDuplicate,
  type ItemFailure,
  type WriteResult,
} from '../../ports/event-store.ts';
import type { SqliteDatabase } from './sqlite-database.ts';
import {
  eventRows,
  INSERT_EVENT,
  stateRows,
  STORED_EVENT,
  UPSERT_STATE,
  type EventRow,
  type Rows,
} from './write-rows.ts';

/** Compiles (or takes from the store's cache) a statement. */
export type Prepare = (sql: string) => Statement;

const EVENTS_OF_INSTANCES = `SELECT instance_key AS key, event FROM events
   WHERE instance_key IN (SELECT value FROM json_each(?))
   ORDER BY instance_key, time_ms, id`;

const RECENT_INSTANCE_COUNTS = `
WITH recent AS (
  SELECT DISTINCT instance_key AS key FROM (
    SELECT instance_key FROM events ORDER BY rowid DESC LIMIT ?))
SELECT recent.key AS key,
       (SELECT COUNT(*) FROM events WHERE events.instance_key = recent.key) AS stored,
       instances.event_count AS counted
  FROM recent LEFT JOIN instances ON instances.key = recent.key
  ORDER BY recent.key`;

/** Every stored event of each key, oldest first; keys without events are absent. */
export function eventsOfInstances(
  prepare: Prepare,
  keys: readonly string[],
): Map<string, FlowtrailEvent[]> {
  const result = new Map<string, FlowtrailEvent[]>();
  if (keys.length === 0) return result;
  const rows = prepare(EVENTS_OF_INSTANCES).all(JSON.stringify([...new Set(keys)])) as {
    key: string;
    event: string;
  }[];
  for (const row of rows) {
    const event = JSON.parse(row.event) as FlowtrailEvent;
    const list = result.get(row.key);
    if (list === undefined) result.set(row.key, [event]);
    else list.push(event);
  }
  return result;
}

/**
 * Inserts the rows (inside the caller's transaction); returns the conflicting duplicates
 * and the instance keys of the rows stored (inserted, or already stored the same).
 */
function insertEvents(
  prepare: Prepare,
  { rows, items }: Rows<EventRow, FlowtrailEvent>,
): { conflicts: ItemFailure<FlowtrailEvent>[]; keys: string[] } {
  const insert = prepare(INSERT_EVENT);
  const conflicts: ItemFailure<FlowtrailEvent>[] = [];
  const keys = new Set<string>();
  rows.forEach((row, i) => {
    const event = items[i] as FlowtrailEvent;
    if (insert.run(row).changes === 0) {
      const stored = prepare(STORED_EVENT).get(row.source, row.id) as { event: string } | undefined;
      // The same text is the common case (a replay); else compare as JSON, key order aside.
      const same =
        stored !== undefined &&
        (stored.event === row.event || sameEventContent(JSON.parse(stored.event), event));
      if (!same) {
        conflicts.push(conflictingDuplicate(event));
        return;
      }
    }
    keys.add(row.instanceKey);
  });
  return { conflicts, keys: [...keys] };
}

/** `writeEvents` of the embedded store: the events of one call in one transaction. */
export function writeEvents(
  db: SqliteDatabase,
  prepare: Prepare,
  events: readonly FlowtrailEvent[],
): WriteResult<FlowtrailEvent> {
  const rows = eventRows(events);
  if (rows.rows.length === 0) return { retriable: [], rejected: rows.rejected };
  const { conflicts } = db.transaction(() => insertEvents(prepare, rows))();
  return { retriable: [], rejected: [...rows.rejected, ...conflicts] };
}

export function writeBatch(
  db: SqliteDatabase,
  prepare: Prepare,
  events: readonly FlowtrailEvent[],
  fold: BatchFold,
): BatchWriteResult {
  const rows = eventRows(events);
  return db.transaction((): BatchWriteResult => {
    const { conflicts, keys } = insertEvents(prepare, rows);
    const states = keys.length === 0 ? [] : fold(keys, eventsOfInstances(prepare, keys));
    return {
      events: { retriable: [], rejected: [...rows.rejected, ...conflicts] },
      states: writeStates(prepare, states),
    };
  })();
}

export function repairStaleStates(
  db: SqliteDatabase,
  prepare: Prepare,
  newestEvents: number,
  fold: BatchFold,
): StateRepairReport {
  return db.transaction((): StateRepairReport => {
    const rows = prepare(RECENT_INSTANCE_COUNTS).all(Math.max(0, Math.floor(newestEvents))) as {
      key: string;
      stored: number;
      counted: number | null;
    }[];
    const keys = rows.filter((row) => row.counted !== row.stored).map((row) => row.key);
    if (keys.length === 0) return { checked: rows.length, stale: 0, repaired: 0 };
    const { rows: stateRowsToWrite } = stateRows(fold(keys, eventsOfInstances(prepare, keys)));
    const upsertState = prepare(UPSERT_STATE);
    let repaired = 0;
    // A row the upsert left alone holds a state folded from more events than are stored
    // (the `eventCount` rule): found stale, not repaired.
    for (const row of stateRowsToWrite) repaired += upsertState.run(row).changes;
    return { checked: rows.length, stale: keys.length, repaired };
  })();
}

/** Upserts states (inside the caller's transaction); invalid ones come back rejected. */
function writeStates(prepare: Prepare, states: ReturnType<BatchFold>): BatchWriteResult['states'] {
  const { rows, rejected } = stateRows(states);
  const upsertState = prepare(UPSERT_STATE);
  for (const row of rows) upsertState.run(row);
  return { retriable: [], rejected };
}
