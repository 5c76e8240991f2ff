/**
 * Reads and writes of the embedded analytics tables (analytics-schema.ts), inside the
 * caller's transaction: merging a batch's delta into the stored buckets (read, add, write
 * back; an emptied bucket is deleted), the per-instance marks, and the range read of one
 * process's buckets.
 */
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import {
  addBucket,
  emptyBucket,
  isAnalyticsBucket,
  isEmptyBucket,
  type AnalyticsBucket,
} from '../../domain/analytics/analytics-bucket.ts';
import type { AnalyticsDelta } from '../../domain/analytics/analytics-delta.ts';
import type { AnalyticsQuery } from '../../ports/analytics-store.ts';
import type { Prepare } from './sqlite-database.ts';

const READ_BUCKET = 'SELECT bucket FROM analytics_buckets WHERE process = ? AND hour = ?';
const WRITE_BUCKET = `INSERT INTO analytics_buckets (process, hour, bucket) VALUES (?, ?, ?)
  ON CONFLICT (process, hour) DO UPDATE SET bucket = excluded.bucket`;
const DELETE_BUCKET = 'DELETE FROM analytics_buckets WHERE process = ? AND hour = ?';
const RANGE = `SELECT bucket FROM analytics_buckets
  WHERE process = ? AND hour BETWEEN ? AND ? ORDER BY hour`;
const RANGE_ALL = `SELECT bucket FROM analytics_buckets
  WHERE hour BETWEEN ? AND ? ORDER BY process, hour`;
const MARKS = `SELECT instance_key AS key, event_rowid AS mark FROM analytics_marks
  WHERE instance_key IN (SELECT value FROM json_each(?))`;
const WRITE_MARK = `INSERT INTO analytics_marks (instance_key, event_rowid) VALUES (?, ?)
  ON CONFLICT (instance_key) DO UPDATE SET event_rowid = max(event_rowid, excluded.event_rowid)`;
const EVENTS_WITH_ROWIDS = `SELECT instance_key AS key, rowid, event FROM events
  WHERE instance_key IN (SELECT value FROM json_each(?))
  ORDER BY instance_key, time_ms, id`;
const STATUS = 'SELECT complete FROM analytics_status WHERE id = 1';
const SET_STATUS = 'UPDATE analytics_status SET complete = ? WHERE id = 1';

function parseBucket(text: string | undefined): AnalyticsBucket | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isAnalyticsBucket(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Adds the delta to the stored buckets (a damaged stored bucket is replaced). */
export function mergeAnalytics(prepare: Prepare, delta: AnalyticsDelta): void {
  const read = prepare(READ_BUCKET);
  const write = prepare(WRITE_BUCKET);
  for (const change of delta.values()) {
    const row = read.get(change.process, change.hour) as { bucket: string } | undefined;
    const stored = parseBucket(row?.bucket);
    const next = stored ?? emptyBucket(change.process, change.hour);
    addBucket(next, change);
    if (isEmptyBucket(next)) prepare(DELETE_BUCKET).run(change.process, change.hour);
    else write.run(change.process, change.hour, JSON.stringify(next));
  }
}

/** The buckets with `fromHour <= hour <= toHour` (of `query.process`, or all), by process and hour. */
export function readAnalytics(prepare: Prepare, query: AnalyticsQuery): AnalyticsBucket[] {
  const hours = [
    query.fromHour ?? Number.MIN_SAFE_INTEGER,
    query.toHour ?? Number.MAX_SAFE_INTEGER,
  ];
  const rows = (
    query.process === undefined
      ? prepare(RANGE_ALL).all(...hours)
      : prepare(RANGE).all(query.process, ...hours)
  ) as { bucket: string }[];
  const buckets: AnalyticsBucket[] = [];
  for (const row of rows) {
    const bucket = parseBucket(row.bucket);
    if (bucket !== undefined) buckets.push(bucket);
  }
  return buckets;
}

/** The marks of `keys` (instances without one are absent). */
export function readMarks(prepare: Prepare, keys: readonly string[]): Map<string, number> {
  const rows = prepare(MARKS).all(JSON.stringify(keys)) as { key: string; mark: number }[];
  return new Map(rows.map((row) => [row.key, row.mark]));
}

export function writeMark(prepare: Prepare, key: string, rowid: number): void {
  prepare(WRITE_MARK).run(key, rowid);
}

/** An instance's stored events (oldest first) with their rowids. */
export interface RowEvents {
  events: FlowtrailEvent[];
  rowids: number[];
}

export function eventsWithRowids(
  prepare: Prepare,
  keys: readonly string[],
): Map<string, RowEvents> {
  const result = new Map<string, RowEvents>();
  if (keys.length === 0) return result;
  const rows = prepare(EVENTS_WITH_ROWIDS).all(JSON.stringify([...new Set(keys)])) as {
    key: string;
    rowid: number;
    event: string;
  }[];
  for (const row of rows) {
    const entry = result.get(row.key) ?? { events: [], rowids: [] };
    result.set(row.key, entry);
    entry.events.push(JSON.parse(row.event) as FlowtrailEvent);
    entry.rowids.push(row.rowid);
  }
  return result;
}

/** The events of `entry` the analytics include (`rowid <= mark`; none without a mark). */
export function eventsUpTo(entry: RowEvents, mark: number | undefined): FlowtrailEvent[] {
  if (mark === undefined) return [];
  return entry.events.filter((_, i) => (entry.rowids[i] as number) <= mark);
}

export function analyticsComplete(prepare: Prepare): boolean {
  const row = prepare(STATUS).get() as { complete: number } | undefined;
  return row?.complete === 1;
}

export function setAnalyticsComplete(prepare: Prepare, complete: boolean): void {
  prepare(SET_STATUS).run(complete ? 1 : 0);
}
