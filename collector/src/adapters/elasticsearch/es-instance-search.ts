/**
 * `search` over the instances index (es-event-store.ts), with the semantics of the
 * embedded store (sqlite/instance-search.ts):
 *
 * - `process`, `status`, `instance`, `step` (`steps.name`): exact keyword terms.
 * - `system`: `source` or `systems`; `owner`: `owner` or `steps.owner` (any step's owner:
 *   `steps` is a plain object array, so a step's owner cannot be tied to its status).
 * - `timeFrom` / `timeTo`: `lastEventAt >= timeFrom` and `firstEventAt <= timeTo` (ms).
 * - `keys`: `terms` on `key` (at most MAX_KEY_FILTER; empty → nothing, without a request).
 * - Sort: the field (`missing: _last` in both directions), then `key` asc.
 * - Facets: `terms` aggregations for status and process. System and owner span two fields
 *   each, so a first request lists their values (`terms` per field) and a second counts
 *   each value once per instance (`filters`, one `should` of both fields per value).
 */
import type { Client, estypes } from '@elastic/elasticsearch';
import type { InstanceState } from '../../domain/instance/instance-state.ts';
import { StorageError } from '../../shared/errors.ts';
import {
  MAX_FACET_VALUES,
  MAX_KEY_FILTER,
  type FacetCount,
  type InstanceFacets,
  type InstancePage,
  type InstanceQuery,
  type InstanceSort,
} from '../../ports/event-store.ts';

type Query = estypes.QueryDslQueryContainer;

/** Values per field listed before the second facet request counts them per instance. */
const FACET_CANDIDATES = 1000;

/** The fields behind the two-field facets (and filters). */
const EITHER_FIELD = {
  system: ['source', 'systems'],
  owner: ['owner', 'steps.owner'],
} as const;

function invalid(message: string): StorageError {
  return new StorageError(`elasticsearch search: ${message}`, false, 400);
}

function instant(name: string, time: string): number {
  const ms = Date.parse(time);
  if (!/^\d{4}-\d\d-\d\dT/.test(time) || Number.isNaN(ms)) {
    throw invalid(`${name} must be an ISO-8601 time, got ${JSON.stringify(time)}`);
  }
  return ms;
}

const either = (fields: readonly string[], value: string): Query => ({
  bool: { should: fields.map((field) => ({ term: { [field]: value } })), minimum_should_match: 1 },
});

/** The filter clauses of a query, or undefined when it can match nothing (empty `keys`). */
export function searchFilter(query: InstanceQuery): Query[] | undefined {
  const filter: Query[] = [];
  if (query.process !== undefined) filter.push({ term: { process: query.process } });
  if (query.status !== undefined) filter.push({ term: { status: query.status } });
  if (query.businessKey !== undefined) {
    const eq = query.businessKey.indexOf('=');
    filter.push(
      eq > 0
        ? {
            term: {
              [`businessKeys.${query.businessKey.slice(0, eq)}`]: query.businessKey.slice(eq + 1),
            },
          }
        : { multi_match: { query: query.businessKey, fields: ['businessKeys.*'], lenient: true } },
    );
  }
  if (query.instance !== undefined) filter.push({ term: { instance: query.instance } });
  if (query.system !== undefined) filter.push(either(EITHER_FIELD.system, query.system));
  if (query.owner !== undefined) filter.push(either(EITHER_FIELD.owner, query.owner));
  if (query.step !== undefined) filter.push({ term: { 'steps.name': query.step } });
  if (query.timeFrom !== undefined) {
    const gte = instant('timeFrom', query.timeFrom);
    filter.push({ range: { lastEventAt: { gte, format: 'epoch_millis' } } });
  }
  if (query.timeTo !== undefined) {
    const lte = instant('timeTo', query.timeTo);
    filter.push({ range: { firstEventAt: { lte, format: 'epoch_millis' } } });
  }
  if (query.keys !== undefined) {
    if (query.keys.length > MAX_KEY_FILTER) {
      throw invalid(`keys: at most ${MAX_KEY_FILTER} instance keys, got ${query.keys.length}`);
    }
    if (query.keys.length === 0) return undefined;
    filter.push({ terms: { key: [...query.keys] } });
  }
  if (query.text !== undefined && query.text.trim() !== '') {
    filter.push({ match: { searchText: { query: query.text, operator: 'and' } } });
  }
  return filter;
}

const UNMAPPED_TYPE: Record<InstanceSort['field'], 'date' | 'long'> = {
  lastEventAt: 'date',
  startedAt: 'date',
  durationMs: 'long',
};

/** The total order of a sort: the field (absent values last), then key ascending. */
export function searchSort(sort: InstanceSort | undefined): estypes.SortCombinations[] {
  const field = sort?.field ?? 'lastEventAt';
  return [
    {
      [field]: {
        order: sort?.order ?? 'desc',
        missing: '_last',
        unmapped_type: UNMAPPED_TYPE[field],
      },
    },
    { key: { order: 'asc', unmapped_type: 'keyword' } },
  ];
}

