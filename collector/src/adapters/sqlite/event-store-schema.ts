/**
 * Tables of the embedded event store (schema version 7; `migrateEventStore` upgrades an
 * older file in place).
 *
 * - `events`: one row per event identity, (source, id) (version 5; docs/events.md,
 *   "Identity": the same id from two sources is two events), the CloudEvent JSON as
 *   received plus the columns the store filters and sorts on. Rows are inserted, never
 *   replaced: a copy of a stored identity is compared with the stored row
 *   (batch-transaction.ts). `time_ms` is the instant of `time` (milliseconds, like an
 *   Elasticsearch `date`), so `+02:00` and `Z` times sort correctly. `events_by_instance`
 *   (instance_key, time_ms, id) stays a total order of an instance's events: an instance
 *   has one source, so within it the id alone is unique.
 * - `instances`: one row per instance key; `event_count` is the version (an upsert never
 *   replaces a row with a higher one). `seq` is an explicit INTEGER PRIMARY KEY so the
 *   rowid the FTS index refers to survives VACUUM.
 * - `instances_fts`: FTS5 over `instances.search_text` (external content, kept in sync by
 *   triggers). The tokenizer approximates Elasticsearch's standard analyzer: split on
 *   anything but letters, digits and `_`, lowercase, diacritics kept.
 * - `business_keys`: (instance_key, name, value) of each state's `businessKeys`, derived
 *   from the state JSON by the same triggers, so it can never disagree with the state.
 * - Detection (version 2): `next_deadline_ms` is the instant of `nextDeadline`;
 *   `instances_overdue` indexes it for non-terminal instances only, in the order
 *   `overdueInstances` returns (deadline, key). `parent_key` = `instanceKey(state.parent)`,
 *   computed by the store at write time, indexed for `childrenOf`.
 * - Change feed (version 3, storage/change-feed.ts): `change_seq` numbers the writes of
 *   states (the table's newest + 1, set by the writing statement); `instances_by_change`
 *   indexes it, so the newest number and the writes after a number are index reads.
 * - Open instances (version 4): `instances_open (key, status)` and
 *   `instances_open_by_process (process, key, status)`, partial over the non-terminal
 *   rows, so the walk that re-derives deadlines after a definition change
 *   (`openInstanceKeys`) reads open rows only, from the index alone (`status` makes it
 *   covering: SQLite re-checks the partial index's condition on every row).
 * - Fold summaries (version 6): `instances.fold_summary`, the JSON of the summary the
 *   fold continues from (domain/instance/fold-summary.ts), written with the state by the
 *   atomic batch and never indexed; NULL when there is none (rows of older files, states
 *   written without one): the instance's next batch re-folds and writes one.
 * - Search indexes (version 7, search-index-schema.ts): `instances.search_terms` (the
 *   state's systems, owners and steps, derived by the store: search-terms.ts), the
 *   `instance_terms` lookup table and `instance_counts` facet counters the store writes
 *   with the states (search-index-writes.ts), and the expression indexes every
 *   `InstanceQuery` filter reads.
 */
import { instanceKey } from '@flowtrail/sdk/protocol';
import { migrateSearchIndex, SEARCH_INDEX_DDL } from './search-index-schema.ts';
import type { SqliteDatabase } from './sqlite-database.ts';

export const EVENT_STORE_COMPONENT = 'events';
export const EVENT_STORE_SCHEMA_VERSION = 7;

/**
 * The terminal-status condition of `instances_overdue`, spelled exactly like this in the
 * index and in the query (SQLite uses a partial index only when the query repeats its terms).
 */
export const NON_TERMINAL = "status NOT IN ('completed', 'failed', 'cancelled')";

const DETECTION_INDEXES = `
CREATE INDEX instances_overdue ON instances (next_deadline_ms, key)
  WHERE next_deadline_ms IS NOT NULL AND ${NON_TERMINAL};
CREATE INDEX instances_by_parent ON instances (parent_key, key) WHERE parent_key IS NOT NULL;
`;

