/**
 * Which CloudEvents HTTP binding mode a `POST /api/events` request uses, from its
 * `content-type` and `ce-specversion` headers (CloudEvents HTTP binding 1.0, §3):
 * - `application/cloudevents-batch+json` → batch (a JSON array of structured events);
 * - `application/cloudevents+json` → structured (the body is one event);
 * - a `ce-specversion` header → binary (attributes in `ce-*` headers, the body is `data`);
 * - plain JSON without `ce-*` headers → read as structured, like a Kafka value without
 *   `ce_specversion`.
 * No content type and no `ce-*` headers → 415: a browser sends such a POST cross-site
 * without a CORS preflight (as it does `text/plain`), so ingest accepts neither
 * (docs/security.md). Binary mode may carry any content type: its `ce-*` headers already
 * need a preflight.
 *
 * `jsonBodyRefusal` is the same rule for the JSON routes (alert actions, command acks).
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
  if (media === undefined) {
    return {
      ok: false,
      status: 415,
      error:
        `content-type missing: send ${STRUCTURED_CONTENT_TYPE}, ` +
        `${BATCH_CONTENT_TYPE}, or ce-* headers (binary mode)`,
    };
  }
  if (isJson(media.type)) return { ok: true, mode: 'structured' };
  return {
    ok: false,
    status: 415,
    error:
      `unsupported content-type "${media.type}": send ${STRUCTURED_CONTENT_TYPE}, ` +
      `${BATCH_CONTENT_TYPE}, or ce-* headers (binary mode)`,
  };
}

/**
 * Why a JSON route refuses a request's body type (415), or undefined. JSON types pass;
 * so does an empty body without a type (`POST …/acknowledge` needs none). Anything else
 * is refused — except when the request carries `authorization` or `x-api-key`: those
 * headers need a CORS preflight the API never grants, so such a request cannot come from
 * a cross-site page (and machine clients that omit the type, e.g. `fetch` with a string
 * body sending `text/plain`, keep working).
 */
export function jsonBodyRefusal(headers: {
  'content-type'?: string | undefined;
  'content-length'?: string | undefined;
  'transfer-encoding'?: string | undefined;
  authorization?: string | undefined;
  'x-api-key'?: string | string[] | undefined;
}): string | undefined {
  const media = parseMediaType(headers['content-type']);
  if (media !== undefined && isJson(media.type)) return undefined;
  const empty =
    headers['transfer-encoding'] === undefined &&
    (headers['content-length'] === undefined || headers['content-length'].trim() === '0');
  if (media === undefined && empty) return undefined;
  if (headers.authorization !== undefined || headers['x-api-key'] !== undefined) return undefined;
  const got = media === undefined ? 'none' : JSON.stringify(media.type);
  return `unsupported content-type ${got}: send application/json`;
}
