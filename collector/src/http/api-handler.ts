/**
 * The HTTP API's request handler (node:http, no framework): auth, routing, and the JSON
 * answer of each route. Everything it parses or validates lives in pure functions
 * (`routes.ts`, `auth.ts`, `content-type.ts`, `ingest-request.ts`, `query-params.ts`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger.ts';
import type { InstanceReader } from '../storage/event-store.ts';
import { isAuthorized } from './auth.ts';
import { readBody } from './body-reader.ts';
import { ingestModeOf } from './content-type.ts';
import type { EventIngest } from './event-ingest.ts';
import { errorResponse, HttpError } from './http-error.ts';
import { parseIngestRequest } from './ingest-request.ts';
import { findInstance, instanceEvents, searchInstances } from './instance-queries.ts';
import { parseInstanceQuery } from './query-params.ts';
import { matchRoute, type Route } from './routes.ts';

export type StoreName = 'sqlite' | 'elasticsearch';

export interface ApiDeps {
  ingest: EventIngest;
  reader: InstanceReader;
  store: StoreName;
  apiKey?: string;
  maxBodyBytes: number;
  logger: Logger;
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const json = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
    'cache-control': 'no-store',
    ...headers,
  });
  response.end(json);
}

async function answer(
  deps: ApiDeps,
  route: Route,
  request: IncomingMessage,
  url: URL,
): Promise<{ status: number; body: unknown }> {
  switch (route.name) {
    case 'health':
      return { status: 200, body: { status: 'ok', store: deps.store } };
    case 'search': {
      const parsed = parseInstanceQuery(url.searchParams);
      if (!parsed.ok) {
        throw new HttpError(400, 'invalid query parameters', false, parsed.problems);
      }
      return { status: 200, body: await searchInstances(deps.reader, parsed.query) };
    }
    case 'instance':
      return { status: 200, body: await findInstance(deps.reader, route.key) };
    case 'instance-events':
      return { status: 200, body: await instanceEvents(deps.reader, route.key) };
    case 'ingest': {
      const mode = ingestModeOf(
        request.headers['content-type'],
        'ce-specversion' in request.headers,
      );
      if (!mode.ok) {
        await readBody(request, deps.maxBodyBytes).catch(() => undefined); // drain
        throw new HttpError(mode.status, mode.error);
      }
      const body = await readBody(request, deps.maxBodyBytes);
      const parsed = parseIngestRequest(
        mode.mode,
        body,
        request.headers,
        deps.ingest.maxEventBytes,
      );
      if (!parsed.ok) throw new HttpError(400, parsed.error);
      return { status: 202, body: await deps.ingest.ingest(parsed.units) };
    }
  }
}

/** The `request` listener of the API server. */
export function createApiHandler(
  deps: ApiDeps,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const started = Date.now();
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', 'http://localhost');
    const done = (status: number, body: unknown, headers?: Record<string, string>): void => {
      if (!response.headersSent) sendJson(response, status, body, headers);
      deps.logger.debug(
        { method, path: url.pathname, status, ms: Date.now() - started },
        'http request',
      );
    };
    const fail = (err: unknown, headers?: Record<string, string>): void => {
      const { status, body } = errorResponse(err);
      if (status >= 500)
        deps.logger.warn({ err, method, path: url.pathname, status }, 'http request failed');
      done(status, body, headers);
    };

    if (url.pathname.startsWith('/api/') && url.pathname !== '/api/health') {
      if (!isAuthorized(request.headers, deps.apiKey)) {
        request.resume();
        fail(
          new HttpError(401, 'missing or wrong API key (authorization: Bearer <key> or x-api-key)'),
          {
            'www-authenticate': 'Bearer',
          },
        );
        return;
      }
    }
    const match = matchRoute(method, url.pathname);
    if (!match.ok) {
      request.resume();
      fail(new HttpError(match.status, match.error), match.allow ? { allow: match.allow } : {});
      return;
    }
    answer(deps, match.route, request, url).then(
      ({ status, body }) => done(status, body),
      (err: unknown) =>
        fail(err, err instanceof HttpError && err.status === 413 ? { connection: 'close' } : {}),
    );
  };
}
