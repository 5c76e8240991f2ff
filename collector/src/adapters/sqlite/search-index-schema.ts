/**
 * The search indexes of the embedded event store (schema version 7, issue 11 item 3):
 * what lets every `InstanceQuery` filter and the facets read an index whose cost does not
 * grow with the stored history (instance-search.ts, search-facets.ts). Part of
 * `EVENT_STORE_DDL` for a new file and the version-7 migration of an older one.
 *
 * - `instance_terms`: (instance_key, kind, value) for kind `system` (source ∪ systems),
 *   `owner` (owner ∪ step owners) and `step` (step names), text values only — the same
 *   values the filters and facets used to read from the state JSON. The store derives them
 *   in JavaScript from the state it writes, into `instances.search_terms` (search-terms.ts,
 *   written by the same statement as the state, so the two cannot disagree), and writes
 *   only the term rows that changed (search-index-writes.ts). Each row
 *   also carries its instance's `process` and `status`, so the counters below can be kept
 *   per (process, status) without reading `instances`, and `instance_terms_by_value`
 *   (kind, value, status, process) narrows "owner X, running" inside the index.
 * - `instance_counts`: (process, status, kind, value) → n. Kind '' / value '' counts the
 *   instances, the term kinds count the instances with that value. Written by the store
 *   with the states, as summed changes per batch; rows that drop to 0 stay (few: processes × statuses ×
 *   values) and are skipped by the readers. The total and all four facets of a query
 *   filtering on process and/or status only (the dashboard's list, the process list, the
 *   ownership counts), and the total of one term (+ process / status), are sums over these
 *   rows instead of counts over instances (search-facets.ts).
 * - Expression indexes over the state JSON for `instance` and the start of the activity
 *   range (`firstEventAt`), spelled exactly like the conditions of search-filter.ts (a
 *   SQLite expression index serves only the identical expression); and
 *   `instances_by_process_status` for process + status, the dashboard's common pair.
 * - Sort indexes for `startedAt` and `durationMs`, one per direction (`SORT_EXPRESSIONS`).
 *
 * Cost: a state write that changes neither the terms nor the process or status costs a
 * primary-key read and a string comparison; one that does writes only the changed term
 * rows (a status change: the instance's term rows) and, per batch, the changed counters.
 * Nothing re-reads the state JSON (docs/benchmarks.md, after "embedded-scale").
 *
 * Only the store's upserts may change `process`, `status` or `search_terms` of a row (a
 * raw UPDATE of those columns would leave the lookup behind); the key never changes.
 */
import type { SqliteDatabase } from './sqlite-database.ts';
import { searchTermsColumn } from './search-terms.ts';

export type { TermKind } from './search-terms.ts';

/** Milliseconds since the epoch of an ISO-8601 time (offsets honoured; NULL stays NULL). */
export const msOf = (expr: string): string =>
  `CAST(round((julianday(${expr}) - 2440587.5) * 86400000) AS INTEGER)`;

/** The instance id, as indexed by `instances_by_instance_id`. */
export const INSTANCE_ID_EXPR = "json_extract(state, '$.instance')";
/** The start of the activity range, as indexed by `instances_by_first_event`. */
export const FIRST_EVENT_MS_EXPR = msOf("json_extract(state, '$.firstEventAt')");

/**
 * The sort keys of `search` (instance-search.ts `orderSql`: absent values last, then key),
 * each `(expr) IS NULL, expr <dir>, key ASC`. `instances_recent` serves `lastEventAt`; the
 * other two get an index per direction (SQLite reads an index backwards only when every
 * column flips, and `key` stays ascending), so an unfiltered sorted page reads a page.
 */
export const SORT_EXPRESSIONS = {
  lastEventAt: 'last_event_ms',
  startedAt: msOf("json_extract(state, '$.startedAt')"),
  durationMs: "json_extract(state, '$.durationMs')",
} as const;

