/**
 * Table of the embedded alert store (component `alerts`, schema version 2;
 * `migrateAlertStore` upgrades a version-1 file in place), in the same
 * `<dataDir>/flowtrail.db` as the events.
 *
 * - `alerts`: one row per alert id; `version` is the compare-and-set version (bumped by
 *   every write); `alert` the Alert JSON, plus the columns the store filters and sorts on.
 *   `last_seen_ms` is the instant of `lastSeenAt` in milliseconds (like an Elasticsearch
 *   `date`), so offsets sort correctly.
 * - Change feed (version 2, storage/change-feed.ts): `change_seq` numbers the writes (the
 *   table's newest + 1, set by the writing statement), indexed by `alerts_by_change`.
 */
import type { SqliteDatabase } from './sqlite-database.ts';

export const ALERT_STORE_COMPONENT = 'alerts';
export const ALERT_STORE_SCHEMA_VERSION = 2;

const CHANGE_INDEX = `
CREATE INDEX alerts_by_change ON alerts (change_seq);
`;

export const ALERT_STORE_DDL = `
CREATE TABLE alerts (
  id            TEXT PRIMARY KEY,
  version       INTEGER NOT NULL,
  kind          TEXT NOT NULL,
  status        TEXT NOT NULL,
  process       TEXT NOT NULL,
  instance_key  TEXT NOT NULL,
  owner         TEXT,
  last_seen_ms  INTEGER NOT NULL,
  alert         TEXT NOT NULL,
  change_seq    INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX alerts_recent ON alerts (last_seen_ms DESC, id);
CREATE INDEX alerts_by_status ON alerts (status, last_seen_ms DESC, id);
CREATE INDEX alerts_by_process ON alerts (process, last_seen_ms DESC, id);
CREATE INDEX alerts_by_owner ON alerts (owner, last_seen_ms DESC, id);
CREATE INDEX alerts_open ON alerts (id) WHERE status <> 'resolved';
CREATE INDEX alerts_open_by_instance ON alerts (instance_key) WHERE status <> 'resolved';
${CHANGE_INDEX}`;

/**
 * Upgrades the alerts table of an older file (after `ensureSchema`, which creates a new
 * file at the current version and refuses a newer one). Version 2: the `change_seq`
 * column (0 for the alerts written before) and its index. One immediate transaction, so a
 * concurrent opener waits and then finds the file upgraded. Idempotent.
 */
export function migrateAlertStore(db: SqliteDatabase): void {
  const upgrade = db.transaction(() => {
    const row = db
      .prepare('SELECT version FROM schema_versions WHERE component = ?')
      .get(ALERT_STORE_COMPONENT) as { version: number } | undefined;
    if (row === undefined || row.version >= ALERT_STORE_SCHEMA_VERSION) return;
    if (row.version < 2) {
      db.exec(
        `ALTER TABLE alerts ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;${CHANGE_INDEX}`,
      );
    }
    db.prepare('UPDATE schema_versions SET version = ? WHERE component = ?').run(
      ALERT_STORE_SCHEMA_VERSION,
      ALERT_STORE_COMPONENT,
    );
  });
  upgrade.immediate();
}
