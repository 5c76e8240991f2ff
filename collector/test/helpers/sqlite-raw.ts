/**
 * Raw SQL on an embedded store's file, from a connection of its own: how tests damage,
 * drop or age a store as an older version or a fault would have left it.
 */
import Database from 'better-sqlite3';
import { databasePath } from '../../src/adapters/sqlite/sqlite-database.ts';

/** Runs `sql` (one or more statements) on the store of `dataDir`. */
export function execRaw(dataDir: string, sql: string): void {
  const db = new Database(databasePath(dataDir));
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}