const sortIndex = (name: string, expr: string, dir: 'ASC' | 'DESC'): string =>
  `CREATE INDEX instances_by_${name}_${dir.toLowerCase()} ON instances ((${expr}) IS NULL, ${expr} ${dir}, key);`;

const TABLES = `
CREATE TABLE instance_terms (
  instance_key  TEXT NOT NULL,
  kind          TEXT NOT NULL,
  value         TEXT NOT NULL,
  process       TEXT NOT NULL,
  status        TEXT NOT NULL,
  PRIMARY KEY (instance_key, kind, value)
) WITHOUT ROWID;
CREATE INDEX instance_terms_by_value ON instance_terms (kind, value, status, process, instance_key);

CREATE TABLE instance_counts (
  kind     TEXT NOT NULL,
  process  TEXT NOT NULL,
  status   TEXT NOT NULL,
  value    TEXT NOT NULL,
  n        INTEGER NOT NULL,
  PRIMARY KEY (kind, process, status, value)
) WITHOUT ROWID;

CREATE INDEX instances_by_process_status ON instances (process, status, last_event_ms DESC, key);
CREATE INDEX instances_by_instance_id ON instances (${INSTANCE_ID_EXPR});
CREATE INDEX instances_by_first_event ON instances (${FIRST_EVENT_MS_EXPR});
${sortIndex('started', SORT_EXPRESSIONS.startedAt, 'ASC')}
${sortIndex('started', SORT_EXPRESSIONS.startedAt, 'DESC')}
${sortIndex('duration', SORT_EXPRESSIONS.durationMs, 'ASC')}
${sortIndex('duration', SORT_EXPRESSIONS.durationMs, 'DESC')}
`;

/**
 * The one trigger: deleting an instance row (nothing does today; a raw delete, say)
 * takes its term rows and its counts with it. Every other change of the lookup and the
 * counters is written by the store (search-index-writes.ts).
 */
const TRIGGERS = `
CREATE TRIGGER instances_search_after_delete AFTER DELETE ON instances BEGIN
  UPDATE instance_counts SET n = n - 1
    WHERE (kind, process, status, value) IN (
      SELECT kind, process, status, value FROM instance_terms WHERE instance_key = old.key
      UNION ALL SELECT '', old.process, old.status, '');
  DELETE FROM instance_terms WHERE instance_key = old.key;
END;
`;

/** The version-7 tables, indexes and trigger (a new file: `EVENT_STORE_DDL`). */
export const SEARCH_INDEX_DDL = `${TABLES}${TRIGGERS}`;

/**
 * The version-7 migration of an older file (inside the migration's transaction): the
 * `search_terms` column (added unless present) filled from every stored state by the
 * function the writes use (search-terms.ts, registered for this statement), then the
 * DDL, the term rows and the counters counted from them. One pass over `instances`, once.
 */
export function migrateSearchIndex(db: SqliteDatabase): void {
  const columns = db.prepare('SELECT name FROM pragma_table_info(?)').all('instances') as {
    name: string;
  }[];
  if (!columns.some((column) => column.name === 'search_terms')) {
    db.exec('ALTER TABLE instances ADD COLUMN search_terms TEXT;');
  }
  db.function('flowtrail_search_terms', { deterministic: true }, (state) =>
    searchTermsColumn(JSON.parse(String(state)) as object),
  );
  db.exec(`UPDATE instances SET search_terms = flowtrail_search_terms(state);
${SEARCH_INDEX_DDL}
INSERT INTO instance_terms (instance_key, kind, value, process, status)
  SELECT i.key, j.value ->> 0, j.value ->> 1, i.process, i.status
    FROM instances AS i, json_each(i.search_terms) AS j;
INSERT INTO instance_counts (kind, process, status, value, n)
  SELECT kind, process, status, value, count(*) FROM instance_terms
    GROUP BY kind, process, status, value
  UNION ALL SELECT '', process, status, '', count(*) FROM instances GROUP BY process, status;
`);
}
