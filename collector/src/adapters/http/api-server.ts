/**
 * Starts and stops the HTTP API server (node:http). `close()` ends the live streams
 * (`GET /api/live` never finishes by itself), stops accepting connections, lets requests
 * in flight finish (each one is answered only after storage acknowledged it), and cuts
 * the rest after `closeTimeoutMs`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiHandler, type ApiDeps } from './api-handler.ts';

export interface ApiServerOptions extends ApiDeps {
  host: string;
  /** 0 picks a free port. */
  port: number;
  closeTimeoutMs?: number;
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

export async function startApiServer(options: ApiServerOptions): Promise<RunningApiServer> {
  const server = createServer(createApiHandler(options));
  server.keepAliveTimeout = 5_000;
  await listen(server, options.host, options.port);
  const { port } = server.address() as AddressInfo;
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
