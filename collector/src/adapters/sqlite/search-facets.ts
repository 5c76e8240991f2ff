/**
 * The total and the facets of an embedded-store search (instance-search.ts), read so that
 * their cost does not grow with the stored history where the schema allows it
 * (search-index-schema.ts):
 *
 * - A filter on `process` and/or `status` only (also none at all: the dashboard's list
 *   and process list, the ownership counts) is answered from the `instance_counts`
 *   counters: sums over (processes × statuses × values) rows, independent of how many
 *   instances are stored. So is the total (not the facets) of one owner, system or step
 *   with at most a process and a status.
 * - Any other filter counts the filtered instances (cost ∝ matches, the same rows the page
 *   is chosen from): status and process GROUP BY over them, system and owner by joining
 *   each matching instance to its `instance_terms` rows (a primary-key range per instance,
 *   each value counted once per instance, as the port specifies).
 *
 * Both give the port's order: count desc, then value asc (bytewise), at most
 * `MAX_FACET_VALUES`; values counting 0 are left out.
 */
import { MAX_FACET_VALUES, type InstanceFacets } from '../../ports/event-store.ts';
import type { TermKind } from './search-index-schema.ts';

/**
 * A filter the counters answer: at most a process and a status, and at most one term
 * (owner, system or step). With a term the counters give the total only (they hold no
 * co-occurrences of two values), without one also the facets.
 */
export interface CountedFilter {
  process?: string;
  status?: string;
  term?: { kind: TermKind; value: string };
}

/** A statement and the parameters to run it with. */
export interface BoundSql {
  sql: string;
  params: (string | number)[];
}

const FACET_ORDER = `ORDER BY count DESC, value ASC LIMIT ${MAX_FACET_VALUES}`;

/** The counter rows of `kind` under the filter (the index prefix is kind, process, status). */
function counterRows(kind: string, filter: CountedFilter, value?: string): BoundSql {
  const conditions = ['kind = ?'];
  const params: string[] = [kind];
  if (value !== undefined) {
    conditions.push('value = ?');
    params.push(value);
  }
  if (filter.process !== undefined) {
    conditions.push('process = ?');
    params.push(filter.process);
  }
  if (filter.status !== undefined) {
    conditions.push('status = ?');
    params.push(filter.status);
  }
  return { sql: `FROM instance_counts WHERE ${conditions.join(' AND ')}`, params };
}

/** The total of a counted filter (one row: `total`). */
export function countedTotal(filter: CountedFilter): BoundSql {
  const rows =
    filter.term === undefined
      ? counterRows('', filter, '')
      : counterRows(filter.term.kind, filter, filter.term.value);
  return { sql: `SELECT coalesce(sum(n), 0) AS total ${rows.sql}`, params: rows.params };
}

/** The facets of a counted filter without a term, from the counters (rows: value, count). */
export function countedFacets(filter: CountedFilter): Record<keyof InstanceFacets, BoundSql> {
  const facet = (kind: string, column: string): BoundSql => {
    const rows = counterRows(kind, filter);
    return {
      sql: `SELECT ${column} AS value, sum(n) AS count ${rows.sql}
  GROUP BY ${column} HAVING sum(n) > 0 ${FACET_ORDER}`,
      params: rows.params,
    };
  };
  return {
    status: facet('', 'status'),
    process: facet('', 'process'),
    system: facet('system', 'value'),
    owner: facet('owner', 'value'),
  };
}

/**
 * The facets of any filter (`where` over `instances`, with its params), counted over the
 * matching instances. The matches are MATERIALIZED first: otherwise SQLite prefers to walk
 * a whole GROUP BY-ordered index (`instances_by_status`) over reading the filter's own
 * index and grouping. The terms are joined from the filtered keys (CROSS JOIN keeps that
 * order: each instance's terms are a primary-key range).
 */
export function filteredFacets(
  where: string,
  params: readonly (string | number)[],
): Record<keyof InstanceFacets, BoundSql> {
  const own = (column: string): BoundSql => ({
    sql: `WITH f AS MATERIALIZED (SELECT ${column} AS v FROM instances WHERE ${where})
SELECT v AS value, count(*) AS count FROM f GROUP BY v ${FACET_ORDER}`,
    params: [...params],
  });
  const terms = (kind: string): BoundSql => ({
    sql: `WITH f AS MATERIALIZED (SELECT key AS k FROM instances WHERE ${where})
SELECT t.value AS value, count(*) AS count FROM f CROSS JOIN instance_terms AS t
  WHERE t.instance_key = f.k AND t.kind = ? GROUP BY t.value ${FACET_ORDER}`,
    params: [...params, kind],
  });
  return {
    status: own('status'),
    process: own('process'),
    system: terms('system'),
    owner: terms('owner'),
  };
}
