/**
 * Reading event documents of the Elasticsearch store (es-event-store.ts): every matching
 * document of the daily events indices, paged with `search_after` over a total sort
 * order, after a refresh (read-your-writes for `eventsOfInstances`), and grouped into
 * instances for `scanInstanceEvents`. Failures are `StorageError`s.
 */
import type { Client, estypes } from '@elastic/elasticsearch';
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import type { InstanceEvents } from '../../ports/event-store.ts';
import { toStorageError } from './es-errors.ts';
import { eventOfDocument, type EventDocument } from './es-event-document.ts';
import { eventsIndexPattern } from './index-names.ts';

export type { EventDocument } from './es-event-document.ts';

/** Documents per page of a scan. */
const PAGE_SIZE = 1000;

/** Time instant, then id: the order `getEvents` returns on every store. */
export function oldestFirst(a: FlowtrailEvent, b: FlowtrailEvent): number {
  return Date.parse(a.time) - Date.parse(b.time) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Makes every event written so far searchable. */
export async function refreshEvents(client: Client, prefix: string): Promise<void> {
  try {
    await client.indices.refresh({
      index: eventsIndexPattern(prefix),
      allow_no_indices: true,
      ignore_unavailable: true,
    });
  } catch (err) {
    throw toStorageError('refresh events', err);
  }
}

/** Every matching event document, in `sort` order (which must be total). */
export async function* scanEvents(
  client: Client,
  prefix: string,
  query: estypes.QueryDslQueryContainer,
  sort: estypes.SortCombinations[],
): AsyncGenerator<EventDocument> {
  let after: estypes.SortResults | undefined;
  for (;;) {
    let response: estypes.SearchResponse<EventDocument>;
    try {
      response = await client.search<EventDocument>({
        index: eventsIndexPattern(prefix),
        allow_no_indices: true,
        ignore_unavailable: true,
        // A shard not started yet (just after a restart) fails the search, retriably,
        // instead of leaving its events out: a re-fold from part of them is a wrong state.
        allow_partial_search_results: false,
        query,
        sort,
        size: PAGE_SIZE,
        ...(after !== undefined ? { search_after: after } : {}),
      });
    } catch (err) {
      throw toStorageError('search events', err);
    }
    const hits = response.hits.hits;
    for (const hit of hits) if (hit._source !== undefined) yield hit._source;
    if (hits.length < PAGE_SIZE) return;
    after = hits[hits.length - 1]?.sort;
  }
}

/** Documents sorted by `instanceKey` → one item per instance, its events oldest first. */
export async function* byInstance(
  documents: AsyncIterable<EventDocument>,
): AsyncGenerator<InstanceEvents> {
  let current: InstanceEvents | undefined;
  for await (const doc of documents) {
    const { instanceKey } = doc;
    if (current !== undefined && current.key !== instanceKey) {
      yield { key: current.key, events: current.events.sort(oldestFirst) };
      current = undefined;
    }
    current ??= { key: instanceKey, events: [] };
    current.events.push(eventOfDocument(doc));
  }
  if (current !== undefined) yield { key: current.key, events: current.events.sort(oldestFirst) };
}

/** Every stored event of each of `keys`, by instance key (in a total order per instance). */
export async function eventsByInstance(
  client: Client,
  prefix: string,
  keys: readonly string[],
): Promise<Map<string, FlowtrailEvent[]>> {
  const result = new Map<string, FlowtrailEvent[]>();
  if (keys.length === 0) return result;
  const query: estypes.QueryDslQueryContainer = { terms: { instanceKey: [...new Set(keys)] } };
  for await (const doc of scanEvents(client, prefix, query, [
    { instanceKey: 'asc' },
    { id: 'asc' },
  ])) {
    const event = eventOfDocument(doc);
    const list = result.get(doc.instanceKey);
    if (list === undefined) result.set(doc.instanceKey, [event]);
    else list.push(event);
  }
  return result;
}

/** One instance's stored events, oldest first (by `time`, then id). */
export async function eventsOfInstance(
  client: Client,
  prefix: string,
  key: string,
): Promise<FlowtrailEvent[]> {
  const events: FlowtrailEvent[] = [];
  const sort: estypes.SortCombinations[] = [{ time: 'asc' }, { id: 'asc' }];
  for await (const doc of scanEvents(client, prefix, { term: { instanceKey: key } }, sort)) {
    events.push(eventOfDocument(doc));
  }
  return events;
}
