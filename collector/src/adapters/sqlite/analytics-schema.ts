/**
 * Tables of the embedded store's pre-aggregated analytics (schema component `analytics`,
 * version 1; ports/analytics-store.ts), in the same file as the events so a batch's
 * events, states and analytics commit in one transaction (batch-transaction.ts):
 *
 * - `analytics_buckets`: one row per (process, hour) holding the JSON of an
 *   `AnalyticsBucket` (domain/analytics/analytics-bucket.ts). Its size follows hours ×
 *   steps, never events.
 * - `analytics_marks`: per instance, the largest event `rowid` the analytics include.
 *   Event rowids only grow, so the events an instance's analytics include are exactly
 *   its events with `rowid <= mark`; a re-fold replaces that contribution by the one of
 *   all its events (`analyticsChange`), also after writes that stored events without
 *   updating the analytics.
 * - `analytics_status`: whether the analytics cover every stored event. A file that had
 *   events before this component existed starts incomplete (reads scan events), and so
 *   does one after a write that stored events without keeping the analytics
 *   (`writeEvents`, a plain `BatchFold`), until `catchUpAnalytics` went through every
 *   instance (`flowtrail analytics rebuild`).
 */
import type { SqliteDatabase } from './sqlite-database.ts';
import { ensureSchema } from './sqlite-database.ts';

export const ANALYTICS_COMPONENT = 'analytics';
export const ANALYTICS_SCHEMA_VERSION = 1;

export const ANALYTICS_DDL = `
CREATE TABLE analytics_buckets (
  process TEXT NOT NULL,
  hour INTEGER NOT NULL,
  bucket TEXT NOT NULL,
  PRIMARY KEY (process, hour)
) WITHOUT ROWID;
CREATE INDEX analytics_buckets_by_hour ON analytics_buckets (hour);
CREATE TABLE analytics_marks (
  instance_key TEXT PRIMARY KEY,
  event_rowid INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE analytics_status (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  complete INTEGER NOT NULL
);
INSERT INTO analytics_status (id, complete)
  SELECT 1, NOT EXISTS (SELECT 1 FROM events);
`;

/** Creates the analytics tables once (after the events table exists). Idempotent. */
export function ensureAnalyticsSchema(db: SqliteDatabase): void {
  ensureSchema(db, ANALYTICS_COMPONENT, ANALYTICS_SCHEMA_VERSION, ANALYTICS_DDL);
}
