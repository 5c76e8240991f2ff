/**
 * One bulk request of the Elasticsearch stores. `bulkOutcomes` gives each item's status
 * (and error); `bulkWrite` maps them onto `WriteResult`: an item the store refused with a
 * retriable status (429, 5xx) is `retriable`, any other error `rejected`, unless
 * `isStored` says the error means "already stored" (a state superseded by a fuller one:
 * 409 under external_gte). A request that fails as a whole throws a `StorageError`.
 */
import type { Client } from '@elastic/elasticsearch';
import { StorageError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import type { ItemFailure, WriteResult } from '../../ports/event-store.ts';
import { isRetriableStatus, toStorageError } from './es-errors.ts';

export interface BulkItemOutcome {
  status: number;
  error?: unknown;
}

/**
 * The outcome of each of the `count` items of `operations`, in order (all `200` when the
 * response has no errors). An item an erroneous response does not describe (never seen
 * in practice) comes back as a retriable 503.
 */
export async function bulkOutcomes(
  client: Client,
  operation: string,
  operations: object[],
  count: number,
): Promise<BulkItemOutcome[]> {
  if (count === 0) return [];
  let response;
  try {
    response = await client.bulk({
      operations,
      filter_path: 'errors,items.*.status,items.*.error',
    });
  } catch (err) {
    throw toStorageError(operation, err);
  }
  const outcomes: BulkItemOutcome[] = [];
  if (!response.errors) {
    for (let i = 0; i < count; i++) outcomes.push({ status: 200 });
    return outcomes;
  }
  for (let i = 0; i < count; i++) {
    const entry = response.items?.[i];
    const item = entry === undefined ? undefined : (Object.values(entry)[0] as BulkItemOutcome);
    outcomes.push(item ?? { status: 503, error: { type: 'missing_bulk_item' } });
  }
  return outcomes;
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
  const outcomes = await bulkOutcomes(client, operation, operations, items.length);
  outcomes.forEach((item, i) => {
    const source = items[i];
    if (source === undefined || item.error === undefined || isStored(item)) return;
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

/**
 * A bulk request of `index` items that are idempotent under external versions (the
 * analytics' compaction and catch-up): an item refused with 409 was already written (by
 * a retry or another writer), any other item error throws a `StorageError`, retriable for
 * 429 and 5xx. Returns the outcomes.
 */
export async function bulkVersioned(
  client: Client,
  operation: string,
  operations: object[],
): Promise<BulkItemOutcome[]> {
  if (operations.length === 0) return [];
  const outcomes = await bulkOutcomes(client, operation, operations, operations.length / 2);
  const failed = outcomes.find((o) => o.error !== undefined && o.status !== 409);
  if (failed !== undefined) {
    throw new StorageError(
      `elasticsearch ${operation}: item failed with ${failed.status}`,
      isRetriableStatus(failed.status),
      failed.status,
    );
  }
  return outcomes;
}
