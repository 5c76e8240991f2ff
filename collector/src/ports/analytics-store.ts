/**
 * The pre-aggregated analytics port (docs/views.md, "Pre-aggregated analytics"): hour
 * buckets per process (domain/analytics/analytics-bucket.ts) kept current at ingest by a
 * store that can (SQLite: in the batch's transaction, batch-transaction.ts). The heat
 * map, bottlenecks and process graph read them (app/queries/), so their cost follows the
 * hours and steps of a process, not its events. Elasticsearch keeps each instance's
 * whole contribution at ingest and sums changed ones into its buckets afterwards
 * (`AnalyticsCompaction`). A store without them does not offer the capability, and the
 * queries fall back to scanning events.
 */
import type { AnalyticsBucket } from '../domain/analytics/analytics-bucket.ts';
import type { WeekView } from '../domain/analytics/week-rollup.ts';

export interface AnalyticsQuery {
  /** Absent: every process (by process, then hour). */
  process?: string;
  /** Hours since the epoch, inclusive; absent: unbounded. */
  fromHour?: number;
  toHour?: number;
}

/** What `catchUpAnalytics` did. */
export interface AnalyticsCatchUpReport {
  /** Instances whose events were compared with what the analytics include. */
  instances: number;
  /** Of those, instances whose analytics changed. */
  changed: number;
}

export interface AnalyticsReader {
  /**
   * The process's buckets in the hour range, by hour; `undefined` when the analytics do
   * not (yet) cover every stored event (a file from before analytics existed, or events
   * stored by a write that does not keep analytics, until `catchUpAnalytics` ran): the
   * caller then scans events instead.
   */
  analyticsBuckets(query: AnalyticsQuery): Promise<AnalyticsBucket[] | undefined>;
}

/**
 * A store that keeps each process's buckets folded onto the hours of a week as they
 * change (domain/analytics/week-rollup.ts), so the heat map and graph merge at most 168
 * buckets per read however long the history is.
 */
export interface AnalyticsWeekReader {
  /** The process's whole history as week slots; `undefined` as for `analyticsBuckets`. */
  analyticsWeek(process: string): Promise<WeekView | undefined>;
}

export interface AnalyticsMaintainer {
  /**
   * Brings the analytics of every stored instance up to its stored events, in pages of
   * `pageSize` instances, each page one short transaction (ingest goes on meanwhile);
   * afterwards `analyticsBuckets` answers. `fromScratch` first empties them.
   */
  catchUpAnalytics(options: {
    pageSize?: number;
    fromScratch?: boolean;
  }): Promise<AnalyticsCatchUpReport>;
}

/**
 * A store whose buckets take in what ingest stored by a separate step (Elasticsearch:
 * es-analytics-compactor.ts), run every few seconds by the collector
 * (main/start-analytics-compaction.ts): the buckets lag ingest by that much.
 */
export interface AnalyticsCompaction {
  /** Takes in the contributions stored so far (at most `maxPages` pages); returns the pages. */
  compactAnalytics(maxPages?: number): Promise<number>;
}

export function isAnalyticsCompaction<S extends object>(
  store: S,
): store is S & AnalyticsCompaction {
  return typeof (store as Partial<AnalyticsCompaction>).compactAnalytics === 'function';
}

export function isAnalyticsReader<S extends object>(store: S): store is S & AnalyticsReader {
  return typeof (store as Partial<AnalyticsReader>).analyticsBuckets === 'function';
}

export function isAnalyticsMaintainer<S extends object>(
  store: S,
): store is S & AnalyticsMaintainer {
  return typeof (store as Partial<AnalyticsMaintainer>).catchUpAnalytics === 'function';
}

export function isAnalyticsWeekReader<S extends object>(
  store: S,
): store is S & AnalyticsWeekReader {
  return typeof (store as Partial<AnalyticsWeekReader>).analyticsWeek === 'function';
}
