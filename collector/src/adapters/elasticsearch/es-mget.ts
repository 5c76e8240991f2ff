/**
 * Reading one document of an `mget` answer. Elasticsearch answers an mget with 200 even
 * when some documents could not be read — a shard not started yet just after a restart
 * (`no_shard_available_action_exception`), a closed index: such a document carries an
 * `error` instead of `found`. Taking it for "not stored" is wrong where absence means
 * something: `readSummaries` took an unreadable state and summary for a NEW instance and
 * folded it from its batch alone (a state a few events short, then refused by the stored
 * state's version and silently kept behind — the flaky Elasticsearch-outage fault run).
 * So an unreadable document is a retriable `StorageError`; only a missing index is a
 * true "not stored".
 */
import type { estypes } from '@elastic/elasticsearch';
import { StorageError } from '../../shared/errors.ts';

/** `_source` of a found document, undefined when not stored; throws when unreadable. */
export function sourceOfMgetItem<T>(
  item: estypes.MgetResponseItem<T> | undefined,
  operation: string,
): T | undefined {
  if (item === undefined) {
    throw new StorageError(
      `elasticsearch ${operation}: a document is missing from the answer`,
      true,
    );
  }
  if ('error' in item) {
    const type = item.error.type;
    if (type === 'index_not_found_exception') return undefined;
    throw new StorageError(
      `elasticsearch ${operation}: document ${JSON.stringify(item._id)} of ${item._index} ` +
        `not readable (${type}: ${item.error.reason ?? ''})`,
      true,
    );
  }
  return item.found ? item._source : undefined;
}
