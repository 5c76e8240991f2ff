/** Maps Elasticsearch client errors and bulk item statuses onto `StorageError`. */
import { errors } from '@elastic/elasticsearch';
import { StorageError } from '../../shared/errors.ts';

/** 429 (overloaded) and 5xx (unavailable) may succeed later; other statuses will not. */
export function isRetriableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

export function toStorageError(operation: string, err: unknown): StorageError {
  if (err instanceof StorageError) return err;
  if (err instanceof errors.ResponseError) {
    const status = err.statusCode ?? 0;
    return new StorageError(
      `elasticsearch ${operation} failed with ${status}: ${err.message}`,
      status === 0 || isRetriableStatus(status),
      status,
      { cause: err },
    );
  }
  const transient =
    err instanceof errors.ConnectionError ||
    err instanceof errors.TimeoutError ||
    err instanceof errors.NoLivingConnectionsError ||
    err instanceof errors.RequestAbortedError ||
    err instanceof errors.DeserializationError;
  const message = err instanceof Error ? err.message : String(err);
  return new StorageError(`elasticsearch ${operation} failed: ${message}`, transient, undefined, {
    cause: err,
  });
}
