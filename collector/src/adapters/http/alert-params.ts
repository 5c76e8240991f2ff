/**
 * Validation of the alert routes' input: the `GET /api/alerts` query parameters and the
 * JSON bodies of `POST /api/alerts/:id/acknowledge` and `…/silence`. Pure; every problem
 * is reported at once (the API answers 400 with all of them). Query parameters follow
 * `GET /api/instances`: empty values count as absent, unknown or repeated ones are
 * problems. `status` and `kind` take one value or a comma-separated list.
 */
import { parseDuration } from '@flowtrail/sdk/protocol';
import { FINDING_KINDS, type FindingKind } from '../../domain/detection/finding.ts';
import { knownParams, type ParamsResult } from './analysis-params.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, MAX_RESULT_WINDOW } from './query-params.ts';
import type { AlertQuery } from '../../ports/alert-store.ts';
import { ALERT_STATUSES, type AlertStatus } from '../../domain/alerts/alert.ts';

/** Longest silence: a forgotten silence must not hide a problem for ever. */
export const MAX_SILENCE_MS = 30 * 24 * 60 * 60 * 1000;
const MAX_BY_LENGTH = 200;
const TOO_LONG = 'a silence lasts at most 30 days';
/** How much of a bad value a problem quotes: a 16 KB string is not echoed back whole. */
const MAX_SHOWN = 100;

function shown(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > MAX_SHOWN ? `${json.slice(0, MAX_SHOWN)}…` : json;
}

const QUERY_PARAMS = ['status', 'kind', 'process', 'owner', 'instance', 'from', 'size', 'history'];

/** The alert search, and whether each listed alert comes with its history. */
export type AlertListQuery = AlertQuery & { history?: true };

function list<T extends string>(
  name: string,
  raw: string | undefined,
  allowed: readonly T[],
  problems: string[],
): T[] | undefined {
  if (raw === undefined) return undefined;
  const values = [...new Set(raw.split(',').map((v) => v.trim()))].filter((v) => v !== '');
  const wrong = values.filter((v) => !allowed.includes(v as T));
  if (wrong.length > 0 || values.length === 0) {
    problems.push(
      `${name}: expected one or more (comma-separated) of ${allowed.join(', ')}, got ${JSON.stringify(raw)}`,
    );
    return undefined;
  }
  return values as T[];
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

/**
 * `status`, `kind`, `process`, `owner`, `instance` (a key: alerts about it or related to
 * it), `from` (offset), `size` (1..100, default 20), `history` (`true`: each alert with its
 * history, so a list needs no request per alert; default `false`).
 */
export function parseAlertQuery(params: URLSearchParams): ParamsResult<AlertListQuery> {
  const problems: string[] = [];
  const values = knownParams(params, QUERY_PARAMS, problems);
  const status = list<AlertStatus>('status', values.get('status'), ALERT_STATUSES, problems);
  const kind = list<FindingKind>('kind', values.get('kind'), FINDING_KINDS, problems);
  const from = integer('from', values.get('from'), 0, MAX_RESULT_WINDOW - 1, problems) ?? 0;
  const size = integer('size', values.get('size'), 1, MAX_PAGE_SIZE, problems) ?? DEFAULT_PAGE_SIZE;
  if (from + size > MAX_RESULT_WINDOW) {
    problems.push(`from + size: at most ${MAX_RESULT_WINDOW}, got ${from + size}`);
  }
  const history = values.get('history');
  if (history !== undefined && history !== 'true' && history !== 'false') {
    problems.push(`history: expected true or false, got ${JSON.stringify(history)}`);
  }
  if (problems.length > 0) return { ok: false, problems };
  const process = values.get('process');
  const owner = values.get('owner');
  const instance = values.get('instance');
  return {
    ok: true,
    query: {
      ...(status === undefined ? {} : { status }),
      ...(kind === undefined ? {} : { kind }),
      ...(process === undefined ? {} : { process }),
      ...(owner === undefined ? {} : { owner }),
      ...(instance === undefined ? {} : { instance }),
      from,
      size,
      ...(history === 'true' ? { history: true as const } : {}),
    },
  };
}

/** The body as a JSON object (an empty body is `{}`), or the problem. */
function jsonObject(body: Buffer, problems: string[]): Record<string, unknown> | undefined {
  const text = body.toString('utf8').trim();
  if (text === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    problems.push('body: not JSON');
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push('body: expected a JSON object');
    return undefined;
  }
  return value as Record<string, unknown>;
}

/** At most this many unknown fields are named; a body of thousands is summed up. */
const MAX_UNKNOWN_LISTED = 20;

function unknownFields(
  object: Record<string, unknown>,
  known: readonly string[],
  problems: string[],
): void {
  const unknown = Object.keys(object).filter((name) => !known.includes(name));
  for (const name of unknown.slice(0, MAX_UNKNOWN_LISTED)) {
    const shownName = name.length > MAX_SHOWN ? `${name.slice(0, MAX_SHOWN)}…` : name;
    problems.push(`${shownName}: unknown field (known: ${known.join(', ')})`);
  }
  if (unknown.length > MAX_UNKNOWN_LISTED) {
    problems.push(`…and ${unknown.length - MAX_UNKNOWN_LISTED} more unknown fields`);
  }
}

function byOf(object: Record<string, unknown>, problems: string[]): string | undefined {
  const by = object.by;
  if (by === undefined || by === null) return undefined;
  if (typeof by !== 'string' || by.trim() === '' || by.length > MAX_BY_LENGTH) {
    problems.push(`by: expected a non-empty string of at most ${MAX_BY_LENGTH} characters`);
    return undefined;
  }
  return by.trim();
}

/** `{"by"?: "alice"}`; an empty body is fine. */
export function parseAcknowledgeBody(body: Buffer): ParamsResult<{ by?: string }> {
  const problems: string[] = [];
  const object = jsonObject(body, problems);
  if (object === undefined) return { ok: false, problems };
  unknownFields(object, ['by'], problems);
  const by = byOf(object, problems);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, query: by === undefined ? {} : { by } };
}

