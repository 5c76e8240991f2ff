/**
 * Validation of the query parameters of the dashboard view routes (timeline, state as of,
 * process graph, ownership, process list). Pure; every problem is reported at once (the
 * API answers 400 with all of them). Empty values count as absent; unknown and repeated
 * parameters are problems, as in `query-params.ts` and `analysis-params.ts`.
 */
import type { ProcessGraphQuery } from '../../app/queries/process-views.ts';
import type { DurationMode } from '../../domain/views/process-graph.ts';
import { knownParams, type ParamsResult } from './analysis-params.ts';

export const GRAPH_MODES: readonly (DurationMode | 'auto')[] = ['auto', 'complete', 'interval'];
const ISO_WITH_OFFSET = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/;

/** An ISO-8601 time with offset, normalized to UTC; a problem otherwise. */
function instant(name: string, raw: string | undefined, problems: string[]): string | undefined {
  if (raw === undefined) return undefined;
  const ms = Date.parse(raw);
  if (!ISO_WITH_OFFSET.test(raw) || Number.isNaN(ms)) {
    problems.push(
      `${name}: expected an ISO-8601 time with offset (2024-06-01T10:00:00Z), got ${JSON.stringify(raw)}`,
    );
    return undefined;
  }
  return new Date(ms).toISOString();
}

/** `now` (optional; default: the server's clock). */
export function parseTimelineQuery(
  params: URLSearchParams,
  clock: () => Date = () => new Date(),
): ParamsResult<{ now: string }> {
  const problems: string[] = [];
  const values = knownParams(params, ['now'], problems);
  const now = instant('now', values.get('now'), problems);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, query: { now: now ?? clock().toISOString() } };
}

/** `asOf` (required). */
export function parseStateQuery(params: URLSearchParams): ParamsResult<{ asOf: string }> {
  const problems: string[] = [];
  const values = knownParams(params, ['asOf'], problems);
  const raw = values.get('asOf');
  if (raw === undefined) problems.push('asOf: required, an ISO-8601 time with offset');
  const asOf = instant('asOf', raw, problems);
  if (problems.length > 0 || asOf === undefined) return { ok: false, problems };
  return { ok: true, query: { asOf } };
}

/** `mode` (`auto` by default, `complete` or `interval`). */
export function parseGraphQuery(
  process: string,
  params: URLSearchParams,
): ParamsResult<ProcessGraphQuery> {
  const problems: string[] = [];
  const values = knownParams(params, ['mode'], problems);
  const raw = values.get('mode');
  let mode: DurationMode | 'auto' = 'auto';
  if (raw !== undefined) {
    if (GRAPH_MODES.includes(raw as DurationMode)) mode = raw as DurationMode;
    else
      problems.push(`mode: expected one of ${GRAPH_MODES.join(', ')}, got ${JSON.stringify(raw)}`);
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, query: { process, mode } };
}

/** `teams` (optional): `owner=team` pairs separated by commas. */
export function parseOwnershipQuery(
  params: URLSearchParams,
): ParamsResult<{ teams: Record<string, string> }> {
  const problems: string[] = [];
  const values = knownParams(params, ['teams'], problems);
  const teams: Record<string, string> = {};
  for (const pair of (values.get('teams') ?? '').split(',')) {
    if (pair.trim() === '') continue;
    const at = pair.indexOf('=');
    const owner = at < 0 ? '' : pair.slice(0, at).trim();
    const team = at < 0 ? '' : pair.slice(at + 1).trim();
    if (owner === '' || team === '') {
      problems.push(
        `teams: expected owner=team pairs separated by commas, got ${JSON.stringify(pair)}`,
      );
    } else if (Object.hasOwn(teams, owner)) {
      problems.push(`teams: owner ${JSON.stringify(owner)} mapped twice`);
    } else {
      teams[owner] = team;
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, query: { teams } };
}

/** No parameters. */
export function parseNoQuery(params: URLSearchParams): ParamsResult<Record<string, never>> {
  const problems: string[] = [];
  knownParams(params, [], problems);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, query: {} };
}
