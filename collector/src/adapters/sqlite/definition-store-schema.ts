/**
 * Table of the embedded definition store (component `definitions`, schema version 1),
 * in the same `<dataDir>/flowtrail.db` as the events and alerts.
 *
 * - `definitions`: one row per (process, version), never updated; `definition` is the
 *   document's canonical JSON (`documentContent`), `stored_at` the ISO time of the put.
 */
export const DEFINITION_STORE_COMPONENT = 'definitions';
export const DEFINITION_STORE_SCHEMA_VERSION = 1;

export const DEFINITION_STORE_DDL = `
CREATE TABLE definitions (
  process     TEXT NOT NULL,
  version     INTEGER NOT NULL,
  definition  TEXT NOT NULL,
  stored_at   TEXT NOT NULL,
  PRIMARY KEY (process, version)
) WITHOUT ROWID;
`;
