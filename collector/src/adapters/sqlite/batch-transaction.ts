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
 *   runs on the connection meanwhile). With an `IncrementalBatchFold` the read-back is
 *   replaced, where possible, by the touched instances' stored fold summaries (a read by
 *   key) continued with only the newly inserted events (the insert reports them: a
 *   replay inserts nothing); only the instances it cannot continue are read back and
 *   re-folded. States and summaries are written together (`UPSERT_FOLDED_STATE`).
 * - The summary rule: a stored summary always describes exactly the instance's stored
 *   events. Whatever inserts events without writing a state and summary in the same
 *   transaction (`writeEvents`, the plain `BatchFold`, a failed fold, a state refused by
 *   the `eventCount` rule) drops the instance's summary; a state written without one
 *   keeps it only for the same `eventCount` (write-rows.ts).
 * - `repairStaleStates`: the instances of the newest `n` inserted events (by `rowid`,
 *   which grows with every insert; a copy of a stored identity inserts nothing), their
 *   stored event count (`events_by_instance`) against `instances.event_count` (its key),
 *   then the stale ones re-folded and written in the same transaction. Bounded by `n`,
 *   not by the size of the file: files written before `writeBatch` existed are stale, if
 *   at all, only where the last batches were interrupted.
 */
import { type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { sameEventContent } from '../../domain/instance/same-event-content.ts';
import {
  isIncrementalBatchFold,
  type BatchFold,
  type BatchWriteResult,
  type FoldedInstance,
  type IncrementalBatchFold,
  type StateRepairReport,
} from '../../ports/atomic-batch.ts';
import type { InstanceState } from '../../domain/instance/instance-state.ts';
import {
  conflictingDuplicate,
  type ItemFailure,
  type WriteResult,
} from '../../ports/event-store.ts';
import type { Prepare, SqliteDatabase } from './sqlite-database.ts';
import { addDelta, emptyDelta } from '../../domain/analytics/analytics-delta.ts';
import {
  eventsUpTo,
  eventsWithRowids,
  mergeAnalytics,
  readMarks,
  setAnalyticsComplete,
  writeMark,
} from './analytics-rows.ts';
import {
  CLEAR_SUMMARIES,
  eventRows,
  INSERT_EVENT,
  STORED_SUMMARIES,
  UPSERT_FOLDED_STATE,
  stateRows,
  STORED_EVENT,
  UPSERT_STATE,
  type EventRow,
  type Rows,
} from './write-rows.ts';
import { StateWriter, upsertStates } from './search-index-writes.ts';
import type { StagedAnalytics } from './analytics-cache.ts';

export type { Prepare } from './sqlite-database.ts';

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

/** What `insertEvents` did. */
interface Inserted {
  conflicts: ItemFailure<FlowtrailEvent>[];
  /** Instance keys of the rows stored (inserted, or already stored the same), first seen first. */
  keys: string[];
  /** The newly inserted events by instance key (replays excluded), in batch order. */
  inserted: Map<string, FlowtrailEvent[]>;
  /** The largest rowid inserted per instance key (rowids only grow). */
  lastRowids: Map<string, number>;
}

/**
 * Inserts the rows (inside the caller's transaction); returns the conflicting duplicates,
 * the instance keys of the rows stored and the events that were new.
 */
function insertEvents(prepare: Prepare, { rows, items }: Rows<EventRow, FlowtrailEvent>): Inserted {
  const insert = prepare(INSERT_EVENT);
  const conflicts: ItemFailure<FlowtrailEvent>[] = [];
  const keys = new Set<string>();
  const inserted = new Map<string, FlowtrailEvent[]>();
  const lastRowids = new Map<string, number>();
  rows.forEach((row, i) => {
    const event = items[i] as FlowtrailEvent;
    const run = insert.run(row);
    if (run.changes === 0) {
      const stored = prepare(STORED_EVENT).get(row.source, row.id) as { event: string } | undefined;
      // The same text is the common case (a replay); else compare as JSON, key order aside.
      const same =
        stored !== undefined &&
        (stored.event === row.event || sameEventContent(JSON.parse(stored.event), event));
      if (!same) {
        conflicts.push(conflictingDuplicate(event));
        return;
      }
    } else {
      const list = inserted.get(row.instanceKey);
      if (list === undefined) inserted.set(row.instanceKey, [event]);
      else list.push(event);
      lastRowids.set(row.instanceKey, Number(run.lastInsertRowid));
    }
    keys.add(row.instanceKey);
  });
  return { conflicts, keys: [...keys], inserted, lastRowids };
}

/** Drops the fold summaries of `keys` (they no longer describe the stored events). */
function clearSummaries(prepare: Prepare, keys: Iterable<string>): void {
  const list = [...keys];
  if (list.length > 0) prepare(CLEAR_SUMMARIES).run(JSON.stringify(list));
}

/**
 * `writeEvents` of the embedded store: the events of one call in one transaction. The
 * instances that got new events lose their fold summaries: whoever writes their states
 * next (without a summary) re-folds from the stored events, and so does their next batch.
 */
export function writeEvents(
  db: SqliteDatabase,
  prepare: Prepare,
  events: readonly FlowtrailEvent[],
): WriteResult<FlowtrailEvent> {
  const rows = eventRows(events);
  if (rows.rows.length === 0) return { retriable: [], rejected: rows.rejected };
  const { conflicts } = db.transaction(() => {
    const result = insertEvents(prepare, rows);
    clearSummaries(prepare, result.inserted.keys());
    // Stored without their analytics: reads scan until `catchUpAnalytics` (analytics-schema.ts).
    if (result.inserted.size > 0) setAnalyticsComplete(prepare, false);
    return result;
  })();
  return { retriable: [], rejected: [...rows.rejected, ...conflicts] };
}

export function writeBatch(
  db: SqliteDatabase,
  prepare: Prepare,
  events: readonly FlowtrailEvent[],
  fold: BatchFold,
  /** Receives the analytics rows written, for the caller to apply once this committed. */
  staged?: StagedAnalytics,
): BatchWriteResult {
  const rows = eventRows(events);
  return db.transaction((): BatchWriteResult => {
    const { conflicts, keys, inserted, lastRowids } = insertEvents(prepare, rows);
    const written: BatchWriteResult['events'] = {
      retriable: [],
      rejected: [...rows.rejected, ...conflicts],
    };
    if (isIncrementalBatchFold(fold)) {
      return {
        events: written,
        ...continueFolds(prepare, { keys, inserted, lastRowids }, fold, staged),
      };
    }
    clearSummaries(prepare, inserted.keys());
    if (inserted.size > 0) setAnalyticsComplete(prepare, false);
    const states = keys.length === 0 ? [] : fold(keys, eventsOfInstances(prepare, keys));
    return { events: written, states: writeStates(prepare, states) };
  })();
}

/** The stored summaries of `keys` (unparseable ones absent) and their states' event counts. */
function storedSummaries(
  prepare: Prepare,
  keys: readonly string[],
): Map<string, { summary: unknown; eventCount: number }> {
  const rows = prepare(STORED_SUMMARIES).all(JSON.stringify(keys)) as {
    key: string;
    eventCount: number;
    summary: string;
  }[];
  const result = new Map<string, { summary: unknown; eventCount: number }>();
  for (const row of rows) {
    try {
      result.set(row.key, {
        summary: JSON.parse(row.summary) as unknown,
        eventCount: row.eventCount,
      });
    } catch {
      // A damaged summary is no summary: the instance is re-folded.
    }
  }
  return result;
}

/**
 * The incremental fold of a batch's touched instances (inside the transaction): continued
 * from their summaries with only their new events, re-folded from all stored events where
 * that is impossible; states written with their summaries. An instance with new events
 * whose state and summary were not both written keeps no summary.
 */
function continueFolds(
  prepare: Prepare,
  { keys, inserted, lastRowids }: Pick<Inserted, 'keys' | 'inserted' | 'lastRowids'>,
  fold: IncrementalBatchFold,
  staged: StagedAnalytics | undefined,
): Pick<BatchWriteResult, 'states' | 'folds'> {
  if (keys.length === 0) {
    return { states: { retriable: [], rejected: [] }, folds: { continued: 0, refolded: 0 } };
  }
  const summaries = storedSummaries(prepare, keys);
  const folded = new Map<string, FoldedInstance>();
  /** The analytics mark each folded instance gets when its state is written. */
  const marks = new Map<string, number>();
  const refold: string[] = [];
  for (const key of keys) {
    const stored = summaries.get(key);
    const result =
      stored === undefined
        ? undefined
        : fold.continueFold({
            key,
            inserted: inserted.get(key) ?? [],
            summary: stored.summary,
            stateEventCount: stored.eventCount,
          });
    if (result === undefined) refold.push(key);
    else {
      folded.set(key, result);
      const mark = lastRowids.get(key);
      if (mark !== undefined) marks.set(key, mark);
    }
  }
  if (refold.length > 0) {
    const stored = eventsWithRowids(prepare, refold);
    const included = readMarks(prepare, refold);
    for (const key of refold) {
      const entry = stored.get(key) ?? { events: [], rowids: [] };
      const result = fold.refold(key, entry.events, eventsUpTo(entry, included.get(key)));
      if (result === undefined) continue;
      folded.set(key, result);
      // Sorted by time, not rowid; no spread (an instance may have 100k+ events).
      const last = entry.rowids.reduce((max, rowid) => Math.max(max, rowid), -1);
      if (last >= 0) marks.set(key, last);
    }
  }
  const writer = new StateWriter(prepare);
  const rejected: ItemFailure<InstanceState>[] = [];
  const fresh = new Set<string>();
  const analytics = emptyDelta();
  for (const key of keys) {
    const result = folded.get(key);
    if (result === undefined) continue;
    const {
      rows: [row],
      rejected: invalid,
    } = stateRows([result.state]);
    for (const failure of invalid) rejected.push(failure);
    if (row === undefined) continue;
    // Not applied: the stored state claims more events (the `eventCount` rule); its
    // summary no longer matches what is stored either, so it is dropped below, and the
    // analytics stay at their mark for the next re-fold to catch up.
    if (
      writer.write(UPSERT_FOLDED_STATE, { ...row, foldSummary: JSON.stringify(result.summary) })
    ) {
      fresh.add(key);
      addDelta(analytics, result.analytics);
      const mark = marks.get(key);
      if (mark !== undefined) writeMark(prepare, key, mark);
    }
  }
  writer.flush();
  mergeAnalytics(prepare, analytics, staged);
  clearSummaries(
    prepare,
    [...inserted.keys()].filter((key) => !fresh.has(key)),
  );
  return {
    states: { retriable: [], rejected },
    folds: { continued: keys.length - refold.length, refolded: refold.length },
  };
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
    // A row the upsert left alone holds a state folded from more events than are stored
    // (the `eventCount` rule): found stale, not repaired.
    const repaired = upsertStates(prepare, UPSERT_STATE, stateRowsToWrite);
    return { checked: rows.length, stale: keys.length, repaired };
  })();
}

/** Upserts states (inside the caller's transaction); invalid ones come back rejected. */
function writeStates(prepare: Prepare, states: ReturnType<BatchFold>): BatchWriteResult['states'] {
  const { rows, rejected } = stateRows(states);
  upsertStates(prepare, UPSERT_STATE, rows);
  return { retriable: [], rejected };
}
