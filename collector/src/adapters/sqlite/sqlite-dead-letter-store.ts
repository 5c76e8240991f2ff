/**
 * Dead letters of the embedded mode (no Kafka, so no dead-letter topic): a `dead_letters`
 * table in the same `<dataDir>/flowtrail.db`. Keeps what the Kafka sink keeps — the
 * ORIGINAL value and key bytes (BLOBs), the original headers, the reason and the errors
 * (cut like the `flowtrail-dlq-errors` header) and where the input came from — plus the
 * time it was dead-lettered. `list`, `get` and `delete` serve `flowtrail dlq list|replay`.
 */
import type { Statement } from 'better-sqlite3';
import type { HeaderValue, Headers } from '@flowtrail/sdk/protocol';
import { DeadLetterError } from '../../shared/errors.ts';
import {
  errorsHeaderValue,
  type DeadLetter,
  type DeadLetterReason,
  type DeadLetterSink,
} from '../../ports/dead-letter-sink.ts';
import type { IncomingMessage } from '../../ports/incoming-message.ts';
import {
  ensureSchema,
  openDatabase,
  type SqliteDatabase,
  type SqliteOptions,
} from './sqlite-database.ts';
import { isRetriableSqliteError } from './sqlite-errors.ts';

const COMPONENT = 'dead-letters';
const SCHEMA_VERSION = 1;
const DDL = `
CREATE TABLE dead_letters (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  received_at  TEXT NOT NULL,
  reason       TEXT NOT NULL,
  errors       TEXT NOT NULL,
  headers      TEXT NOT NULL,
  key          BLOB,
  value        BLOB,
  topic        TEXT NOT NULL,
  partition    INTEGER NOT NULL,
  "offset"     TEXT NOT NULL
);
CREATE INDEX dead_letters_by_reason ON dead_letters (reason);
`;

/** A dead letter as stored: `id` is increasing in the order letters were stored. */
export interface StoredDeadLetter {
  id: number;
  /** When the letter was stored (ISO-8601, UTC). */
  receivedAt: string;
  reason: DeadLetterReason;
  errors: unknown[];
  /** The original input: bytes, key and headers exactly as received. */
  message: IncomingMessage;
}

export interface DeadLetterPage {
  total: number;
  /** Oldest first (by `id`). */
  letters: StoredDeadLetter[];
}

interface Row {
  id: number;
  received_at: string;
  reason: string;
  errors: string;
  headers: string;
  key: Buffer | null;
  value: Buffer | null;
  topic: string;
  partition: number;
  offset: string;
}

/** Headers as JSON: strings as-is, Buffers as `{ "base64": … }`, undefined omitted. */
type JsonHeader = string | { base64: string };

function encodeHeaders(headers: Headers): string {
  const encodeOne = (v: Buffer | string): JsonHeader =>
    typeof v === 'string' ? v : { base64: v.toString('base64') };
  const out: Record<string, JsonHeader | JsonHeader[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined)
      out[name] = Array.isArray(value) ? value.map(encodeOne) : encodeOne(value);
  }
  return JSON.stringify(out);
}

function decodeHeaders(json: string): Headers {
  const decodeOne = (v: JsonHeader): Buffer | string =>
    typeof v === 'string' ? v : Buffer.from(v.base64, 'base64');
  const headers: Headers = {};
  for (const [name, value] of Object.entries(
    JSON.parse(json) as Record<string, JsonHeader | JsonHeader[]>,
  )) {
    headers[name] = (Array.isArray(value) ? value.map(decodeOne) : decodeOne(value)) as HeaderValue;
  }
  return headers;
}

function toLetter(row: Row): StoredDeadLetter {
  return {
    id: row.id,
    receivedAt: row.received_at,
    reason: row.reason as DeadLetterReason,
    errors: JSON.parse(row.errors) as unknown[],
    message: {
      topic: row.topic,
      partition: row.partition,
      offset: row.offset,
      key: row.key,
      value: row.value,
      headers: decodeHeaders(row.headers),
    },
  };
}

