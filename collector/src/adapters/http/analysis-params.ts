/**
 * Validation of the query parameters of the analysis routes (`GET
 * /api/processes/:process/heatmap`, `GET /api/export`). Pure; every problem is reported
 * at once (the API answers 400 with all of them). Empty values count as absent; unknown
 * and repeated parameters are problems, as in `query-params.ts`.
 */
import type { HeatDimension } from '../../domain/views/heatmap.ts';
import {
  EXPORT_FORMATS,
  type ExportFormat,
  type ExportQuery,
} from '../../app/queries/event-export.ts';
import type { ProcessHeatmapQuery } from '../../app/queries/process-heatmap.ts';

export const HEAT_DIMENSIONS: readonly HeatDimension[] = ['hour', 'weekday'];
/** UTC offsets in use on earth: −12:00 to +14:00. */
export const MIN_TZ_MINUTES = -12 * 60;
export const MAX_TZ_MINUTES = 14 * 60;

export type ParamsResult<T> = { ok: true; query: T } | { ok: false; problems: string[] };

/** The single, trimmed, non-empty value of each known parameter; problems for the rest. */
export function knownParams(
  params: URLSearchParams,
  known: readonly string[],
  problems: string[],
): Map<string, string> {
  const values = new Map<string, string>();
  for (const name of new Set(params.keys())) {
    const all = params.getAll(name);
    if (!known.includes(name)) {
      problems.push(`${name}: unknown parameter (known: ${known.join(', ')})`);
    } else if (all.length > 1) {
      problems.push(`${name}: given ${all.length} times; give it once`);
    } else if (all[0] !== undefined && all[0].trim() !== '') {
      values.set(name, all[0].trim());
    }
  }
  return values;
}

function oneOf<T extends string>(
  name: string,
  raw: string | undefined,
  allowed: readonly T[],
  problems: string[],
): T | undefined {
  if (raw === undefined) return undefined;
  if (allowed.includes(raw as T)) return raw as T;
  problems.push(`${name}: expected one of ${allowed.join(', ')}, got ${JSON.stringify(raw)}`);
  return undefined;
}

/** `dimension` (default `hour`) and `tz` (UTC offset in minutes, e.g. `60` or `-300`). */
export function parseHeatmapQuery(
  process: string,
  params: URLSearchParams,
): ParamsResult<ProcessHeatmapQuery> {
  const problems: string[] = [];
  const values = knownParams(params, ['dimension', 'tz'], problems);
  const dimension = oneOf('dimension', values.get('dimension'), HEAT_DIMENSIONS, problems);
  const tz = values.get('tz');
  let utcOffsetMinutes: number | undefined;
  if (tz !== undefined) {
    const minutes = /^[+-]?\d{1,4}$/.test(tz) ? Number(tz) : NaN;
    if (Number.isInteger(minutes) && minutes >= MIN_TZ_MINUTES && minutes <= MAX_TZ_MINUTES) {
      utcOffsetMinutes = minutes;
    } else {
      problems.push(
        `tz: expected a UTC offset in minutes from ${MIN_TZ_MINUTES} to ${MAX_TZ_MINUTES}, got ${JSON.stringify(tz)}`,
      );
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    query: {
      process,
      dimension: dimension ?? 'hour',
      ...(utcOffsetMinutes === undefined ? {} : { utcOffsetMinutes }),
    },
  };
}

/** `format` (required: `xes` or `ocel`), optional `process` and `source` filters. */
export function parseExportQuery(params: URLSearchParams): ParamsResult<ExportQuery> {
  const problems: string[] = [];
  const values = knownParams(params, ['format', 'process', 'source'], problems);
  const raw = values.get('format');
  if (raw === undefined) problems.push(`format: required, one of ${EXPORT_FORMATS.join(', ')}`);
  const format: ExportFormat | undefined = oneOf('format', raw, EXPORT_FORMATS, problems);
  if (problems.length > 0 || format === undefined) return { ok: false, problems };
  const process = values.get('process');
  const source = values.get('source');
  return {
    ok: true,
    query: {
      format,
      ...(process === undefined ? {} : { process }),
      ...(source === undefined ? {} : { source }),
    },
  };
}
