/**
 * Requests of the Elasticsearch store's `DetectionReader` (es-event-store.ts), with the
 * semantics of the embedded store (sqlite/detection-queries.ts). Every query is a filter
 * on an indexed field of `<prefix>-instances` (templates.ts): `nextDeadline` and
 * `lastEventAt` are `date`s, `status`, `key` and `parent.{source,process,instance}`
 * keywords. None reads every open instance.
 */
import type { estypes } from '@elastic/elasticsearch';
import type { InstanceRef } from '@flowtrail/sdk/protocol';
import type { InstanceState, TerminalStatus } from '../../domain/instance/instance-state.ts';
import type { ChangedWindowPage, ChangedWindowQuery } from '../../ports/changed-window.ts';
import { detectionArguments } from '../../ports/detection-arguments.ts';

const TERMINAL: TerminalStatus[] = ['completed', 'failed', 'cancelled'];

/** Date ranges get milliseconds (parsed like the embedded store parses them). */
const MILLIS = 'epoch_millis';

/** Non-terminal instances with `nextDeadline` ≤ `nowMs`, earliest deadline first, then key. */
export function overdueSearch(index: string, nowMs: number, limit: number): estypes.SearchRequest {
  return {
    index,
    query: {
      bool: {
        filter: [{ range: { nextDeadline: { lte: nowMs, format: MILLIS } } }],
        must_not: [{ terms: { status: TERMINAL } }],
      },
    },
    sort: [
      { nextDeadline: { order: 'asc', unmapped_type: 'date' } },
      { key: { order: 'asc', unmapped_type: 'keyword' } },
    ],
    size: limit,
    track_total_hits: false,
  };
}

/** `lastEventAt` ≥ `sinceMs`, in key order after the cursor `after`. */
export function changedSinceSearch(
  index: string,
  sinceMs: number,
  limit: number,
  after: string | undefined,
): estypes.SearchRequest {
  return {
    index,
    query: { bool: { filter: [{ range: { lastEventAt: { gte: sinceMs, format: MILLIS } } }] } },
    sort: [{ key: { order: 'asc', unmapped_type: 'keyword' } }],
    size: limit,
    track_total_hits: false,
    ...(after !== undefined ? { search_after: [after] } : {}),
  };
}

/**
 * `since` ≤ `lastEventAt` < `until`, oldest `lastEventAt` first, ties by key descending
 * (the embedded store's index order), after the cursor `after` (arguments validated).
 */
export function changedBetweenSearch(
  index: string,
  query: ChangedWindowQuery,
): estypes.SearchRequest {
  const sinceMs = instantArgument('since', query.since);
  const untilMs = instantArgument('until', query.until);
  const size = limitArgument(query.limit, 1);
  const after = query.after;
  return {
    index,
    query: {
      bool: {
        filter: [{ range: { lastEventAt: { gte: sinceMs, lt: untilMs, format: MILLIS } } }],
      },
    },
    sort: [
      { lastEventAt: { order: 'asc', unmapped_type: 'date' } },
      { key: { order: 'desc', unmapped_type: 'keyword' } },
    ],
    size,
    track_total_hits: false,
    ...(after !== undefined
      ? { search_after: [instantArgument('after', after.lastEventAt), after.key] }
      : {}),
  };
}

/** A page of `instancesChangedBetween`: a full page's cursor is its last hit's sort values. */
export function changedBetweenPageOf(
  response: estypes.SearchResponse<InstanceState>,
  limit: number,
): ChangedWindowPage {
  const hits = response.hits.hits;
  const instances = hits.flatMap((hit) => (hit._source === undefined ? [] : [hit._source]));
  const sort = hits.length === limit ? hits[limit - 1]?.sort : undefined;
  if (sort === undefined) return { instances };
  const [ms, key] = sort as [number, string];
  return { instances, next: { lastEventAt: new Date(Number(ms)).toISOString(), key } };
}

/** Instances whose `parent` link names `parent`, except `parent` itself, in key order. */
export function childrenSearch(
  index: string,
  parent: InstanceRef,
  parentKey: string,
  size: number,
  after: string | undefined,
): estypes.SearchRequest {
  return {
    index,
    query: {
      bool: {
        filter: [
          { term: { 'parent.source': parent.source } },
          { term: { 'parent.process': parent.process } },
          { term: { 'parent.instance': parent.instance } },
        ],
        must_not: [{ term: { key: parentKey } }],
      },
    },
    sort: [{ key: { order: 'asc', unmapped_type: 'keyword' } }],
    size,
    track_total_hits: false,
    ...(after !== undefined ? { search_after: [after] } : {}),
  };
}

/**
 * Keys of the non-terminal instances (of `process` when given), in key order after the
 * cursor `after`: ids only (`_source: false`; the document id is the instance key).
 */
export function openKeysSearch(
  index: string,
  process: string | undefined,
  limit: number,
  after: string | undefined,
): estypes.SearchRequest {
  return {
    index,
    query: {
      bool: {
        filter: process === undefined ? [] : [{ term: { process } }],
        must_not: [{ terms: { status: TERMINAL } }],
      },
    },
    sort: [{ key: { order: 'asc', unmapped_type: 'keyword' } }],
    size: limit,
    _source: false,
    track_total_hits: false,
    ...(after !== undefined ? { search_after: [after] } : {}),
  };
}

export const { instantArgument, limitArgument } = detectionArguments('elasticsearch');
