/**
 * Compiles the filters of an `InstanceQuery` into one SQL condition over `instances`, with
 * the semantics of the Elasticsearch store (es-event-store.ts `search`), each read through
 * an index of search-index-schema.ts (plans: collector/test/sqlite-search-plans.test.ts):
 *
 * - `process`, `status`: exact match (`instances_by_process`, `_by_status`,
 *   `_by_process_status`).
 * - `businessKey`: `name=value` (first `=` at position > 0) matches that key exactly;
 *   anything else matches the value under any key name. Case-sensitive, like a keyword
 *   (`business_keys_by_value`).
 * - `text`: every word must occur in the instance's search text (AND), case-insensitive.
 *   Words are runs of letters, digits and `_` (`ORD-4711` → `ord` AND `4711`). Blank text
 *   is no condition; text without any word matches nothing (ES: zero terms → no hits).
 *   (`instances_fts`.)
 * - `instance`: exact instance id (`instances_by_instance_id`). `system`: the state's
 *   `source` or one of its `systems`. `owner`: the state's `owner` or the owner of one of
 *   its steps. `step`: a step name. (`instance_terms_by_value`.)
 * - `timeFrom` / `timeTo`: the activity [firstEventAt, lastEventAt] overlaps the range
 *   (instants in ms, inclusive), like an Elasticsearch `date` range (`instances_recent`,
 *   `instances_by_first_event`).
 * - `keys`: only these instance keys (one JSON parameter, so no parameter-count limit).
 */
import { MAX_KEY_FILTER, type InstanceQuery } from '../../ports/event-store.ts';
import type { CountedFilter } from './search-facets.ts';
import { FIRST_EVENT_MS_EXPR, INSTANCE_ID_EXPR, type TermKind } from './search-index-schema.ts';

export interface CompiledFilter {
  /** SQL condition over `instances` (never empty: `1` when there is no condition). */
  where: string;
  params: (string | number)[];
  /**
   * Set when the counters answer: process and/or status only (total and facets), or that
   * plus one owner, system or step (`term`: the total).
   */
  counted?: CountedFilter;
  /**
   * Whether the page may walk a sort index (no filter, process / status, or only walked
   * terms): false when a lookup or the time range drives.
   */
  sortIndex: boolean;
}

/** Words of a free-text query, split like the FTS5 tokenizer of `instances_fts`. */
export function wordsOf(text: string): string[] {
  return text.match(/[\p{L}\p{N}\p{Co}_]+/gu) ?? [];
}

/** FTS5 query requiring every word (each quoted, so no word is read as an operator). */
export function ftsQueryOf(words: readonly string[]): string {
  return words.map((word) => `"${word.replaceAll('"', '""')}"`).join(' AND ');
}

/**
 * One filter condition, in two forms: `driver` reads it through its index, `check` tests
 * it on a candidate row and cannot become an index read (`+column`, a correlated EXISTS
 * on a primary key), so SQLite neither scans nor builds the full match set of a condition
 * that does not drive. Roles, in the order they drive: a lookup (instance id, business
 * key, keys, text, terms), the process / status index, the time range; `walk` never
 * drives (a term checked on the rows of a sort-index walk).
 */
interface Condition {
  role: 'lookup' | 'index' | 'time' | 'walk';
  /** Set on an owner, system or step condition (the counters know its total). */
  term?: { kind: TermKind; value: string };
  driver: string;
  check: string;
  params: (string | number)[];
  /** The driver's own params, when they differ from `params` (the check's). */
  driverParams?: (string | number)[];
}

/**
 * The filter of a query, or undefined when it can match nothing. Exactly one condition
 * drives (is read through its index), chosen by expected selectivity: instance id, business
 * key, keys, text, step, owner, system, then process / status (one index for both), then
 * the time range. Every other condition is a per-row check that cannot become the index
 * (`+column`, a correlated EXISTS on a primary key), so SQLite never scans, or builds the
 * full match set of, a less selective condition (plans: sqlite-search-plans.test.ts).
 *
 * `walk`: owner, system and step never drive, they are checked on the rows of the sort
 * index (or of process / status) instead. The right plan for a common term (a team that
 * owns a step of every order): the page then stops after about page size / share of
 * matching rows, whatever the history, where the lookup would read every match to sort
 * them. instance-search.ts chooses it by the term's count (`WALK_MIN_MATCHES`).
 */
