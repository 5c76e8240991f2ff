/**
 * Runs an `InstanceQuery` on the embedded store's tables, with the semantics of the
 * Elasticsearch store (es-event-store.ts `search`); the filters are compiled by
 * search-filter.ts, the total and facets come from search-facets.ts.
 *
 * - Order: `sort` (default `lastEventAt` desc) as an instant / a number, instances without
 *   the field last in both directions (Elasticsearch's `missing: _last`), then `key`
 *   ascending (bytewise): total, so pages are stable. No relevance ranking on either store.
 *   Each order has an index (search-index-schema.ts), so an unfiltered page reads a page.
 * - Facets: counts over the filtered set; `system` and `owner` count each instance once
 *   per distinct value (source ∪ systems, owner ∪ step owners).
 */
import type { Statement } from 'better-sqlite3';
import type { InstanceState } from '../../domain/instance/instance-state.ts';
import { StorageError } from '../../shared/errors.ts';
import type {
  FacetCount,
  InstanceFacets,
  InstancePage,
  InstanceQuery,
  InstanceSort,
} from '../../ports/event-store.ts';
import { countedFacets, countedTotal, filteredFacets, type BoundSql } from './search-facets.ts';
import { compileFilter, type CompiledFilter } from './search-filter.ts';
import { SORT_EXPRESSIONS } from './search-index-schema.ts';

export const DEFAULT_PAGE_SIZE = 20;

/**
 * ORDER BY of a sort (absent values last in both directions, then key ascending). With
 * `sorted` false the first term is `+`-prefixed, which stops SQLite from walking a sort
 * index (`instances_recent`, `instances_by_started_desc`, …) and filtering it row by row:
 * used when a lookup drives, whose matches are few next to the whole sort index.
 */
export function orderSql(sort: InstanceSort | undefined, sorted = true): string {
  const field = sort?.field ?? 'lastEventAt';
  const direction = (sort?.order ?? 'desc') === 'asc' ? 'ASC' : 'DESC';
  const expr = SORT_EXPRESSIONS[field];
  const plus = sorted ? '' : '+';
  return field === 'lastEventAt'
    ? `ORDER BY ${plus}${expr} ${direction}, key ASC`
    : `ORDER BY ${plus}((${expr}) IS NULL), ${expr} ${direction}, key ASC`;
}

/**
 * One page of states (params: filter params, then LIMIT, OFFSET). The page's rows are
 * chosen and sorted on the small columns first and only then joined to their `state`
 * JSON, so a broad query (a common word) does not sort thousands of documents. `sorted`:
 * see `orderSql` (`CompiledFilter.sortIndex`).
 */
export function pageSql(where: string, sort?: InstanceSort, sorted = true): string {
  return `SELECT state FROM instances WHERE seq IN (
  SELECT seq FROM instances WHERE ${where} ${orderSql(sort, sorted)} LIMIT ? OFFSET ?) ${orderSql(sort)}`;
}

export const NO_FACETS: InstanceFacets = { status: [], process: [], system: [], owner: [] };

/** Facet rows (non-text values dropped). */
export function facetCounts(rows: readonly { value: unknown; count: number }[]): FacetCount[] {
  return rows.flatMap((row) =>
    typeof row.value === 'string' ? [{ value: row.value, count: row.count }] : [],
  );
}

/** The total of a filter: from the counters when they answer it, else counted. */
export function totalSql(filter: CompiledFilter): BoundSql {
  return filter.counted !== undefined
    ? countedTotal(filter.counted)
    : {
        sql: `SELECT count(*) AS total FROM instances WHERE ${filter.where}`,
        params: filter.params,
      };
}

/** The facet queries of a filter (search-facets.ts). */
export function facetSql(filter: CompiledFilter): Record<keyof InstanceFacets, BoundSql> {
  return filter.counted !== undefined && filter.counted.term === undefined
    ? countedFacets(filter.counted)
    : filteredFacets(filter.where, filter.params);
}

/**
 * From how many matches on a term filter (owner, system, step; counted) the page walks the
 * sort index instead of reading every match: at 2,000 the walk reads at most
 * ~(offset + size) × instances / 2,000 rows, the lookup 2,000 and a sort.
 */
export const WALK_MIN_MATCHES = 2_000;

/** `from` and `size` with defaults; throws on values Elasticsearch would refuse too. */
export function pageOf(query: InstanceQuery): { from: number; size: number } {
  const from = query.from ?? 0;
  const size = query.size ?? DEFAULT_PAGE_SIZE;
  for (const [name, value] of [
    ['from', from],
    ['size', size],
  ] as const) {
    if (!Number.isInteger(value) || value < 0) {
      throw new RangeError(`search ${name} must be a non-negative integer, got ${value}`);
    }
  }
  return { from, size };
}

/**
 * Runs a search: total, page and facets from one read transaction (one snapshot).
 * `prepare` compiles (and may cache) a statement. An invalid query is a non-retriable
 * `StorageError` (400).
 */
export function searchInstances(
  prepare: (sql: string) => Statement,
  transaction: <T>(fn: () => T) => T,
  query: InstanceQuery,
): InstancePage {
  let page: { from: number; size: number };
  let filter: CompiledFilter | undefined;
  try {
    page = pageOf(query);
    filter = compileFilter(query);
  } catch (err) {
    throw new StorageError(`sqlite search failed: ${(err as Error).message}`, false, 400);
  }
  const facets = query.facets === true;
  if (filter === undefined) {
    return { total: 0, instances: [], ...(facets ? { facets: structuredClone(NO_FACETS) } : {}) };
  }
  const total = totalSql(filter);
  const count = prepare(total.sql);
  const facetStatements = facets
    ? Object.entries(facetSql(filter)).map(
        ([name, bound]) => [name, prepare(bound.sql), bound.params] as const,
      )
    : [];
  const lookup = filter;
  return transaction(() => {
    const { total: matching } = count.get(...total.params) as { total: number };
    // A common term: walk the sort index (the counters said how common, in this snapshot).
    const chosen =
      lookup.counted?.term !== undefined && matching >= WALK_MIN_MATCHES
        ? (compileFilter(query, true) ?? lookup)
        : lookup;
    const rows =
      page.size === 0 || matching === 0
        ? []
        : (prepare(pageSql(chosen.where, query.sort, chosen.sortIndex)).all(
            ...chosen.params,
            page.size,
            page.from,
          ) as { state: string }[]);
    const result: InstancePage = {
      total: matching,
      instances: rows.map((row) => JSON.parse(row.state) as InstanceState),
    };
    if (facets) {
      const counts = { ...NO_FACETS };
      for (const [name, statement, bound] of facetStatements) {
        counts[name as keyof InstanceFacets] = facetCounts(
          statement.all(...bound) as { value: unknown; count: number }[],
        );
      }
      result.facets = counts;
    }
    return result;
  });
}
