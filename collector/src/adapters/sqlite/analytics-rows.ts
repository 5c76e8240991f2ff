/**
 * Reads and writes of the embedded analytics tables (analytics-schema.ts), inside the
 * caller's transaction: merging a batch's delta into the stored buckets (read, add, write
 * back; an emptied bucket is deleted; with the rows written recorded for the cache),
 * the per-instance marks, the status (complete, generation), and the range read of
 * buckets — one process's through the cache of parsed buckets (analytics-cache.ts).
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
import { WeekRollup, type WeekView } from '../../domain/analytics/week-rollup.ts';
import type { AnalyticsQuery } from '../../ports/analytics-store.ts';
import type { Prepare } from './sqlite-database.ts';
import type { AnalyticsCache, StagedAnalytics } from './analytics-cache.ts';

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
const PROCESS_ROWS = 'SELECT hour, bucket FROM analytics_buckets WHERE process = ? ORDER BY hour';
const STATUS = 'SELECT complete, generation FROM analytics_status WHERE id = 1';
const SET_STATUS = 'UPDATE analytics_status SET complete = ? WHERE id = 1';

export function parseBucket(text: string | undefined): AnalyticsBucket | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isAnalyticsBucket(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Adds the delta to the stored buckets (a damaged stored bucket is replaced). With
 * `staged`, records the rows written and the generation before and after (for the cache,
 * analytics-cache.ts, once the caller's transaction committed).
 */
export function mergeAnalytics(
  prepare: Prepare,
  delta: AnalyticsDelta,
  staged?: StagedAnalytics,
): void {
  if (delta.size === 0) return;
  const read = prepare(READ_BUCKET);
  const write = prepare(WRITE_BUCKET);
  if (staged !== undefined) staged.before ??= readStatus(prepare).generation;
  for (const change of delta.values()) {
    const row = read.get(change.process, change.hour) as { bucket: string } | undefined;
    const stored = parseBucket(row?.bucket);
    const next = stored ?? emptyBucket(change.process, change.hour);
    addBucket(next, change);
    const text = isEmptyBucket(next) ? undefined : JSON.stringify(next);
    if (text === undefined) prepare(DELETE_BUCKET).run(change.process, change.hour);
    else write.run(change.process, change.hour, text);
    staged?.writes.push({ process: change.process, hour: change.hour, text });
  }
  if (staged !== undefined) staged.after = readStatus(prepare).generation;
}

/**
 * What `lookup` finds in `cache` for `process` at the current generation, the cache
 * filled from all the process's rows first when it does not hold them; `readThrough()`
 * when they exceed the cache's bound; undefined while the analytics are incomplete.
 * Inside the caller's read transaction (status and rows of one snapshot).
 */
function throughCache<T>(
  prepare: Prepare,
  cache: AnalyticsCache,
  process: string,
  lookup: (generation: number) => T | undefined,
  readThrough: () => T,
): T | undefined {
  const { complete, generation } = readStatus(prepare);
  if (!complete) return undefined;
  const cached = lookup(generation);
  if (cached !== undefined) return cached;
  const rows = prepare(PROCESS_ROWS).all(process) as { hour: number; bucket: string }[];
  cache.fill(process, generation, rows);
  return lookup(generation) ?? readThrough();
}

/**
 * `analyticsBuckets` of the store: one process's buckets through `cache`
 * (`throughCache`); every process's read through.
 */
export function cachedAnalytics(
  prepare: Prepare,
  cache: AnalyticsCache,
  query: AnalyticsQuery,
): AnalyticsBucket[] | undefined {
  const { process } = query;
  if (process === undefined) {
    return readStatus(prepare).complete ? readAnalytics(prepare, query) : undefined;
  }
  const from = query.fromHour ?? Number.MIN_SAFE_INTEGER;
  const to = query.toHour ?? Number.MAX_SAFE_INTEGER;
  return throughCache(
    prepare,
    cache,
    process,
    (generation) => cache.read(process, generation, from, to),
    () => readAnalytics(prepare, query),
  );
}

/** `analyticsWeek` of the store: the process's week rollup through `cache` (`throughCache`). */
export function cachedWeek(
  prepare: Prepare,
  cache: AnalyticsCache,
  process: string,
): WeekView | undefined {
  return throughCache(
    prepare,
    cache,
    process,
    (generation) => cache.week(process, generation),
    () => WeekRollup.of(process, readAnalytics(prepare, { process })).view(),
  );
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

/** Whether the analytics cover every stored event, and the generation of the bucket rows. */
export function readStatus(prepare: Prepare): { complete: boolean; generation: number } {
  const row = prepare(STATUS).get() as { complete: number; generation: number } | undefined;
  return { complete: row?.complete === 1, generation: row?.generation ?? 0 };
}

export function analyticsComplete(prepare: Prepare): boolean {
  return readStatus(prepare).complete;
}

export function setAnalyticsComplete(prepare: Prepare, complete: boolean): void {
  prepare(SET_STATUS).run(complete ? 1 : 0);
}
