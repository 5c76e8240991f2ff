/**
 * The Elasticsearch store's recency scan (`EventScanFilter.recent`, event-store.ts): the
 * processes of the instances active since `since` by a composite `terms` aggregation
 * (paged, bytewise order), then each process's instances by a `lastEventAt` desc, `key`
 * asc search (`search_after` pages, keys only), then the events of a page of instances
 * (`scanEvents` over `instanceKey` terms). Failures are `StorageError`s.
 */
import type { Client, estypes } from '@elastic/elasticsearch';
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import type { EventScanFilter, InstanceEvents, RecentScan } from '../../ports/event-store.ts';
import { RECENT_SCAN_PAGE, recentScanSinceMs } from '../../ports/recent-scan.ts';
import { toStorageError } from './es-errors.ts';
import { byInstance, scanEvents } from './es-event-scan.ts';
import { instancesIndex } from './index-names.ts';

/** Processes per page of the composite aggregation. */
const PROCESS_PAGE = 1000;

async function search<T>(
  client: Client,
  operation: string,
  request: estypes.SearchRequest,
): Promise<estypes.SearchResponse<T>> {
  try {
    return await client.search<T>(request);
  } catch (err) {
    throw toStorageError(operation, err);
  }
}

/** Every process with an instance matching `filters`, in bytewise order. */
async function* processesOf(
  client: Client,
  index: string,
  filters: estypes.QueryDslQueryContainer[],
): AsyncGenerator<string> {
  let after: Record<string, estypes.FieldValue> | undefined;
  for (;;) {
    const response = await search(client, 'recent scan processes', {
      index,
      size: 0,
      query: { bool: { filter: filters } },
      aggs: {
        processes: {
          composite: {
            size: PROCESS_PAGE,
            sources: [{ process: { terms: { field: 'process' } } }],
            ...(after !== undefined ? { after } : {}),
          },
        },
      },
    });
    const agg = response.aggregations?.processes as
      estypes.AggregationsCompositeAggregate | undefined;
    const buckets = (agg?.buckets ?? []) as estypes.AggregationsCompositeBucket[];
    for (const bucket of buckets) yield String(bucket.key.process);
    if (buckets.length < PROCESS_PAGE || agg?.after_key === undefined) return;
    after = agg.after_key;
  }
}

export async function* scanRecent(
  client: Client,
  prefix: string,
  filter: EventScanFilter,
  recent: RecentScan,
): AsyncGenerator<InstanceEvents> {
  const since = recentScanSinceMs('elasticsearch', recent);
  if (recent.perProcess === 0) return;
  const index = instancesIndex(prefix);
  const filters: estypes.QueryDslQueryContainer[] = [
    { range: { lastEventAt: { gte: since, format: 'epoch_millis' } } },
    ...(filter.source !== undefined ? [{ term: { source: filter.source } }] : []),
  ];
  const processes =
    filter.process !== undefined ? [filter.process] : processesOf(client, index, filters);
  for await (const process of processes) {
    let left = recent.perProcess;
    let after: estypes.SortResults | undefined;
    while (left > 0) {
      const size = Math.min(left, RECENT_SCAN_PAGE);
      const response = await search(client, 'recent scan instances', {
        index,
        size,
        _source: false,
        track_total_hits: false,
        query: { bool: { filter: [...filters, { term: { process } }] } },
        sort: [{ lastEventAt: { order: 'desc' } }, { key: { order: 'asc' } }],
        ...(after !== undefined ? { search_after: after } : {}),
      });
      const hits = response.hits.hits;
      const keys = hits.flatMap((hit) => (hit._id === undefined ? [] : [hit._id]));
      const byKey = new Map<string, FlowtrailEvent[]>();
      if (keys.length > 0) {
        const documents = scanEvents(client, prefix, { terms: { instanceKey: keys } }, [
          { instanceKey: 'asc' },
          { id: 'asc' },
        ]);
        for await (const { key, events } of byInstance(documents)) byKey.set(key, events);
      }
      for (const key of keys) {
        const events = byKey.get(key);
        if (events !== undefined) yield { key, events };
      }
      if (hits.length < size) break;
      left -= hits.length;
      after = hits[hits.length - 1]?.sort;
    }
  }
}