export function compileFilter(query: InstanceQuery, walk = false): CompiledFilter | undefined {
  const conditions: Condition[] = [];
  if (query.instance !== undefined) {
    const check = `${INSTANCE_ID_EXPR} = ?`;
    conditions.push({ role: 'lookup', check, driver: check, params: [query.instance] });
  }
  if (query.businessKey !== undefined) {
    const eq = query.businessKey.indexOf('=');
    const [match, params] =
      eq > 0
        ? [
            'value = ? AND name = ?',
            [query.businessKey.slice(eq + 1), query.businessKey.slice(0, eq)],
          ]
        : ['value = ?', [query.businessKey]];
    conditions.push({
      role: 'lookup',
      check: `EXISTS (SELECT 1 FROM business_keys WHERE instance_key = instances.key AND ${match})`,
      driver: `key IN (SELECT instance_key FROM business_keys WHERE ${match})`,
      params,
    });
  }
  if (query.keys !== undefined) {
    if (query.keys.length > MAX_KEY_FILTER) {
      throw new RangeError(
        `search keys: at most ${MAX_KEY_FILTER} instance keys, got ${query.keys.length}`,
      );
    }
    if (query.keys.length === 0) return undefined;
    const check = 'key IN (SELECT value FROM json_each(?))';
    conditions.push({ role: 'lookup', check, driver: check, params: [JSON.stringify(query.keys)] });
  }
  if (query.text !== undefined && query.text.trim() !== '') {
    const words = wordsOf(query.text);
    if (words.length === 0) return undefined;
    conditions.push({
      role: 'lookup',
      check: `EXISTS (SELECT 1 FROM instances_fts
  WHERE instances_fts MATCH ? AND instances_fts.rowid = instances.seq)`,
      driver: 'seq IN (SELECT rowid FROM instances_fts WHERE instances_fts MATCH ?)',
      params: [ftsQueryOf(words)],
    });
  }
  // A term row carries its instance's status and process: as the driver, the lookup
  // narrows to them inside instance_terms_by_value (kind, value, status, process).
  const narrow = (['status', 'process'] as const).filter((column) => query[column] !== undefined);
  for (const kind of ['step', 'owner', 'system'] as const) {
    const value = query[kind];
    if (value === undefined) continue;
    conditions.push({
      role: walk ? 'walk' : 'lookup',
      term: { kind, value },
      check: `EXISTS (SELECT 1 FROM instance_terms
  WHERE instance_key = instances.key AND kind = '${kind}' AND value = ?)`,
      driver: `key IN (SELECT instance_key FROM instance_terms WHERE kind = '${kind}' AND value = ?${narrow
        .map((column) => ` AND ${column} = ?`)
        .join('')})`,
      params: [value],
      driverParams: [value, ...narrow.map((column) => query[column] as string)],
    });
  }
  // process and status drive together (instances_by_process_status) or alone.
  for (const column of ['process', 'status'] as const) {
    const value = query[column];
    if (value === undefined) continue;
    conditions.push({
      role: 'index',
      check: `+${column} = ?`,
      driver: `${column} = ?`,
      params: [value],
    });
  }
  if (query.timeFrom !== undefined) {
    conditions.push({
      role: 'time',
      check: '+last_event_ms >= ?',
      driver: 'last_event_ms >= ?',
      params: [instantMs('timeFrom', query.timeFrom)],
    });
  }
  if (query.timeTo !== undefined) {
    conditions.push({
      role: 'time',
      check: `+${FIRST_EVENT_MS_EXPR} <= ?`,
      driver: `${FIRST_EVENT_MS_EXPR} <= ?`,
      params: [instantMs('timeTo', query.timeTo)],
    });
  }
  return assemble(conditions, query);
}

/** The WHERE of the conditions: the drivers in their index form, the rest as checks. */
function assemble(conditions: readonly Condition[], query: InstanceQuery): CompiledFilter {
  const scope = {
    ...(query.process === undefined ? {} : { process: query.process }),
    ...(query.status === undefined ? {} : { status: query.status }),
  };
  if (conditions.length === 0) return { where: '1', params: [], counted: {}, sortIndex: true };
  const lookup = conditions.find((condition) => condition.role === 'lookup');
  const drives = (condition: Condition): boolean =>
    lookup !== undefined
      ? condition === lookup
      : conditions.some((c) => c.role === 'index')
        ? condition.role === 'index'
        : condition.role === 'time';
  const filter: CompiledFilter = {
    // A page may walk a sort index when process / status drive, or nothing does.
    sortIndex: !conditions.some(
      (condition) =>
        drives(condition) && (condition.role === 'lookup' || condition.role === 'time'),
    ),
    where: conditions
      .map((condition) => (drives(condition) ? condition.driver : condition.check))
      .join(' AND '),
    params: conditions.flatMap((condition) =>
      drives(condition) ? (condition.driverParams ?? condition.params) : condition.params,
    ),
  };
  const others = conditions.filter((condition) => condition.role !== 'index');
  const [only] = others;
  if (others.length === 0) filter.counted = scope;
  else if (others.length === 1 && only?.term !== undefined) {
    filter.counted = { ...scope, term: only.term };
  }
  return filter;
}

/** The instant of an ISO-8601 time in ms; throws on one that is not a time. */
export function instantMs(name: string, time: string): number {
  const ms = Date.parse(time);
  if (!/^\d{4}-\d\d-\d\dT/.test(time) || Number.isNaN(ms)) {
    throw new RangeError(`search ${name} must be an ISO-8601 time, got ${JSON.stringify(time)}`);
  }
  return ms;
}