const CHANGE_INDEX = `
CREATE INDEX instances_by_change ON instances (change_seq);
`;

const OPEN_INDEXES = `
CREATE INDEX IF NOT EXISTS instances_open ON instances (key, status) WHERE ${NON_TERMINAL};
CREATE INDEX IF NOT EXISTS instances_open_by_process ON instances (process, key, status) WHERE ${NON_TERMINAL};
`;

/** The events table of version 5, under `name` (the migration builds it beside the old one). */
const eventsTable = (name: string): string => `
CREATE TABLE ${name} (
  id            TEXT NOT NULL,
  instance_key  TEXT NOT NULL,
  time          TEXT NOT NULL,
  time_ms       INTEGER NOT NULL,
  type          TEXT NOT NULL,
  source        TEXT NOT NULL,
  process       TEXT NOT NULL,
  event         TEXT NOT NULL,
  PRIMARY KEY (source, id)
);
`;

const EVENTS_INDEX = `
CREATE INDEX events_by_instance ON events (instance_key, time_ms, id);
`;

export const EVENT_STORE_DDL = `${eventsTable('events')}${EVENTS_INDEX}
CREATE TABLE instances (
  seq               INTEGER PRIMARY KEY,
  key               TEXT NOT NULL UNIQUE,
  event_count       INTEGER NOT NULL,
  status            TEXT NOT NULL,
  process           TEXT NOT NULL,
  last_event_at     TEXT NOT NULL,
  last_event_ms     INTEGER NOT NULL,
  next_deadline_ms  INTEGER,
  parent_key        TEXT,
  search_text       TEXT NOT NULL,
  state             TEXT NOT NULL,
  change_seq        INTEGER NOT NULL DEFAULT 0,
  fold_summary      TEXT,
  search_terms      TEXT
);
CREATE INDEX instances_recent ON instances (last_event_ms DESC, key);
CREATE INDEX instances_by_process ON instances (process, last_event_ms DESC, key);
CREATE INDEX instances_by_status ON instances (status, last_event_ms DESC, key);
${DETECTION_INDEXES}${CHANGE_INDEX}${OPEN_INDEXES}
CREATE TABLE business_keys (
  instance_key  TEXT NOT NULL,
  name          TEXT NOT NULL,
  value         TEXT NOT NULL,
  PRIMARY KEY (instance_key, name)
) WITHOUT ROWID;
CREATE INDEX business_keys_by_value ON business_keys (value, name, instance_key);

CREATE VIRTUAL TABLE instances_fts USING fts5 (
  search_text,
  content = 'instances',
  content_rowid = 'seq',
  tokenize = "unicode61 remove_diacritics 0 tokenchars '_'"
);

CREATE TRIGGER instances_after_insert AFTER INSERT ON instances BEGIN
  INSERT INTO instances_fts (rowid, search_text) VALUES (new.seq, new.search_text);
  INSERT INTO business_keys (instance_key, name, value)
    SELECT new.key, j.key, j.value FROM json_each(new.state, '$.businessKeys') AS j
    WHERE j.type = 'text';
END;

CREATE TRIGGER instances_text_after_update AFTER UPDATE ON instances
WHEN old.search_text IS NOT new.search_text BEGIN
  INSERT INTO instances_fts (instances_fts, rowid, search_text)
    VALUES ('delete', old.seq, old.search_text);
  INSERT INTO instances_fts (rowid, search_text) VALUES (new.seq, new.search_text);
END;

CREATE TRIGGER instances_keys_after_update AFTER UPDATE ON instances
WHEN json_extract(old.state, '$.businessKeys') IS NOT json_extract(new.state, '$.businessKeys')
BEGIN
  DELETE FROM business_keys WHERE instance_key = old.key;
  INSERT INTO business_keys (instance_key, name, value)
    SELECT new.key, j.key, j.value FROM json_each(new.state, '$.businessKeys') AS j
    WHERE j.type = 'text';
END;

CREATE TRIGGER instances_after_delete AFTER DELETE ON instances BEGIN
  INSERT INTO instances_fts (instances_fts, rowid, search_text)
    VALUES ('delete', old.seq, old.search_text);
  DELETE FROM business_keys WHERE instance_key = old.key;
END;
${SEARCH_INDEX_DDL}`;

