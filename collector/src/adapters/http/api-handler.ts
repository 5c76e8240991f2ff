/**
 * The HTTP API's request handler (node:http, no framework): the checks before routing
 * (`request-guard.ts`: Host allowlist, cross-site writes, declared body size) and the body
 * timer, auth, routing, and the JSON answer of each route (the export route streams). Everything it parses or validates
 * lives in pure functions (`routes.ts`, `auth.ts`, `content-type.ts`, `ingest-request.ts`,
 * `query-params.ts`, `analysis-params.ts`, `view-params.ts`); the analysis and view
 * queries in `../queries/`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerAlertRoute } from './alert-api.ts';
import type { AlertService } from '../../app/alerts/alert-service.ts';
import type { Logger } from '../../shared/logger.ts';
import type { CommandInbox } from '../../ports/command-inbox.ts';
import { answerCommandsRoute } from './commands-route.ts';
import type { Heatmap } from '../../domain/views/heatmap.ts';
import { exportLog } from '../../app/queries/event-export.ts';
import { processHeatmap } from '../../app/queries/process-heatmap.ts';
import type { FamilyReader } from '../../app/queries/instance-views.ts';
import type { EventScanner, InstanceReader } from '../../ports/event-store.ts';
import type { DefinitionCatalog } from '../../app/detection/definition-catalog.ts';
import type { LiveHub } from '../../app/live/live-hub.ts';
import { serveLive } from './sse-stream.ts';
import { parseExportQuery, parseHeatmapQuery } from './analysis-params.ts';
import { isAuthorized, queryKey } from './auth.ts';
import { cutSlowBody } from './body-reader.ts';
import type { EventIngest } from '../../app/ingest/event-ingest.ts';
import { answerDefinitionRoute } from './definition-api.ts';
import { errorResponse, HttpError } from './http-error.ts';
import { DEFAULT_HTTP_GUARD } from './http-config.ts';
import { answerIngest } from './ingest-route.ts';
import { guardRequest, type RequestGuard } from './request-guard.ts';
import {
  findInstance,
  instanceEvents,
  searchInstances,
} from '../../app/queries/instance-queries.ts';
import { parseInstanceQuery } from './query-params.ts';
import { matchRoute, type Route } from './routes.ts';
import { sendStream, type StreamReply } from './stream-response.ts';
import { answerViewRoute } from './view-routes.ts';

export type StoreName = 'sqlite' | 'elasticsearch';

/** The messages of the 404s a node answers for what it does not do (`ApiDeps.absent`). */
export interface AbsentReasons {
  ingest?: string;
  commands?: string;
}

export interface ApiDeps {
  /** HTTP ingest (`POST /api/events`); absent (a query-only node) → 404. */
  ingest?: EventIngest;
  /**
   * Queries; the scan serves the heat map, graph and export routes; the family reads
   * (`childrenOf`, `instancesByKeys`, which every store has) the timeline.
   */
  reader: InstanceReader & EventScanner & FamilyReader;
  store: StoreName;
  apiKey?: string;
  maxBodyBytes: number;
  /** A batch with more events answers 413; default `DEFAULT_HTTP_GUARD.maxEventsPerRequest`. */
  maxEventsPerRequest?: number;
  logger: Logger;
  /** Alerts (`/api/alerts`); absent → those routes answer 503 "alerts not enabled". */
  alerts?: AlertService;
  /**
   * Process definitions (`/api/definitions`): the definition catalog, holding the files and
   * the definition store; absent → those routes answer 503.
   */
  definitions?: DefinitionCatalog;
  /** Commands for services on the HTTP transport (`/api/commands`); absent → 404. */
  commands?: CommandInbox;
  /**
   * Why this node has no `ingest` or no `commands`: the message of the 404 (not
   * retriable) those routes answer, before any body is read. A query-only node names
   * where to go instead (query-only-routes.ts); default "… is not enabled on this node".
   */
  absent?: AbsentReasons;
  /** The live channel (`GET /api/live`, Server-Sent Events); absent → 404. */
  live?: LiveHub;
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (status === 204) {
    // No Content (a definition deleted): no body, so no content-type or length either.
    response.writeHead(status, { 'cache-control': 'no-store', ...headers });
    response.end();
    return;
  }
  const json = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
    'cache-control': 'no-store',
    ...headers,
  });
  response.end(json);
}

type Reply = { status: number; body: unknown } | { status: number; stream: StreamReply };

function invalidParams(problems: readonly string[]): HttpError {
  return new HttpError(400, 'invalid query parameters', false, problems);
}

async function heatmapOf(deps: ApiDeps, process: string, url: URL): Promise<Heatmap> {
  const parsed = parseHeatmapQuery(process, url.searchParams);
  if (!parsed.ok) throw invalidParams(parsed.problems);
  const heatmap = await processHeatmap(deps.reader, parsed.query);
  if (heatmap === undefined) throw new HttpError(404, `no instances of process "${process}"`);
  return heatmap;
}

