/**
 * SQL of the embedded store's `DetectionReader` (sqlite-event-store.ts), with the
 * semantics of the Elasticsearch store (elasticsearch/es-detection-queries.ts). Every
 * query is answered from an index (event-store-schema.ts); none reads every open instance.
 */
import type { InstanceState } from '../../domain/instance/instance-state.ts';
import type { ChangedWindowPage, ChangedWindowQuery } from '../../ports/changed-window.ts';
import { detectionArguments } from '../../ports/detection-arguments.ts';
import { NON_TERMINAL } from './event-store-schema.ts';

/**
 * Overdue (params: now ms, limit): a range on `instances_overdue`, already in the order
 * returned, so it stops after `limit` rows.
 */
export const OVERDUE_SQL = `
SELECT state FROM instances
WHERE next_deadline_ms <= ? AND ${NON_TERMINAL}
ORDER BY next_deadline_ms, key LIMIT ?`;

/**
 * Changed since (params: since ms, after key, limit): the range on `instances_recent`
 * (covering: last_event_ms, key, seq), its top `limit` keys after the cursor (a bounded
 * sort), then the page's states. `INDEXED BY`: without statistics SQLite would rather walk
 * the whole key index (already in key order), reading every instance, while a sweep asks
 * for a short recent window out of many instances.
 */
export const CHANGED_SINCE_SQL = `
SELECT state FROM instances WHERE seq IN (
  SELECT seq FROM instances INDEXED BY instances_recent
  WHERE last_event_ms >= ? AND key > ? ORDER BY key LIMIT ?)
ORDER BY key`;

/**
 * Changed between (params: since ms, until ms, cursor ms, cursor key, limit): the range on
 * `instances_recent` scanned backwards — oldest `last_event_ms` first, ties by key
 * descending, the index's own order read in reverse, so it stops after `limit` rows (no
 * sort of the range) — after the cursor, then the page's states.
 */
const CHANGED_BETWEEN_SQL = `
SELECT last_event_ms, state FROM instances WHERE seq IN (
  SELECT seq FROM instances INDEXED BY instances_recent
  WHERE last_event_ms >= ? AND last_event_ms < ? AND (last_event_ms > ? OR key < ?)
  ORDER BY last_event_ms, key DESC LIMIT ?)
ORDER BY last_event_ms, key DESC`;

/** The statement of `instancesChangedBetween` (arguments validated: a 400 when malformed). */
export function changedBetweenStatement(query: ChangedWindowQuery): {
  sql: string;
  params: (string | number)[];
} {
  const sinceMs = instantArgument('since', query.since);
  const untilMs = instantArgument('until', query.until);
  const limit = limitArgument(query.limit, 1);
  const after = query.after;
  // No cursor: every row of the range is past it (the key test is never reached).
  const afterMs = after === undefined ? sinceMs - 1 : instantArgument('after', after.lastEventAt);
  const fromMs = Math.max(sinceMs, afterMs);
  const afterKey = after?.key ?? '';
  return { sql: CHANGED_BETWEEN_SQL, params: [fromMs, untilMs, afterMs, afterKey, limit] };
}

/** A page of `instancesChangedBetween` from its rows (`limit` rows: a cursor to go on). */
export function changedBetweenPage(
  rows: readonly { last_event_ms: number; state: string }[],
  limit: number,
): ChangedWindowPage {
  const instances = rows.map((row) => JSON.parse(row.state) as InstanceState);
  const last = rows.length === limit ? rows[limit - 1] : undefined;
  if (last === undefined) return { instances };
  const key = instances[limit - 1]?.key ?? '';
  return { instances, next: { lastEventAt: new Date(last.last_event_ms).toISOString(), key } };
}

/** Children (params: parent key twice): `instances_by_parent`, in key order. */
export const CHILDREN_SQL = `
SELECT state FROM instances WHERE parent_key = ? AND key <> ? ORDER BY key`;

/** States by key (param: JSON array of keys). */
export const BY_KEYS_SQL = `
SELECT key, state FROM instances WHERE key IN (SELECT value FROM json_each(?))`;

/**
 * Open keys (params: [process,] after key, limit): a range on the covering partial index
 * over the open rows (`instances_open` / `instances_open_by_process`, schema version 4),
 * already in key order, so terminal instances are never read. `INDEXED BY` for the same
 * reason as above: the key index is in order too, but holds every instance.
 */
export function openKeysStatement(
  process: string | undefined,
  after: string,
  limit: number,
): { sql: string; params: (string | number)[] } {
  if (process === undefined) {
    return {
      sql: `SELECT key FROM instances INDEXED BY instances_open
            WHERE key > ? AND ${NON_TERMINAL} ORDER BY key LIMIT ?`,
      params: [after, limit],
    };
  }
  return {
    sql: `SELECT key FROM instances INDEXED BY instances_open_by_process
          WHERE process = ? AND key > ? AND ${NON_TERMINAL} ORDER BY key LIMIT ?`,
    params: [process, after, limit],
  };
}

export const { instantArgument, limitArgument } = detectionArguments('sqlite');
