/**
 * The Elasticsearch stores' change feed (storage/change-feed.ts) on `_seq_no`: every
 * index operation on a shard gets the next sequence number, and a document keeps the one
 * of its latest write. `<prefix>-instances` and `<prefix>-alerts` have one shard
 * (templates.ts, alert-index.ts), so `_seq_no` orders every write of the index; the
 * change number of a write is its `_seq_no` + 1 (the first write of an index has
 * `_seq_no` 0, and 0 means "nothing written"). One
 * search answers a change read: the newest number (a `max` over every document, under a
 * `global` aggregation so the query does not narrow it) and the documents written after
 * `after` in write order — from one searcher, so both agree. Near-real-time: a write shows
 * up after the next refresh.
 */
import type { estypes } from '@elastic/elasticsearch';
import { StorageError } from '../../shared/errors.ts';
import { changeArgumentProblem, changePage, type ChangePage } from '../../ports/change-feed.ts';

/** The search for a change read of `index`; `source`: the fields the keys come from. */
export function changesSearch(
  index: string,
  after: number | undefined,
  limit: number,
  source: string[] | false,
): estypes.SearchRequest {
  const problem = changeArgumentProblem(after, limit);
  if (problem !== undefined) {
    throw new StorageError(`elasticsearch change feed: ${problem}`, false, 400);
  }
  return {
    index,
    allow_no_indices: true,
    ignore_unavailable: true,
    track_total_hits: false,
    aggs: { all: { global: {}, aggs: { newest: { max: { field: '_seq_no' } } } } },
    ...(after === undefined
      ? { size: 0 }
      : {
          query: { range: { _seq_no: { gte: after } } }, // change number = _seq_no + 1
          sort: [{ _seq_no: 'asc' }],
          size: limit + 1,
          _source: source,
        }),
  };
}

type ChangeHit = estypes.SearchHit<Record<string, unknown>>;

/** The change page of a `changesSearch` answer; `keysOf` reads the keys of one document. */
export function changePageOf(
  response: estypes.SearchResponse<Record<string, unknown>>,
  after: number | undefined,
  limit: number,
  keysOf: (hit: ChangeHit) => string[],
): ChangePage {
  const all = response.aggregations?.all as { newest?: { value?: number | null } } | undefined;
  const newest = all?.newest?.value;
  const seq = typeof newest === 'number' ? Math.round(newest) + 1 : 0;
  if (after === undefined) return { seq, keys: [], truncated: false };
  const hits = response.hits.hits;
  return changePage(seq, hits.flatMap(keysOf), limit, hits.length > limit);
}

/** Keys of a changed instance document: its id is the instance key. */
export function instanceKeysOf(hit: ChangeHit): string[] {
  return hit._id === undefined ? [] : [hit._id];
}

/** Keys of a changed alert document: its `instance` and `relatedKeys`. */
export function alertKeysOf(hit: ChangeHit): string[] {
  const source = hit._source ?? {};
  const related = Array.isArray(source.relatedKeys) ? source.relatedKeys : [];
  return [source.instance, ...related].filter((key): key is string => typeof key === 'string');
}
