/**
 * What every SQLite-backed store shares: opening `<dataDir>/flowtrail.db` with its schema
 * component (created or migrated once), a cache of compiled statements, and running work
 * on the open database with failures mapped onto `StorageError` (retriable when SQLite is
 * busy, locked, full or failing IO).
 */
import type { Statement } from 'better-sqlite3';
import { StorageError } from '../../shared/errors.ts';
import {
  ensureSchema,
  openDatabase,
  type SqliteDatabase,
  type SqliteOptions,
} from './sqlite-database.ts';
import { toStorageError } from './sqlite-errors.ts';

export interface SqliteSchema {
  component: string;
  version: number;
  ddl: string;
  /** Upgrades an older file in place (after `ensureSchema`). */
  migrate?: (db: SqliteDatabase) => void;
}

export abstract class SqliteComponent {
  private db: SqliteDatabase | undefined;
  /** Compiled statements by SQL text (a bounded set: queries have few shapes). */
  private readonly statements = new Map<string, Statement>();

  protected constructor(
    protected readonly options: SqliteOptions,
    private readonly schema: SqliteSchema,
  ) {}

  /** Opens (creating when missing) the database file and this component's tables. Idempotent. */
  async prepare(): Promise<void> {
    if (this.db !== undefined) return;
    let db: SqliteDatabase | undefined;
    try {
      db = openDatabase(this.options);
      ensureSchema(db, this.schema.component, this.schema.version, this.schema.ddl);
      this.schema.migrate?.(db);
      this.db = db;
    } catch (err) {
      db?.close();
      throw toStorageError(`prepare ${this.schema.component}`, err);
    }
  }

  async close(): Promise<void> {
    const db = this.db;
    this.db = undefined;
    this.statements.clear();
    db?.close();
  }

  protected statement(db: SqliteDatabase, sql: string): Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Runs `fn` on the open database, mapping any failure onto `StorageError`. */
  protected run<T>(operation: string, fn: (db: SqliteDatabase) => T): T {
    const db = this.db;
    if (db === undefined) {
      throw new StorageError(`sqlite ${operation} failed: store is not prepared or closed`, false);
    }
    try {
      return fn(db);
    } catch (err) {
      throw toStorageError(operation, err);
    }
  }
}