/**
 * `{"until": "<ISO time>"}` or `{"for": "2h"}` (a duration: `30m`, `1h30m`, `PT2H`…), and
 * `by`. The silence must end in the future and within `MAX_SILENCE_MS` of `now`.
 */
export function parseSilenceBody(
  body: Buffer,
  now: Date,
): ParamsResult<{ until: Date; by?: string }> {
  const problems: string[] = [];
  const object = jsonObject(body, problems);
  if (object === undefined) return { ok: false, problems };
  unknownFields(object, ['until', 'for', 'by'], problems);
  const by = byOf(object, problems);
  const { until: rawUntil, for: rawFor } = object;
  let until: Date | undefined;
  if ((rawUntil === undefined) === (rawFor === undefined)) {
    problems.push('until, for: give exactly one (an ISO time, or a duration like "2h")');
  } else if (rawUntil !== undefined) {
    const ms = typeof rawUntil === 'string' ? Date.parse(rawUntil) : NaN;
    if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}T/.test(rawUntil as string)) {
      problems.push(`until: expected an ISO-8601 time, got ${shown(rawUntil)}`);
    } else until = new Date(ms);
  } else {
    const parsed =
      typeof rawFor === 'string'
        ? parseDuration(rawFor)
        : { ok: false as const, message: `${shown(rawFor)} is not a duration string` };
    if (!parsed.ok) problems.push(`for: ${parsed.message}`);
    // checked before building the Date: `99999999999999h` is past the last valid time
    else if (!(parsed.ms <= MAX_SILENCE_MS)) problems.push(`for: ${TOO_LONG}`);
    else until = new Date(now.getTime() + parsed.ms);
  }
  if (until !== undefined) {
    if (until.getTime() <= now.getTime()) {
      problems.push(`until: ${until.toISOString()} is not in the future`);
    } else if (until.getTime() - now.getTime() > MAX_SILENCE_MS) {
      problems.push(
        `until: ${TOO_LONG} (until ${new Date(now.getTime() + MAX_SILENCE_MS).toISOString()})`,
      );
    }
  }
  if (problems.length > 0 || until === undefined) return { ok: false, problems };
  return { ok: true, query: by === undefined ? { until } : { until, by } };
}
