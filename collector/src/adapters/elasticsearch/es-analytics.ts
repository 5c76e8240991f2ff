/**
 * The pre-aggregated analytics of the Elasticsearch store (ports/analytics-store.ts): the
 * indices, their coverage status and the read of buckets.
 *
 * - `<prefix>-contributions`: per instance its whole contribution (written at ingest
 *   with its state, es-summaries.ts; `process` indexed, the buckets stored only).
 * - `<prefix>-analytics`: the buckets (`kind: bucket`, by process and hour), sums of the
 *   contributions kept by the compactor (es-analytics-compactor.ts) with its checkpoint
 *   and journal, and the `status` document: whether the contributions cover every stored
 *   instance (true for a store created with them; else after `catchUpAnalytics`).
 * - `<prefix>-analytics-included`: per instance the contribution the buckets include.
 *
 * The buckets lag ingest by the compactor's interval, never by the history: a read is one
 * search of the process's hour range. Each bucket document names the compactor `page` that
 * last wrote it, so a reader that keeps them (es-analytics-cache.ts) fetches only those
 * written since the page it last read (`readBucketDocuments`).
 */
import { createHash } from 'node:crypto';
import type { Client, estypes } from '@elastic/elasticsearch';
import { isAnalyticsBucket, isEmptyBucket } from '../../domain/analytics/analytics-bucket.ts';
import type { AnalyticsBucket } from '../../domain/analytics/analytics-bucket.ts';
import type { AnalyticsQuery } from '../../ports/analytics-store.ts';
import { toStorageError } from './es-errors.ts';
import { sourceOfMgetItem } from './es-mget.ts';
import {
  analyticsIndex,
  contributionsIndex,
  includedIndex,
  instancesIndex,
} from './index-names.ts';

const PAGE = 1000;

/** Templates of the three indices: one shard each (the compactor walks `_seq_no`). */
export function analyticsTemplates(
  prefix: string,
  replicas: number,
): estypes.IndicesPutIndexTemplateRequest[] {
  const template = (
    index: string,
    properties: Record<string, estypes.MappingProperty>,
  ): estypes.IndicesPutIndexTemplateRequest => ({
    name: index,
    index_patterns: [index],
    priority: 200,
    template: {
      // Refreshed by the compactor when it reads or has written, never periodically.
      settings: { number_of_shards: 1, number_of_replicas: replicas, refresh_interval: '-1' },
      mappings: { dynamic: false, properties },
    },
  });
  return [
    template(contributionsIndex(prefix), { process: { type: 'keyword' } }),
    template(analyticsIndex(prefix), {
      kind: { type: 'keyword' },
      process: { type: 'keyword' },
      hour: { type: 'long' },
      page: { type: 'long' },
    }),
    template(includedIndex(prefix), {}),
  ];
}

/** The id of the bucket of (process, hour): bounded length whatever the process name. */
export function bucketDocumentId(process: string, hour: number): string {
  return `bucket:${createHash('sha256').update(process).digest('hex').slice(0, 32)}:${hour}`;
}

export const STATUS_ID = 'status';

/**
 * Creates the indices. A store whose contributions index is new covers every instance
 * only when it holds no state yet; otherwise the views scan until `catchUpAnalytics`.
 */
export async function prepareAnalytics(client: Client, prefix: string): Promise<void> {
  let createdContributions = false;
  for (const index of [contributionsIndex(prefix), analyticsIndex(prefix), includedIndex(prefix)]) {
    try {
      await client.indices.create({ index });
      if (index === contributionsIndex(prefix)) createdContributions = true;
    } catch (err) {
      const type = (err as { body?: { error?: { type?: string } } }).body?.error?.type;
      if (type !== 'resource_already_exists_exception')
        throw toStorageError(`create ${index}`, err);
    }
  }
  // An index created before `page` existed: without the mapping a search by page finds
  // nothing (dynamic: false), and a reader would never see a change.
  try {
    await client.indices.putMapping({
      index: analyticsIndex(prefix),
      properties: { page: { type: 'long' } },
    });
  } catch (err) {
    throw toStorageError('map analytics page', err);
  }
  if (!createdContributions) return;
  let states: number;
  try {
    states = (await client.count({ index: instancesIndex(prefix) })).count;
  } catch (err) {
    throw toStorageError('count states', err);
  }
  await writeStatus(client, prefix, states === 0, 'create');
}