function exportOf(deps: ApiDeps, url: URL): StreamReply {
  const parsed = parseExportQuery(url.searchParams);
  if (!parsed.ok) throw invalidParams(parsed.problems);
  const log = exportLog(deps.reader, parsed.query);
  return {
    status: 200,
    headers: {
      'content-type': log.contentType,
      'content-disposition': `attachment; filename="${log.filename}"`,
    },
    chunks: log.chunks,
  };
}

async function answer(
  deps: ApiDeps,
  route: Route,
  request: IncomingMessage,
  url: URL,
): Promise<Reply> {
  switch (route.name) {
    case 'health':
      return { status: 200, body: { status: 'ok', store: deps.store } };
    case 'search': {
      const parsed = parseInstanceQuery(url.searchParams);
      if (!parsed.ok) throw invalidParams(parsed.problems);
      const body = await searchInstances(deps.reader, parsed.query, deps.alerts?.store);
      return { status: 200, body };
    }
    case 'instance':
      return { status: 200, body: await findInstance(deps.reader, route.key) };
    case 'instance-events':
      return { status: 200, body: await instanceEvents(deps.reader, route.key) };
    case 'heatmap':
      return { status: 200, body: await heatmapOf(deps, route.process, url) };
    case 'export':
      return { status: 200, stream: exportOf(deps, url) };
    case 'timeline':
    case 'instance-state':
    case 'graph':
    case 'ownership':
    case 'processes':
      return { status: 200, body: await answerViewRoute(deps, route, url) };
    case 'alerts':
    case 'alert':
    case 'alert-action':
      return { status: 200, body: await answerAlertRoute(deps.alerts, route, request, url) };
    case 'definitions':
    case 'definition':
    case 'definition-version':
      return answerDefinitionRoute(deps.definitions, route, request, url, deps.maxBodyBytes);
    case 'commands':
    case 'commands-ack':
      return { status: 200, body: await answerCommandsRoute(deps, route.name, request, url) };
    case 'live': // with a live hub, the handler hands the request to it
      request.resume();
      throw new HttpError(404, 'live updates are not enabled on this node');
    case 'live-watermark':
      request.resume();
      if (deps.live === undefined) {
        throw new HttpError(404, 'live updates are not enabled on this node');
      }
      return { status: 200, body: await deps.live.watermark() };
    case 'ingest':
      return answerIngest(
        {
          ...(deps.ingest === undefined ? {} : { ingest: deps.ingest }),
          maxBodyBytes: deps.maxBodyBytes,
          maxEventsPerRequest: deps.maxEventsPerRequest ?? DEFAULT_HTTP_GUARD.maxEventsPerRequest,
          ...(deps.absent?.ingest === undefined ? {} : { absent: deps.absent.ingest }),
        },
        request,
      );
  }
}

/** The `request` listener of the API server. */
export function createApiHandler(
  deps: ApiDeps,
  guard?: RequestGuard,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const started = Date.now();
    const method = request.method ?? 'GET';
    // `GET http://[x` (an absolute-form target) is no URL: 400 below, never a throw
    const parsedUrl = URL.canParse(request.url ?? '/', 'http://localhost')
      ? new URL(request.url ?? '/', 'http://localhost')
      : undefined;
    const url = parsedUrl ?? new URL('http://localhost/');
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

    if (parsedUrl === undefined) {
      request.resume();
      fail(new HttpError(400, 'request target is not a URL path'));
      return;
    }
    if (guard !== undefined) {
      const refused = guardRequest(method, request.headers, guard.rules);
      if (refused !== undefined) {
        // answered at once; `connection: close` ends the socket after the answer, so
        // a declared-too-large body is not read (only what is already in flight)
        request.resume();
        fail(refused, { connection: 'close' });
        return;
      }
      cutSlowBody(request, response, guard.bodyTimeoutMs, fail);
    }
    if (url.pathname.startsWith('/api/') && url.pathname !== '/api/health') {
      if (!isAuthorized(request.headers, deps.apiKey, queryKey(url.pathname, url.searchParams))) {
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
    if (match.route.name === 'live' && deps.live !== undefined) {
      try {
        serveLive(deps.live, request, response); // streams until the client or the server ends it
      } catch (err) {
        request.resume();
        fail(err);
      }
      return;
    }
    answer(deps, match.route, request, url)
      .then(async (reply) => {
        if ('body' in reply) return done(reply.status, reply.body);
        try {
          await sendStream(response, reply.stream, method === 'HEAD');
        } catch (err) {
          if (!response.headersSent) throw err;
          // The status line is out: all that is left is cutting the body short.
          response.destroy();
          const gone = (err as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE';
          const log = { err, method, path: url.pathname };
          if (gone) deps.logger.debug(log, 'http client left during a stream');
          else deps.logger.warn(log, 'http stream failed after the headers; connection cut');
        }
        done(reply.status, undefined);
      })
      .catch((err: unknown) =>
        fail(err, err instanceof HttpError && err.status === 413 ? { connection: 'close' } : {}),
      );
  };
}
