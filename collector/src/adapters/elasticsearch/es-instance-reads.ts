/**
 * Reads of instance states by key or by a paged search of the instances index, for
 * es-event-store.ts: the states a search finds, an instance's children (paged), states by
 * key (real-time `mget`, an unreadable document a retriable failure: es-mget.ts). Failures
 * are `StorageError`s named by the operation.
 */
import type { Client, estypes } from '@elastic/elasticsearch';
import { instanceKey, type InstanceRef } from '@flowtrail/sdk/protocol';
import type { InstanceState } from '../../domain/instance/instance-state.ts';
import { childrenSearch } from './es-detection-queries.ts';
import { toStorageError } from './es-errors.ts';
import { sourceOfMgetItem } from './es-mget.ts';
import { instancesIndex } from './index-names.ts';

const PAGE_SIZE = 1000;

/** `fn()`, its failure a `StorageError` of `operation`. */
export async function storageCall<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toStorageError(operation, err);
  }
}

/** The states a search over the instances index finds, in its order. */
export function searchStates(
  client: Client,
  operation: string,
  request: estypes.SearchRequest,
): Promise<InstanceState[]> {
  return storageCall(operation, async () => {
    const response = await client.search<InstanceState>(request);
    return response.hits.hits.flatMap((hit) => (hit._source === undefined ? [] : [hit._source]));
  });
}

/** Every child of `parent`, in pages of `PAGE_SIZE`. */
export async function childrenOf(
  client: Client,
  prefix: string,
  parent: InstanceRef,
): Promise<InstanceState[]> {
  const key = instanceKey(parent);
  const children: InstanceState[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await searchStates(
      client,
      'children of',
      childrenSearch(instancesIndex(prefix), parent, key, PAGE_SIZE, after),
    );
    for (const item of page) children.push(item);
    if (page.length < PAGE_SIZE) return children;
    after = page[page.length - 1]?.key;
  }
}

/** The stored states of `keys` (absent ones left out), `PAGE_SIZE` per `mget`. */
export async function instancesByKeys(
  client: Client,
  prefix: string,
  keys: readonly string[],
): Promise<InstanceState[]> {
  const unique = [...new Set(keys)];
  const states: InstanceState[] = [];
  for (let i = 0; i < unique.length; i += PAGE_SIZE) {
    const ids = unique.slice(i, i + PAGE_SIZE);
    const response = await storageCall('instances by keys', () =>
      client.mget<InstanceState>({ index: instancesIndex(prefix), ids }),
    );
    for (const doc of response.docs) {
      const state = sourceOfMgetItem(doc, 'instances by keys');
      if (state !== undefined) states.push(state);
    }
  }
  return states;
}