export async function writeStatus(
  client: Client,
  prefix: string,
  complete: boolean,
  op: 'create' | 'index' = 'index',
): Promise<void> {
  try {
    await client.index(
      {
        index: analyticsIndex(prefix),
        id: STATUS_ID,
        op_type: op,
        document: { kind: 'status', complete },
        refresh: true,
      },
      { ignore: op === 'create' ? [409] : [] },
    );
  } catch (err) {
    throw toStorageError('write analytics status', err);
  }
}

/** Whether the contributions cover every stored instance (real-time read). */
export async function analyticsComplete(client: Client, prefix: string): Promise<boolean> {
  let response: estypes.MgetResponse<{ complete?: boolean }>;
  try {
    response = await client.mget({ docs: [{ _index: analyticsIndex(prefix), _id: STATUS_ID }] });
  } catch (err) {
    throw toStorageError('read analytics status', err);
  }
  return sourceOfMgetItem(response.docs[0], 'read analytics status')?.complete === true;
}

/** The non-empty buckets of the query, by process then hour (the compactor refreshes). */
export async function readBuckets(
  client: Client,
  prefix: string,
  query: AnalyticsQuery,
): Promise<AnalyticsBucket[]> {
  const filter: estypes.QueryDslQueryContainer[] = [{ term: { kind: 'bucket' } }];
  if (query.process !== undefined) filter.push({ term: { process: query.process } });
  if (query.fromHour !== undefined || query.toHour !== undefined) {
    filter.push({
      range: {
        hour: {
          ...(query.fromHour === undefined ? {} : { gte: query.fromHour }),
          ...(query.toHour === undefined ? {} : { lte: query.toHour }),
        },
      },
    });
  }
  const buckets: AnalyticsBucket[] = [];
  for await (const { source } of searchBuckets(client, prefix, filter)) {
    const bucket = source.bucket;
    if (isAnalyticsBucket(bucket) && !isEmptyBucket(bucket)) buckets.push(bucket);
  }
  return buckets;
}

/** A bucket document as stored: `bucket` undefined when empty (or damaged: not read). */
export interface BucketDocument {
  hour: number;
  bucket: AnalyticsBucket | undefined;
  /** Its share of the answer's JSON bytes (0 when undefined): a proxy of its parsed size. */
  bytes: number;
}

/**
 * The bucket documents of `process` (by hour) last written by a page after `afterPage`
 * (absent: all, also those written before documents had a page).
 */
export async function readBucketDocuments(
  client: Client,
  prefix: string,
  process: string,
  afterPage?: number,
): Promise<BucketDocument[]> {
  const filter: estypes.QueryDslQueryContainer[] = [
    { term: { kind: 'bucket' } },
    { term: { process } },
  ];
  if (afterPage !== undefined) filter.push({ range: { page: { gt: afterPage } } });
  const documents: BucketDocument[] = [];
  for await (const { source, bytes } of searchBuckets(client, prefix, filter)) {
    if (typeof source.hour !== 'number') continue;
    const bucket = source.bucket;
    documents.push(
      isAnalyticsBucket(bucket) && !isEmptyBucket(bucket)
        ? { hour: source.hour, bucket, bytes }
        : { hour: source.hour, bucket: undefined, bytes: 0 },
    );
  }
  return documents;
}

type BucketSource = { hour?: unknown; bucket?: unknown };

/**
 * The sources of every bucket document the filter matches, by process then hour, each
 * with its share of its answer's JSON length: the `content-length` when sent, else (a
 * chunked answer, as Elasticsearch sends most) measured, about a quarter of a first read.
 */
async function* searchBuckets(
  client: Client,
  prefix: string,
  filter: estypes.QueryDslQueryContainer[],
): AsyncGenerator<{ source: BucketSource; bytes: number }> {
  let after: estypes.SortResults | undefined;
  for (;;) {
    let response: estypes.SearchResponse<BucketSource>;
    let length: number;
    try {
      const result = await client.search<BucketSource>(
        {
          index: analyticsIndex(prefix),
          allow_partial_search_results: false,
          query: { bool: { filter } },
          sort: [{ process: 'asc' }, { hour: 'asc' }],
          size: PAGE,
          track_total_hits: false,
          ...(after === undefined ? {} : { search_after: after }),
        },
        { meta: true },
      );
      response = result.body;
      length = Number(result.headers['content-length']);
    } catch (err) {
      throw toStorageError('read analytics buckets', err);
    }
    const hits = response.hits.hits;
    if (!Number.isFinite(length)) length = JSON.stringify(hits).length;
    const bytes = hits.length === 0 ? 0 : Math.ceil(length / hits.length);
    for (const hit of hits) if (hit._source !== undefined) yield { source: hit._source, bytes };
    if (hits.length < PAGE) return;
    after = hits[hits.length - 1]?.sort;
  }
}
