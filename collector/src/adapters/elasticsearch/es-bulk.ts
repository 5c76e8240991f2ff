/**
 * One bulk request of the Elasticsearch stores, item outcomes mapped onto `WriteResult`:
 * an item the store refused with a retriable status (429, 5xx) is `retriable`, any other
 * error `rejected`, unless `isStored` says the error means "already stored" (a state
 * superseded by a fuller one: 409 under external_gte). A request that fails as a whole
 * throws a `StorageError`.
 */
import type { Client } from '@elastic/elasticsearch';
import type { Logger } from '../../shared/logger.ts';
import type { ItemFailure, WriteResult } from '../../ports/event-store.ts';
import { isRetriableStatus, toStorageError } from './es-errors.ts';

export interface BulkItemOutcome {
  status: number;
  error?: unknown;
}

export async function bulkWrite<T>(
  client: Client,
  logger: Logger,
  operation: string,
  operations: object[],
  items: readonly T[],
  isStored: (item: BulkItemOutcome) => boolean,
): Promise<WriteResult<T>> {
  const result: WriteResult<T> = { retriable: [], rejected: [] };
  if (items.length === 0) return result;
  let response;
  try {
    response = await client.bulk({
      operations,
      filter_path: 'errors,items.*.status,items.*.error',
    });
  } catch (err) {
    throw toStorageError(operation, err);
  }
  if (!response.errors) return result;
  response.items.forEach((entry, i) => {
    const item = Object.values(entry)[0] as BulkItemOutcome | undefined;
    const source = items[i];
    if (item === undefined || source === undefined || item.error === undefined || isStored(item))
      return;
    const failure: ItemFailure<T> = { item: source, status: item.status, error: item.error };
    (isRetriableStatus(item.status) ? result.retriable : result.rejected).push(failure);
  });
  if (result.retriable.length + result.rejected.length > 0) {
    logger.debug(
      { operation, retriable: result.retriable.length, rejected: result.rejected.length },
      'bulk request had item failures',
    );
  }
  return result;
}
