/**
 * Table of the embedded alert store (component `alerts`, schema version 1), in the same
 * `<dataDir>/flowtrail.db` as the events.
 *
 * - `alerts`: one row per alert id; `version` is the compare-and-set version (bumped by
 *   every write); `alert` the Alert JSON, plus the columns the store filters and sorts on.
 *   `last_seen_ms` is the instant of `lastSeenAt` in milliseconds (like an Elasticsearch
 *   `date`), so offsets sort correctly.
 */
export const ALERT_STORE_COMPONENT = 'alerts';
export const ALERT_STORE_SCHEMA_VERSION = 1;

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
  alert         TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX alerts_recent ON alerts (last_seen_ms DESC, id);
CREATE INDEX alerts_by_status ON alerts (status, last_seen_ms DESC, id);
CREATE INDEX alerts_by_process ON alerts (process, last_seen_ms DESC, id);
CREATE INDEX alerts_by_owner ON alerts (owner, last_seen_ms DESC, id);
CREATE INDEX alerts_open ON alerts (id) WHERE status <> 'resolved';
CREATE INDEX alerts_open_by_instance ON alerts (instance_key) WHERE status <> 'resolved';
`;
