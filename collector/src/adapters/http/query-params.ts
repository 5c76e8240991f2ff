/**
 * Validation of `GET /api/instances` query parameters into an `InstanceQuery`. Pure;
 * reports every problem at once (the API answers 400 with all of them).
 */
import type { InstanceStatus } from '../../domain/instance/instance-state.ts';
import type { InstanceSortField } from '../../ports/event-store.ts';
import {
  DEFAULT_PAGE_SIZE,
  type AlertDerivedStatus,
  type InstanceSearch,
} from '../../app/queries/instance-queries.ts';

export {
  DEFAULT_PAGE_SIZE,
  type AlertDerivedStatus,
  type InstanceSearch,
} from '../../app/queries/instance-queries.ts';

export const INSTANCE_STATUSES: readonly InstanceStatus[] = [
  'running',
  'waiting',
  'completed',
  'failed',
  'cancelled',
];

export const ALERT_DERIVED_STATUSES: readonly AlertDerivedStatus[] = ['stuck', 'inconsistent'];
export const SEARCH_STATUSES: readonly string[] = [...INSTANCE_STATUSES, ...ALERT_DERIVED_STATUSES];

export const SORT_FIELDS: readonly InstanceSortField[] = ['lastEventAt', 'startedAt', 'durationMs'];

export const MAX_PAGE_SIZE = 100;
/** `from + size` stays within Elasticsearch's default `max_result_window`. */
export const MAX_RESULT_WINDOW = 10_000;
const MAX_TEXT_LENGTH = 500;

const KNOWN = new Set([
  'q',
  'process',
  'status',
  'businessKey',
  'instance',
  'system',
  'owner',
  'step',
  'timeFrom',
  'timeTo',
  'sort',
  'order',
  'facets',
  'from',
  'size',
]);

/** Exact-match parameters, copied as given (trimmed). */
const EXACT = ['process', 'businessKey', 'instance', 'system', 'owner', 'step'] as const;

export type QueryParamsResult =
  { ok: true; query: InstanceSearch } | { ok: false; problems: string[] };

/** An ISO-8601 date-time with an offset (`Z` or `±hh:mm`), as its instant in ms. */
function time(name: string, raw: string | undefined, problems: string[]): number | undefined {
  if (raw === undefined) return undefined;
  const ms = Date.parse(raw);
  if (
    !/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(raw) ||
    Number.isNaN(ms)
  ) {
    problems.push(
      `${name}: expected an ISO-8601 time with offset (2024-06-01T10:00:00Z), got ${JSON.stringify(raw)}`,
    );
    return undefined;
  }
  return ms;
}

function oneOf<T extends string>(
  name: string,
  raw: string | undefined,
  allowed: readonly T[],
  problems: string[],
): T | undefined {
  if (raw === undefined) return undefined;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  problems.push(`${name}: expected one of ${allowed.join(', ')}, got ${JSON.stringify(raw)}`);
  return undefined;
}

function integer(
  name: string,
  raw: string | undefined,
  min: number,
  max: number,
  problems: string[],
): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    problems.push(`${name}: expected an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
    return undefined;
  }
  return Number(raw);
}

/** Parses the search parameters of `GET /api/instances` (empty values count as absent). */
export function parseInstanceQuery(params: URLSearchParams): QueryParamsResult {
  const problems: string[] = [];
  const values = new Map<string, string>();
  for (const name of new Set(params.keys())) {
    const all = params.getAll(name);
    if (!KNOWN.has(name)) {
      problems.push(`${name}: unknown parameter (known: ${[...KNOWN].join(', ')})`);
    } else if (all.length > 1) {
      problems.push(`${name}: given ${all.length} times; give it once`);
    } else if (all[0] !== undefined && all[0].trim() !== '') {
      values.set(name, all[0].trim());
    }
  }
  const query: InstanceSearch = {};
  const text = values.get('q');
  if (text !== undefined) {
    if (text.length > MAX_TEXT_LENGTH) {
      problems.push(`q: at most ${MAX_TEXT_LENGTH} characters, got ${text.length}`);
    }
    query.text = text;
  }
  for (const name of EXACT) {
    const value = values.get(name);
    if (value !== undefined) query[name] = value;
  }
  const status = oneOf('status', values.get('status'), SEARCH_STATUSES, problems);
  if (status !== undefined) {
    if ((ALERT_DERIVED_STATUSES as readonly string[]).includes(status)) {
      query.alertStatus = status as AlertDerivedStatus;
    } else {
      query.status = status as InstanceStatus;
    }
  }
  const timeFrom = time('timeFrom', values.get('timeFrom'), problems);
  const timeTo = time('timeTo', values.get('timeTo'), problems);
  if (timeFrom !== undefined) query.timeFrom = values.get('timeFrom') as string;
  if (timeTo !== undefined) query.timeTo = values.get('timeTo') as string;
  if (timeFrom !== undefined && timeTo !== undefined && timeFrom > timeTo) {
    problems.push(`timeFrom: must not be after timeTo`);
  }
  const sort = oneOf('sort', values.get('sort'), SORT_FIELDS, problems);
  const order = oneOf('order', values.get('order'), ['asc', 'desc'] as const, problems);
  if (sort !== undefined || order !== undefined) {
    query.sort = { field: sort ?? 'lastEventAt', order: order ?? 'desc' };
  }
  const facets = oneOf('facets', values.get('facets'), ['true', 'false'] as const, problems);
  if (facets === 'true') query.facets = true;
  const from = integer('from', values.get('from'), 0, MAX_RESULT_WINDOW - 1, problems);
  const size = integer('size', values.get('size'), 1, MAX_PAGE_SIZE, problems);
  query.from = from ?? 0;
  query.size = size ?? DEFAULT_PAGE_SIZE;
  if (query.from + query.size > MAX_RESULT_WINDOW) {
    problems.push(`from + size: at most ${MAX_RESULT_WINDOW}, got ${query.from + query.size}`);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, query };
}
