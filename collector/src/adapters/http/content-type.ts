/**
 * Which CloudEvents HTTP binding mode a `POST /api/events` request uses, from its
 * `content-type` and `ce-specversion` headers (CloudEvents HTTP binding 1.0, §3):
 * - `application/cloudevents-batch+json` → batch (a JSON array of structured events);
 * - `application/cloudevents+json` → structured (the body is one event);
 * - a `ce-specversion` header → binary (attributes in `ce-*` headers, the body is `data`);
 * - plain JSON (or no content type) without `ce-*` headers → read as structured, like a
 *   Kafka value without `ce_specversion`.
 */
import { BATCH_CONTENT_TYPE, STRUCTURED_CONTENT_TYPE } from '@flowtrail/sdk/protocol';

export type IngestMode = 'structured' | 'binary' | 'batch';

export interface MediaType {
  /** Lower-case `type/subtype`, without parameters. */
  type: string;
  /** Lower-case parameter names; values unquoted. */
  params: Record<string, string>;
}

/** Parses a `content-type` value; `undefined` when absent or blank. */
export function parseMediaType(value: string | undefined): MediaType | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const [type = '', ...rest] = value.split(';');
  const params: Record<string, string> = {};
  for (const part of rest) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim().toLowerCase();
    const raw = part.slice(eq + 1).trim();
    params[name] = raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
  }
  return { type: type.trim().toLowerCase(), params };
}

function isJson(type: string): boolean {
  return type === 'application/json' || type.endsWith('+json') || type === 'text/json';
}

export type ModeResult = { ok: true; mode: IngestMode } | { ok: false; status: 415; error: string };

/** The binding mode of a request, or 415 for a body that no mode can read. */
export function ingestModeOf(
  contentType: string | undefined,
  hasCeSpecversion: boolean,
): ModeResult {
  const media = parseMediaType(contentType);
  const charset = media?.params.charset?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    return { ok: false, status: 415, error: `unsupported charset "${charset}"; use utf-8` };
  }
  if (media?.type === BATCH_CONTENT_TYPE) return { ok: true, mode: 'batch' };
  if (media?.type === STRUCTURED_CONTENT_TYPE) return { ok: true, mode: 'structured' };
  if (hasCeSpecversion) return { ok: true, mode: 'binary' };
  if (media === undefined || isJson(media.type)) return { ok: true, mode: 'structured' };
  return {
    ok: false,
    status: 415,
    error:
      `unsupported content-type "${media.type}": send ${STRUCTURED_CONTENT_TYPE}, ` +
      `${BATCH_CONTENT_TYPE}, or ce-* headers (binary mode)`,
  };
}
