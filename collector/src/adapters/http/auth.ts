/**
 * API-key check of the HTTP API: when a key is configured, `/api/*` except `/api/health`
 * needs `authorization: Bearer <key>` or `x-api-key: <key>`. Compared in constant time.
 * The live channel (`GET /api/live`) also takes the key as the query parameter `apiKey`:
 * a browser's `EventSource` cannot send headers. Only there — a key in a URL ends up in
 * browser histories and proxy logs, so every other route refuses it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHeaders } from './ingest-request.ts';
import { isLivePath } from './routes.ts';

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

/** The `apiKey` query parameter, on the one route that accepts it (the live channel). */
export function queryKey(pathname: string, params: URLSearchParams): string | undefined {
  if (!isLivePath(pathname)) return undefined;
  return params.get('apiKey')?.trim() || undefined;
}

export function isAuthorized(
  headers: RequestHeaders,
  apiKey: string | undefined,
  fromQuery?: string,
): boolean {
  if (apiKey === undefined) return true;
  const presented = presentedKey(headers) ?? fromQuery;
  return presented !== undefined && timingSafeEqual(digest(presented), digest(apiKey));
}
