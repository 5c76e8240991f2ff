/**
 * Translates an `InstanceQuery` into SQL over the embedded store's tables, with the
 * semantics of the Elasticsearch store (es-event-store.ts `search`):
 *
 * - `process`, `status`: exact match.
 * - `businessKey`: `name=value` (first `=` at position > 0) matches that key exactly;
 *   anything else matches the value under any key name. Case-sensitive, like a keyword.
 * - `text`: every word must occur in the instance's search text (AND), case-insensitive.
 *   Words are runs of letters, digits and `_` (`ORD-4711` → `ord` AND `4711`). Blank text
 *   is no condition; text without any word matches nothing (ES: zero terms → no hits).
 * - `instance`: exact instance id. `system`: the state's `source` or one of its `systems`.
 *   `owner`: the state's `owner` or the owner of one of its steps. `step`: a step name.
 *   (Read from the state JSON: the embedded store is for small volumes.)
 * - `timeFrom` / `timeTo`: the activity [firstEventAt, lastEventAt] overlaps the range
 *   (instants in ms, inclusive), like an Elasticsearch `date` range.
 * - `keys`: only these instance keys (one JSON parameter, so no parameter-count limit).
 * - Order: `sort` (default `lastEventAt` desc) as an instant / a number, instances without
 *   the field last in both directions (Elasticsearch's `missing: _last`), then `key`
 *   ascending (bytewise): total, so pages are stable. No relevance ranking on either store.
 * - Facets: GROUP BY over the filtered rows; `system` and `owner` count each instance once
 *   per distinct value (source ∪ systems, owner ∪ step owners).
 */
import type { Statement } from 'better-sqlite3';
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

export const DEFAULT_PAGE_SIZE = 20;

/** Milliseconds since the epoch of an ISO-8601 time (offsets honoured; NULL stays NULL). */
const msOf = (expr: string): string =>
  `CAST(round((julianday(${expr}) - 2440587.5) * 86400000) AS INTEGER)`;

const SORT_EXPRESSIONS: Record<InstanceSort['field'], string> = {
  lastEventAt: 'last_event_ms',
  startedAt: msOf("json_extract(state, '$.startedAt')"),
  durationMs: "json_extract(state, '$.durationMs')",
};

/** ORDER BY of a sort (absent values last in both directions, then key ascending). */
export function orderSql(sort: InstanceSort | undefined): string {
  const field = sort?.field ?? 'lastEventAt';
  const direction = (sort?.order ?? 'desc') === 'asc' ? 'ASC' : 'DESC';
  const expr = SORT_EXPRESSIONS[field];
  const nullsLast = field === 'lastEventAt' ? '' : `(${expr}) IS NULL, `;
  return `ORDER BY ${nullsLast}${expr} ${direction}, key ASC`;
}

/**
 * One page of states (params: filter params, then LIMIT, OFFSET). The page's rows are
 * chosen and sorted on the small columns first and only then joined to their `state`
 * JSON, so a broad query (a common word) does not sort thousands of documents.
 */
export function pageSql(where: string, sort?: InstanceSort): string {
  const order = orderSql(sort);
  return `SELECT state FROM instances WHERE seq IN (
  SELECT seq FROM instances WHERE ${where} ${order} LIMIT ? OFFSET ?) ${order}`;
}

const FACET_ORDER = `GROUP BY value ORDER BY count DESC, value ASC LIMIT ${MAX_FACET_VALUES}`;

/** The facet queries of a filter (each takes the filter params once). */
export function facetSql(where: string): Record<keyof InstanceFacets, string> {
  const filtered = `WITH f AS (SELECT key AS k, state FROM instances WHERE ${where})`;
  const perInstance = (pairs: string): string =>
    `${filtered} SELECT value, count(*) AS count FROM (${pairs})
  WHERE value IS NOT NULL ${FACET_ORDER}`;
  return {
    status: `SELECT status AS value, count(*) AS count FROM instances WHERE ${where} ${FACET_ORDER}`,
    process: `SELECT process AS value, count(*) AS count FROM instances WHERE ${where} ${FACET_ORDER}`,
    system: perInstance(`SELECT f.k, json_extract(f.state, '$.source') AS value FROM f
    UNION SELECT f.k, j.value FROM f, json_each(f.state, '$.systems') AS j WHERE j.type = 'text'`),
    owner: perInstance(`SELECT f.k, json_extract(f.state, '$.owner') AS value FROM f
    UNION SELECT f.k, json_extract(j.value, '$.owner') FROM f, json_each(f.state, '$.steps') AS j`),
  };
}

export const NO_FACETS: InstanceFacets = { status: [], process: [], system: [], owner: [] };

/** Facet rows as returned by `facetSql` (non-text values dropped). */
export function facetCounts(rows: readonly { value: unknown; count: number }[]): FacetCount[] {
  return rows.flatMap((row) =>
    typeof row.value === 'string' ? [{ value: row.value, count: row.count }] : [],
  );
}