export class SqliteDeadLetterStore implements DeadLetterSink {
  private db: SqliteDatabase | undefined;
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly options: SqliteOptions & { now?: () => Date }) {}

  /** Opens (creating when missing) `<dataDir>/flowtrail.db` and its table. Idempotent. */
  async prepare(): Promise<void> {
    if (this.db !== undefined) return;
    let db: SqliteDatabase | undefined;
    try {
      db = openDatabase(this.options);
      ensureSchema(db, COMPONENT, SCHEMA_VERSION, DDL);
      this.db = db;
    } catch (err) {
      db?.close();
      throw this.error('prepare', err);
    }
  }

  async close(): Promise<void> {
    const db = this.db;
    this.db = undefined;
    this.statements.clear();
    db?.close();
  }

  /** Stores the letters in one transaction; resolves once they are committed. */
  async send(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    const receivedAt = (this.options.now?.() ?? new Date()).toISOString();
    this.run('store dead letters', (sql, db) => {
      const insert = sql(
        `INSERT INTO dead_letters (received_at, reason, errors, headers, key, value, topic, partition, "offset")
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      db.transaction(() => {
        for (const { message, reason, errors } of letters) {
          insert.run(
            receivedAt,
            reason,
            errorsHeaderValue(errors),
            encodeHeaders(message.headers),
            message.key,
            message.value,
            message.topic,
            message.partition,
            message.offset,
          );
        }
      })();
    });
  }

  async list(page: { from?: number; size?: number } = {}): Promise<DeadLetterPage> {
    const from = Math.max(0, Math.trunc(page.from ?? 0));
    const size = Math.max(0, Math.trunc(page.size ?? 20));
    return this.run('list dead letters', (sql) => {
      const { total } = sql('SELECT count(*) AS total FROM dead_letters').get() as {
        total: number;
      };
      const rows = sql('SELECT * FROM dead_letters ORDER BY id LIMIT ? OFFSET ?').all(
        size,
        from,
      ) as Row[];
      return { total, letters: rows.map(toLetter) };
    });
  }

  async get(id: number): Promise<StoredDeadLetter | undefined> {
    const row = this.run('get dead letter', (sql) =>
      sql('SELECT * FROM dead_letters WHERE id = ?').get(id),
    ) as Row | undefined;
    return row === undefined ? undefined : toLetter(row);
  }

  /** Deletes letters by id (e.g. after a successful replay); returns how many existed. */
  async delete(ids: readonly number[]): Promise<number> {
    if (ids.length === 0) return 0;
    return this.run('delete dead letters', (sql) =>
      Number(
        sql('DELETE FROM dead_letters WHERE id IN (SELECT value FROM json_each(?))').run(
          JSON.stringify(ids),
        ).changes,
      ),
    );
  }

  private run<T>(
    operation: string,
    fn: (sql: (text: string) => Statement, db: SqliteDatabase) => T,
  ): T {
    const db = this.db;
    if (db === undefined) {
      throw new DeadLetterError(
        `sqlite ${operation} failed: store is not prepared or closed`,
        false,
      );
    }
    const sql = (text: string): Statement => {
      let statement = this.statements.get(text);
      if (statement === undefined) {
        statement = db.prepare(text);
        this.statements.set(text, statement);
      }
      return statement;
    };
    try {
      return fn(sql, db);
    } catch (err) {
      throw this.error(operation, err);
    }
  }

  private error(operation: string, err: unknown): DeadLetterError {
    if (err instanceof DeadLetterError) return err;
    const message = err instanceof Error ? err.message : String(err);
    return new DeadLetterError(
      `sqlite ${operation} failed: ${message}`,
      isRetriableSqliteError(err),
      {
        cause: err,
      },
    );
  }
}
