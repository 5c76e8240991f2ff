/**
 * The interim web UI of embedded mode (until the Next.js dashboard lands): server-rendered
 * HTML on node:http, always bound to 127.0.0.1 (it has no authentication). It reads
 * through the HTTP API's query layer (`http/instance-queries.ts`) and validates searches
 * with the API's own parameter parser, so the UI and the API cannot disagree.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../logger.ts';
import { urlOf } from '../../http/api-server.ts';
import { errorResponse, HttpError } from '../../http/http-error.ts';
import { findInstance, instanceEvents, searchInstances } from '../../http/instance-queries.ts';
import { parseInstanceQuery } from '../../http/query-params.ts';
import type { InstanceReader } from '../../storage/event-store.ts';
import { firstEventCurl } from '../first-event.ts';
import { html, type Html } from './html.ts';
import { renderInstancePage, renderNotFoundPage } from './instance-page.ts';
import { page } from './layout.ts';
import { renderSearchPage, type SearchView } from './search-page.ts';

export const UI_HOST = '127.0.0.1';

export interface UiServerOptions {
  port: number;
  reader: InstanceReader;
  /** Base URL of the HTTP API, for the "send a first event" hint. */
  apiUrl: string;
  apiKeyRequired: boolean;
  logger: Logger;
}

export interface RunningUiServer {
  url: string;
  close(): Promise<void>;
}

const FORM_FIELDS = ['q', 'businessKey', 'process', 'status'] as const;

async function searchPage(options: UiServerOptions, params: URLSearchParams): Promise<Html> {
  const form: SearchView['form'] = {};
  for (const name of FORM_FIELDS) {
    const value = params.get(name);
    if (value !== null) form[name] = value;
  }
  const parsed = parseInstanceQuery(params);
  const now = Date.now();
  if (!parsed.ok) return renderSearchPage({ form, query: {}, problems: parsed.problems, now });
  const result = await searchInstances(options.reader, parsed.query);
  const empty =
    result.total === 0 && (await searchInstances(options.reader, { size: 1 })).total === 0;
  return renderSearchPage({
    form,
    query: parsed.query,
    result,
    problems: [],
    now,
    ...(empty ? { firstEventHint: firstEventCurl(options.apiUrl, options.apiKeyRequired) } : {}),
  });
}

async function instancePage(options: UiServerOptions, encodedKey: string): Promise<Html> {
  let key: string;
  try {
    key = decodeURIComponent(encodedKey);
  } catch {
    throw new HttpError(404, 'malformed instance key');
  }
  const state = await findInstance(options.reader, key);
  const { events } = await instanceEvents(options.reader, key);
  return renderInstancePage({ state, events, now: Date.now() });
}

function send(response: ServerResponse, status: number, body: Html): void {
  response.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    'x-content-type-options': 'nosniff',
  });
  response.end(body.value);
}

async function route(options: UiServerOptions, request: IncomingMessage): Promise<Html> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    throw new HttpError(405, 'only GET');
  }
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (url.pathname === '/') return searchPage(options, url.searchParams);
  const match = /^\/instances\/([^/]+)$/.exec(url.pathname);
  if (match?.[1] !== undefined) return instancePage(options, match[1]);
  throw new HttpError(404, `no page at ${url.pathname}`);
}

export async function startUiServer(options: UiServerOptions): Promise<RunningUiServer> {
  const server = createServer((request, response) => {
    request.resume();
    route(options, request).then(
      (body) => send(response, 200, body),
      (err: unknown) => {
        const { status, body } = errorResponse(err);
        if (status >= 500) options.logger.warn({ err, url: request.url }, 'ui request failed');
        send(
          response,
          status,
          status === 404
            ? renderNotFoundPage(body.error)
            : page('Error', html`<p class="problems">${body.error}</p>`),
        );
      },
    );
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, UI_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const url = urlOf(UI_HOST, (server.address() as AddressInfo).port);
  options.logger.info({ url }, 'interim web ui listening');
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
