/**
 * The embedded stores' change feed (storage/change-feed.ts): every write of a state or an
 * alert sets the row's `change_seq` to the table's newest + 1 (`nextChangeSeq`, inside
 * the writing statement: writes are serialized by SQLite's write lock, so numbers never
 * repeat), and `readChanges` answers from the `change_seq` index — the newest number is
 * one index lookup, the rows after a number an index range.
 */
import type { Statement } from 'better-sqlite3';
import { StorageError } from '../../shared/errors.ts';
import { changeArgumentProblem, changePage, type ChangePage } from '../../ports/change-feed.ts';

/** A table with a `change_seq` column, and how to read instance keys from its rows. */
export interface ChangeTable {
  table: 'instances' | 'alerts';
  /** Columns selected per changed row. */
  columns: string;
  keysOf: (row: Record<string, unknown>) => string[];
}

export const INSTANCE_CHANGES: ChangeTable = {
  table: 'instances',
  columns: 'key',
  keysOf: (row) => [String(row.key)],
};

export const ALERT_CHANGES: ChangeTable = {
  table: 'alerts',
  columns: "instance_key, json_extract(alert, '$.relatedKeys') AS related",
  keysOf: (row) => {
    const related = typeof row.related === 'string' ? (JSON.parse(row.related) as unknown) : [];
    return [
      String(row.instance_key),
      ...(Array.isArray(related) ? related.filter((k) => typeof k === 'string') : []),
    ];
  },
};

/** SQL expression of the next change number of `table` (use in the writing statement). */
export function nextChangeSeq(table: ChangeTable['table']): string {
  return `(SELECT coalesce(max(change_seq), 0) + 1 FROM ${table})`;
}

/**
 * The change page of `table` (see `ChangePage`), read in one transaction so the newest
 * number and the rows agree. `prepare` compiles (and may cache) a statement.
 */
export function readChanges(
  prepare: (sql: string) => Statement,
  transaction: <T>(fn: () => T) => T,
  table: ChangeTable,
  after: number | undefined,
  limit: number,
): ChangePage {
  const problem = changeArgumentProblem(after, limit);
  if (problem !== undefined) {
    throw new StorageError(`sqlite change feed: ${problem}`, false, 400);
  }
  const newest = prepare(`SELECT coalesce(max(change_seq), 0) AS seq FROM ${table.table}`);
  const since = prepare(
    `SELECT ${table.columns} FROM ${table.table} WHERE change_seq > ? ORDER BY change_seq LIMIT ?`,
  );
  return transaction(() => {
    const { seq } = newest.get() as { seq: number };
    if (after === undefined) return { seq, keys: [], truncated: false };
    const rows = since.all(after, limit + 1) as Record<string, unknown>[];
    return changePage(seq, rows.flatMap(table.keysOf), limit, rows.length > limit);
  });
}