/**
 * Schema changes after version 1, applied in order to an older file. Version 2: the
 * `parent_key` column (backfilled from the state JSON) and the detection indexes, which
 * replace version 1's `instances_by_deadline`. Version 3: the `change_seq` column (0 for
 * the states written before) and its index. Version 4: the open-instance indexes.
 * Version 5: `events` keyed by (source, id) instead of id. SQLite cannot change a primary
 * key in place, so the table is rebuilt: the new one created beside it, every row copied
 * WITH its rowid (the insertion order `repairStaleStates` reads the newest events by),
 * the old one dropped (its index with it), the new one renamed, the index recreated. An
 * id was unique before, so (source, id) is too: every event is kept. Version 6: the
 * `fold_summary` column (added unless present), NULL for the states written before (first
 * touch re-folds). Version 7: the `search_terms` column and the search indexes (unless
 * present), filled from the stored states (search-index-schema.ts, one pass over `instances`).
 */
const MIGRATIONS: Record<number, (db: SqliteDatabase) => void> = {
  2: (db) => {
    db.function('flowtrail_instance_key', { deterministic: true }, (source, process, instance) =>
      instanceKey({
        source: String(source),
        process: String(process),
        instance: String(instance),
      }),
    );
    db.exec(`
ALTER TABLE instances ADD COLUMN parent_key TEXT;
UPDATE instances SET parent_key = flowtrail_instance_key(
    json_extract(state, '$.parent.source'),
    json_extract(state, '$.parent.process'),
    json_extract(state, '$.parent.instance'))
  WHERE json_type(state, '$.parent') = 'object';
DROP INDEX IF EXISTS instances_by_deadline;
${DETECTION_INDEXES}`);
  },
  3: (db) => {
    db.exec(`
ALTER TABLE instances ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
${CHANGE_INDEX}`);
  },
  4: (db) => {
    db.exec(OPEN_INDEXES);
  },
  5: (db) => {
    db.exec(`${eventsTable('events_v5')}
INSERT INTO events_v5 (rowid, id, instance_key, time, time_ms, type, source, process, event)
  SELECT rowid, id, instance_key, time, time_ms, type, source, process, event
  FROM events ORDER BY rowid;
DROP TABLE events;
ALTER TABLE events_v5 RENAME TO events;
${EVENTS_INDEX}`);
  },
  6: (db) => {
    const columns = db.prepare('SELECT name FROM pragma_table_info(?)').all('instances') as {
      name: string;
    }[];
    if (!columns.some((column) => column.name === 'fold_summary')) {
      db.exec('ALTER TABLE instances ADD COLUMN fold_summary TEXT;');
    }
  },
  7: (db) => {
    const exists = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'instance_terms'")
      .get();
    if (exists === undefined) migrateSearchIndex(db);
  },
};

/**
 * Upgrades the event store's tables from an older schema version to
 * `EVENT_STORE_SCHEMA_VERSION` (after `ensureSchema`, which creates a new file at the
 * current version and refuses a newer one). One immediate transaction: a concurrent
 * opener waits, then finds the file already upgraded. Idempotent.
 */
export function migrateEventStore(db: SqliteDatabase): void {
  const upgrade = db.transaction(() => {
    const row = db
      .prepare('SELECT version FROM schema_versions WHERE component = ?')
      .get(EVENT_STORE_COMPONENT) as { version: number } | undefined;
    if (row === undefined || row.version >= EVENT_STORE_SCHEMA_VERSION) return;
    for (let version = row.version + 1; version <= EVENT_STORE_SCHEMA_VERSION; version++) {
      MIGRATIONS[version]?.(db);
    }
    db.prepare('UPDATE schema_versions SET version = ? WHERE component = ?').run(
      EVENT_STORE_SCHEMA_VERSION,
      EVENT_STORE_COMPONENT,
    );
  });
  upgrade.immediate();
}
