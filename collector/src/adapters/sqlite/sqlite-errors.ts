/** Maps better-sqlite3 errors onto `StorageError` (`retriable` from the SQLite result code). */
import { StorageError } from '../../shared/errors.ts';

/**
 * Primary result codes after which the same statement may succeed later: another
 * connection holds a lock, the disk is full or failed for a moment, memory ran out.
 * Everything else (constraint, corrupt database, misuse, closed connection) will not.
 */
const TRANSIENT_CODES = new Set([
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_FULL',
  'SQLITE_IOERR',
  'SQLITE_NOMEM',
  'SQLITE_PROTOCOL',
  'SQLITE_INTERRUPT',
]);

/** `SQLITE_BUSY_SNAPSHOT` → `SQLITE_BUSY`; undefined for errors that are not SQLite's. */
export function primaryCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return undefined;
  return code.split('_').slice(0, 2).join('_');
}

export function isRetriableSqliteError(err: unknown): boolean {
  const code = primaryCode(err);
  return code !== undefined && TRANSIENT_CODES.has(code);
}

export function toStorageError(operation: string, err: unknown): StorageError {
  if (err instanceof StorageError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const code = primaryCode(err);
  return new StorageError(
    `sqlite ${operation} failed${code !== undefined ? ` with ${code}` : ''}: ${message}`,
    isRetriableSqliteError(err),
    undefined,
    { cause: err },
  );
}
