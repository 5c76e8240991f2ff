/**
 * Tables of the embedded store's pre-aggregated analytics (schema component `analytics`,
 * version 2; ports/analytics-store.ts), in the same file as the events so a batch's
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
 * - `analytics_status.generation` (version 2): bumped by triggers on every insert, update
 *   and delete of a bucket row, by whichever connection or process writes it (a rebuild
 *   from the CLI beside a running collector): the in-process cache of parsed buckets
 *   (analytics-cache.ts) is valid exactly while the generation is the one it was filled
 *   or last updated at. `migrateAnalyticsSchema` upgrades a version-1 file in place.
 */
import type { SqliteDatabase } from './sqlite-database.ts';
import { ensureSchema } from './sqlite-database.ts';

export const ANALYTICS_COMPONENT = 'analytics';
export const ANALYTICS_SCHEMA_VERSION = 2;

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

/** Version 2: the generation and the triggers that bump it (for a new and an upgraded file). */
const GENERATION_DDL = `
ALTER TABLE analytics_status ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
${['INSERT', 'UPDATE', 'DELETE']
  .map(
    (op) => `CREATE TRIGGER analytics_buckets_${op.toLowerCase()} AFTER ${op} ON analytics_buckets
BEGIN UPDATE analytics_status SET generation = generation + 1 WHERE id = 1; END;`,
  )
  .join('\n')}
`;

/**
 * Creates the analytics tables once (after the events table exists), or upgrades a
 * version-1 file: one immediate transaction, so a concurrent opener waits and then finds
 * the file upgraded. Idempotent.
 */
export function ensureAnalyticsSchema(db: SqliteDatabase): void {
  ensureSchema(db, ANALYTICS_COMPONENT, ANALYTICS_SCHEMA_VERSION, ANALYTICS_DDL + GENERATION_DDL);
  db.transaction(() => {
    const row = db
      .prepare('SELECT version FROM schema_versions WHERE component = ?')
      .get(ANALYTICS_COMPONENT) as { version: number } | undefined;
    if (row === undefined || row.version >= ANALYTICS_SCHEMA_VERSION) return;
    db.exec(GENERATION_DDL);
    db.prepare('UPDATE schema_versions SET version = ? WHERE component = ?').run(
      ANALYTICS_SCHEMA_VERSION,
      ANALYTICS_COMPONENT,
    );
  }).immediate();
}
