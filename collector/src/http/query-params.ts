/**
 * Validation of `GET /api/instances` query parameters into an `InstanceQuery`. Pure;
 * reports every problem at once (the API answers 400 with all of them).
 */
import type { InstanceStatus } from '../core/instance-state.ts';
import type { InstanceQuery } from '../storage/event-store.ts';

export const INSTANCE_STATUSES: readonly InstanceStatus[] = [
  'running',
  'waiting',
  'completed',
  'failed',
  'cancelled',
];

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
/** `from + size` stays within Elasticsearch's default `max_result_window`. */
export const MAX_RESULT_WINDOW = 10_000;
const MAX_TEXT_LENGTH = 500;

const KNOWN = new Set(['q', 'process', 'status', 'businessKey', 'from', 'size']);

export type QueryParamsResult =
  { ok: true; query: InstanceQuery } | { ok: false; problems: string[] };

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
  const query: InstanceQuery = {};
  const text = values.get('q');
  if (text !== undefined) {
    if (text.length > MAX_TEXT_LENGTH) {
      problems.push(`q: at most ${MAX_TEXT_LENGTH} characters, got ${text.length}`);
    }
    query.text = text;
  }
  const process = values.get('process');
  if (process !== undefined) query.process = process;
  const status = values.get('status');
  if (status !== undefined) {
    if (INSTANCE_STATUSES.includes(status as InstanceStatus)) {
      query.status = status as InstanceStatus;
    } else {
      problems.push(`status: expected one of ${INSTANCE_STATUSES.join(', ')}, got "${status}"`);
    }
  }
  const businessKey = values.get('businessKey');
  if (businessKey !== undefined) query.businessKey = businessKey;
  const from = integer('from', values.get('from'), 0, MAX_RESULT_WINDOW - 1, problems);
  const size = integer('size', values.get('size'), 1, MAX_PAGE_SIZE, problems);
  query.from = from ?? 0;
  query.size = size ?? DEFAULT_PAGE_SIZE;
  if (query.from + query.size > MAX_RESULT_WINDOW) {
    problems.push(`from + size: at most ${MAX_RESULT_WINDOW}, got ${query.from + query.size}`);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, query };
}