const termsAgg = (field: string, size: number): estypes.AggregationsAggregationContainer => ({
  terms: { field, size, order: [{ _count: 'desc' }, { _key: 'asc' }] },
});

/** First-request aggregations: status and process counts, system and owner candidates. */
export function facetAggregations(): Record<string, estypes.AggregationsAggregationContainer> {
  const aggs: Record<string, estypes.AggregationsAggregationContainer> = {
    status: termsAgg('status', MAX_FACET_VALUES),
    process: termsAgg('process', MAX_FACET_VALUES),
  };
  for (const [facet, fields] of Object.entries(EITHER_FIELD)) {
    fields.forEach((field, i) => {
      aggs[`${facet}_${i}`] = termsAgg(field, FACET_CANDIDATES);
    });
  }
  return aggs;
}

interface TermsBuckets {
  buckets?: { key: unknown; doc_count: number }[];
}

function bucketsOf(aggs: Record<string, unknown> | undefined, name: string): FacetCount[] {
  const buckets = (aggs?.[name] as TermsBuckets | undefined)?.buckets ?? [];
  return buckets.map((b) => ({ value: String(b.key), count: b.doc_count }));
}

/** Most frequent first, then by value (bytewise, like a keyword sort); at most the limit. */
function ranked(counts: FacetCount[]): FacetCount[] {
  return counts
    .filter((c) => c.count > 0)
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
    .slice(0, MAX_FACET_VALUES);
}

/**
 * Status and process facets of the first response, and the second request's aggregations
 * (undefined when there are no system or owner values to count).
 */
export function firstFacets(aggs: Record<string, unknown> | undefined): {
  facets: InstanceFacets;
  candidates: Record<'system' | 'owner', string[]>;
  second?: Record<string, estypes.AggregationsAggregationContainer>;
} {
  const candidates = { system: [] as string[], owner: [] as string[] };
  const second: Record<string, estypes.AggregationsAggregationContainer> = {};
  for (const facet of ['system', 'owner'] as const) {
    const values = new Set<string>();
    EITHER_FIELD[facet].forEach((_, i) => {
      for (const bucket of bucketsOf(aggs, `${facet}_${i}`)) values.add(bucket.value);
    });
    candidates[facet] = [...values];
    if (values.size > 0) {
      second[facet] = {
        filters: { filters: candidates[facet].map((v) => either(EITHER_FIELD[facet], v)) },
      };
    }
  }
  return {
    facets: {
      status: ranked(bucketsOf(aggs, 'status')),
      process: ranked(bucketsOf(aggs, 'process')),
      system: [],
      owner: [],
    },
    candidates,
    ...(Object.keys(second).length > 0 ? { second } : {}),
  };
}

/** System and owner facets from the second response's `filters` buckets. */
export function secondFacets(
  aggs: Record<string, unknown> | undefined,
  candidates: Record<'system' | 'owner', string[]>,
): Pick<InstanceFacets, 'system' | 'owner'> {
  const counts = (facet: 'system' | 'owner'): FacetCount[] => {
    const buckets = (aggs?.[facet] as { buckets?: { doc_count: number }[] } | undefined)?.buckets;
    return ranked(
      candidates[facet].map((value, i) => ({ value, count: buckets?.[i]?.doc_count ?? 0 })),
    );
  };
  return { system: counts('system'), owner: counts('owner') };
}

/** Runs a search over `index` (the caller maps failures onto `StorageError`). */
export async function searchInstances(
  client: Client,
  index: string,
  query: InstanceQuery,
): Promise<InstancePage> {
  const filter = searchFilter(query);
  const facets = query.facets === true;
  if (filter === undefined) {
    const none = { status: [], process: [], system: [], owner: [] };
    return { total: 0, instances: [], ...(facets ? { facets: none } : {}) };
  }
  const esQuery: estypes.QueryDslQueryContainer = { bool: { filter } };
  const response = await client.search<InstanceState>({
    index,
    query: esQuery,
    from: query.from ?? 0,
    size: query.size ?? 20,
    // Same total order as every store (no relevance ranking): the sort field, ties by
    // key, so pages are stable and the embedded store can match it exactly.
    sort: searchSort(query.sort),
    track_total_hits: true,
    ...(facets ? { aggs: facetAggregations() } : {}),
  });
  const total = response.hits.total;
  const page: InstancePage = {
    total: typeof total === 'number' ? total : (total?.value ?? 0),
    instances: response.hits.hits.flatMap((hit) =>
      hit._source === undefined ? [] : [hit._source],
    ),
  };
  if (!facets) return page;
  const first = firstFacets(response.aggregations);
  page.facets = first.facets;
  if (first.second !== undefined) {
    const counted = await client.search({
      index,
      query: esQuery,
      size: 0,
      track_total_hits: false,
      aggs: first.second,
    });
    Object.assign(page.facets, secondFacets(counted.aggregations, first.candidates));
  }
  return page;
}
