/**
 * API-key check of the HTTP API: when a key is configured, `/api/*` except `/api/health`
 * needs `authorization: Bearer <key>` or `x-api-key: <key>`. Compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHeaders } from './ingest-request.ts';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The key the request presents, if any. */
export function presentedKey(headers: RequestHeaders): string | undefined {
  const auth = first(headers.authorization)?.trim();
  const bearer = auth === undefined ? undefined : /^Bearer\s+(\S+)$/i.exec(auth)?.[1];
  return bearer ?? first(headers['x-api-key'])?.trim();
}

export function isAuthorized(headers: RequestHeaders, apiKey: string | undefined): boolean {
  if (apiKey === undefined) return true;
  const presented = presentedKey(headers);
  return presented !== undefined && timingSafeEqual(digest(presented), digest(apiKey));
}
