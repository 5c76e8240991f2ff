/**
 * The embedded database file: `<dataDir>/flowtrail.db`, created with its directory when
 * missing. WAL journal (readers never block the writer, and a reader process such as the
 * query API or `flowtrail dlq` can open the same file), `synchronous=NORMAL` (durable
 * across process crashes; a power loss may drop the last transactions, never corrupt),
 * and a busy timeout so a second connection waits for a lock instead of failing at once.
 * The WAL is checkpointed every `WAL_AUTOCHECKPOINT_PAGES` pages instead of SQLite's 1,000.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database, { type Statement } from 'better-sqlite3';
import { StorageError } from '../../shared/errors.ts';

/** Compiles (or takes from the store's cache) a statement. */
export type Prepare = (sql: string) => Statement;

export type SqliteDatabase = Database.Database;

export const DATABASE_FILE = 'flowtrail.db';

/**
 * Pages the WAL grows to before a commit checkpoints it (SQLite's default: 1,000, ≈ 4 MiB).
 * Embedded ingest commits every sub-batch (event-ingest.ts), ≈ 500 pages each with the
 * search indexes, so the default checkpointed on every second or third commit: each
 * copies the pages to the database file and syncs it, and the hot pages (index roots, the
 * counters, the analytics buckets) were copied again every time. 10,000 pages (≈ 40 MiB of
 * WAL at most, on disk, not in memory) measured 1.3–1.5× the HTTP ingest rate
 * (docs/benchmarks.md, "Embedded ingest over HTTP"). Durability is unchanged: a commit is
 * in the WAL either way (`synchronous=NORMAL`), the checkpoint only moves it.
 */
export const WAL_AUTOCHECKPOINT_PAGES = 10_000;

export interface SqliteOptions {
  /** Directory of the database file; created when missing. */
  dataDir: string;
  /** How long a statement waits for another connection's lock (default 5000 ms). */
  busyTimeoutMs?: number;
}

export function databasePath(dataDir: string): string {
  return join(dataDir, DATABASE_FILE);
}

export function openDatabase(options: SqliteOptions): SqliteDatabase {
  mkdirSync(options.dataDir, { recursive: true });
  const db = new Database(databasePath(options.dataDir), {
    timeout: options.busyTimeoutMs ?? 5000,
  });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  return db;
}

/**
 * Creates the tables of one component (`events`, `dead-letters`) once, recording its
 * schema version in `schema_versions`. A file written by a newer Flowtrail (higher
 * version) is refused rather than misread. Idempotent; safe with concurrent openers.
 */
export function ensureSchema(
  db: SqliteDatabase,
  component: string,
  version: number,
  ddl: string,
): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_versions (component TEXT PRIMARY KEY, version INTEGER NOT NULL)',
  );
  const migrate = db.transaction(() => {
    const row = db
      .prepare('SELECT version FROM schema_versions WHERE component = ?')
      .get(component) as { version: number } | undefined;
    if (row === undefined) {
      db.exec(ddl);
      db.prepare('INSERT INTO schema_versions (component, version) VALUES (?, ?)').run(
        component,
        version,
      );
    } else if (row.version > version) {
      throw new StorageError(
        `sqlite ${component} schema version ${row.version} is newer than this Flowtrail's (${version})`,
        false,
      );
    }
  });
  migrate.immediate();
}
