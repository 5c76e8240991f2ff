/**
 * Runs the built dashboard (`next start`) beside the embedded API, pointed at it through
 * FLOWTRAIL_API_URL (and FLOWTRAIL_API_KEY when the API requires one; the key stays on
 * the server, the browser never sees it). Ready once its `/api/health` answers.
 */
import { createServer } from 'node:net';
import { DashboardError } from '../../shared/errors.ts';
import { urlOf } from '../../adapters/http/api-server.ts';
import { waitFor } from '../infra/index.ts';
import { spawnNext, type NextChild } from './next-child.ts';

const READY_TIMEOUT_MS = 60_000;
const READY_POLL_MS = 200;

export interface DashboardServerOptions {
  dashboardDir: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  apiUrl: string;
  apiKey?: string;
}

export interface RunningDashboard {
  url: string;
  /** Resolves with the exit code if `next start` ends on its own. */
  exited: Promise<number | null>;
  /** The last output of `next start`, for error messages. */
  tail(): string;
  close(): Promise<void>;
}

async function freePort(host: string): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5_000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

async function waitUntilReady(url: string, child: NextChild): Promise<void> {
  let exitCode: number | null | undefined;
  void child.exited.then((code) => (exitCode = code));
  try {
    await waitFor(async () => ((await answers(url)) ? true : undefined), {
      timeoutMs: READY_TIMEOUT_MS,
      intervalMs: READY_POLL_MS,
      what: `next start at ${url}`,
      check: () => {
        if (exitCode !== undefined) {
          throw new DashboardError(`next start exited (${exitCode}):\n${child.tail()}`);
        }
      },
    });
  } catch (err) {
    if (err instanceof DashboardError) throw err;
    throw new DashboardError(`next start did not answer at ${url}:\n${child.tail()}`, {
      cause: err,
    });
  }
}

/** Starts `next start` and resolves once it serves; rejects with `DashboardError`. */
export async function startDashboard(options: DashboardServerOptions): Promise<RunningDashboard> {
  const port = options.port === 0 ? await freePort(options.host) : options.port;
  const url = urlOf(options.host, port);
  const child = spawnNext(
    options.dashboardDir,
    ['start', '--port', String(port), '--hostname', options.host],
    {
      FLOWTRAIL_API_URL: options.apiUrl,
      FLOWTRAIL_API_KEY: options.apiKey ?? '',
    },
  );
  try {
    await waitUntilReady(url, child);
  } catch (err) {
    await child.stop(2_000);
    throw err;
  }
  return {
    url,
    exited: child.exited,
    tail: () => child.tail(),
    close: () => child.stop(),
  };
}
