/**
 * Starts and stops the HTTP API server (node:http), with the limits of `guard`
 * (http-config.ts; docs/security.md): header timeout, the request timeout as a backstop
 * of the handler's body timer, a connection cap, and the Host/Origin checks of
 * request-guard.ts (the Host allowlist needs the port, known once listening). `close()` ends the live streams
 * (`GET /api/live` never finishes by itself), stops accepting connections, lets requests
 * in flight finish (each one is answered only after storage acknowledged it), and cuts
 * the rest after `closeTimeoutMs`.
 */
import { createServer, STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { createApiHandler, type ApiDeps } from './api-handler.ts';
import { DEFAULT_HTTP_GUARD, type HttpGuardConfig } from './http-config.ts';
import { hostAllowlist, normalizeOrigin, type GuardRules } from './request-guard.ts';

export interface ApiServerOptions extends ApiDeps {
  host: string;
  /** 0 picks a free port. */
  port: number;
  closeTimeoutMs?: number;
  /** Limits and browser safety; each one not given is `DEFAULT_HTTP_GUARD`'s. */
  guard?: Partial<HttpGuardConfig>;
}

export interface RunningApiServer {
  /** Base URL, e.g. `http://127.0.0.1:4100`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

export function urlOf(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * What node answers itself — a request it cannot parse (400), headers too large (431),
 * too slow (408) — as the API's JSON error instead of node's empty body.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  const answered = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || answered?.headersSent === true) {
    socket.destroy();
    return;
  }
  const status =
    err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const error =
    status === 431
      ? 'request headers too large'
      : status === 408
        ? 'request not received in time'
        : 'malformed HTTP request';
  const body = JSON.stringify({ error, retriable: status === 408 });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

export async function startApiServer(options: ApiServerOptions): Promise<RunningApiServer> {
  const guard = { ...DEFAULT_HTTP_GUARD, ...options.guard };
  const origins = guard.allowedOrigins.map((o) => normalizeOrigin(o) ?? o);
  const rules: GuardRules = {
    hosts: undefined,
    origins: new Set(origins),
    maxBodyBytes: options.maxBodyBytes,
  };
  const handler = createApiHandler(
    { ...options, maxEventsPerRequest: options.maxEventsPerRequest ?? guard.maxEventsPerRequest },
    { rules, bodyTimeoutMs: guard.bodyTimeoutMs },
  );
  const server = createServer(
    {
      headersTimeout: guard.headersTimeoutMs,
      // The handler answers a slow body with 408 after bodyTimeoutMs; this is the backstop
      // (node answers 408 without a body), checked every second rather than every 30 s.
      requestTimeout: guard.headersTimeoutMs + guard.bodyTimeoutMs + 1_000,
      connectionsCheckingInterval: 1_000,
    },
    handler,
  );
  server.on('clientError', answerClientError);
  server.keepAliveTimeout = 5_000;
  server.maxConnections = guard.maxConnections;
  await listen(server, options.host, options.port);
  const { port } = server.address() as AddressInfo;
  rules.hosts = hostAllowlist(options.host, port, guard.allowedHosts);
  const url = urlOf(options.host, port);
  options.logger.info({ url }, 'http api listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    close: () =>
      (closing ??= (async () => {
        const streamsEnded = options.live?.close(); // ends them at once; awaits its last read
        await new Promise<void>((resolve) => {
          const force = setTimeout(
            () => server.closeAllConnections(),
            options.closeTimeoutMs ?? 10_000,
          );
          server.close(() => {
            clearTimeout(force);
            resolve();
          });
          server.closeIdleConnections();
        });
        await streamsEnded;
      })()),
  };
}