export function countSql(where: string): string {
  return `SELECT count(*) AS total FROM instances WHERE ${where}`;
}

export interface CompiledFilter {
  /** SQL condition over `instances` (never empty: `1` when there is no condition). */
  where: string;
  params: (string | number)[];
}

/** Words of a free-text query, split like the FTS5 tokenizer of `instances_fts`. */
export function wordsOf(text: string): string[] {
  return text.match(/[\p{L}\p{N}\p{Co}_]+/gu) ?? [];
}

/** FTS5 query requiring every word (each quoted, so no word is read as an operator). */
export function ftsQueryOf(words: readonly string[]): string {
  return words.map((word) => `"${word.replaceAll('"', '""')}"`).join(' AND ');
}

/** The filter of a query, or undefined when it can match nothing. */
export function compileFilter(query: InstanceQuery): CompiledFilter | undefined {
  const conditions: string[] = [];
  const params: (string | number)[] = [];
  if (query.process !== undefined) {
    conditions.push('process = ?');
    params.push(query.process);
  }
  if (query.status !== undefined) {
    conditions.push('status = ?');
    params.push(query.status);
  }
  if (query.businessKey !== undefined) {
    const eq = query.businessKey.indexOf('=');
    if (eq > 0) {
      conditions.push(
        'key IN (SELECT instance_key FROM business_keys WHERE value = ? AND name = ?)',
      );
      params.push(query.businessKey.slice(eq + 1), query.businessKey.slice(0, eq));
    } else {
      conditions.push('key IN (SELECT instance_key FROM business_keys WHERE value = ?)');
      params.push(query.businessKey);
    }
  }
  if (query.instance !== undefined) {
    conditions.push("json_extract(state, '$.instance') = ?");
    params.push(query.instance);
  }
  if (query.system !== undefined) {
    conditions.push(`(json_extract(state, '$.source') = ? OR EXISTS (
  SELECT 1 FROM json_each(instances.state, '$.systems') AS sys WHERE sys.value = ?))`);
    params.push(query.system, query.system);
  }
  if (query.owner !== undefined) {
    conditions.push(`(json_extract(state, '$.owner') = ? OR EXISTS (
  SELECT 1 FROM json_each(instances.state, '$.steps') AS st
  WHERE json_extract(st.value, '$.owner') = ?))`);
    params.push(query.owner, query.owner);
  }
  if (query.step !== undefined) {
    conditions.push(`EXISTS (SELECT 1 FROM json_each(instances.state, '$.steps') AS st
  WHERE json_extract(st.value, '$.name') = ?)`);
    params.push(query.step);
  }
  if (query.timeFrom !== undefined) {
    conditions.push('last_event_ms >= ?');
    params.push(instantMs('timeFrom', query.timeFrom));
  }
  if (query.timeTo !== undefined) {
    conditions.push(`${msOf("json_extract(state, '$.firstEventAt')")} <= ?`);
    params.push(instantMs('timeTo', query.timeTo));
  }
  if (query.keys !== undefined) {
    if (query.keys.length > MAX_KEY_FILTER) {
      throw new RangeError(
        `search keys: at most ${MAX_KEY_FILTER} instance keys, got ${query.keys.length}`,
      );
    }
    if (query.keys.length === 0) return undefined;
    conditions.push('key IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(query.keys));
  }
  if (query.text !== undefined && query.text.trim() !== '') {
    const words = wordsOf(query.text);
    if (words.length === 0) return undefined;
    conditions.push('seq IN (SELECT rowid FROM instances_fts WHERE instances_fts MATCH ?)');
    params.push(ftsQueryOf(words));
  }
  return { where: conditions.length === 0 ? '1' : conditions.join(' AND '), params };
}

/** The instant of an ISO-8601 time in ms; throws on one that is not a time. */
export function instantMs(name: string, time: string): number {
  const ms = Date.parse(time);
  if (!/^\d{4}-\d\d-\d\dT/.test(time) || Number.isNaN(ms)) {
    throw new RangeError(`search ${name} must be an ISO-8601 time, got ${JSON.stringify(time)}`);
  }
  return ms;
}

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
  const { where, params } = filter;
  const count = prepare(countSql(where));
  const select = prepare(pageSql(where, query.sort));
  const facetStatements = facets
    ? Object.entries(facetSql(where)).map(([name, sql]) => [name, prepare(sql)] as const)
    : [];
  return transaction(() => {
    const { total } = count.get(...params) as { total: number };
    const rows =
      page.size === 0 ? [] : (select.all(...params, page.size, page.from) as { state: string }[]);
    const result: InstancePage = {
      total,
      instances: rows.map((row) => JSON.parse(row.state) as InstanceState),
    };
    if (facets) {
      const counts = { ...NO_FACETS };
      for (const [name, statement] of facetStatements) {
        counts[name as keyof InstanceFacets] = facetCounts(
          statement.all(...params) as { value: unknown; count: number }[],
        );
      }
      result.facets = counts;
    }
    return result;
  });
}
