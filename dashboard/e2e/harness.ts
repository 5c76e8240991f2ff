/**
 * The browser tests' harness: child processes with their output kept for failures,
 * `flowtrail up` (the product's own command: embedded API, then the dashboard it builds
 * when its sources changed and starts) on free ports, Debian's chromium through
 * playwright-core, and polling with timeouts (never sleeps for synchronisation).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { waitFor as poll } from '../../collector/src/tools/infra/wait.ts';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SHOTS = join(ROOT, 'test-artifacts', 'screenshots');
const CHROMIUM = '/usr/bin/chromium';

export interface Child {
  name: string;
  proc: ChildProcess;
  output: string[];
}

const children: Child[] = [];

export function start(
  name: string,
  cmd: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Child {
  const proc = spawn(cmd, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const child: Child = { name, proc, output: [] };
  const keep = (b: Buffer) => {
    child.output.push(b.toString());
    if (child.output.length > 200) child.output.shift();
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  children.push(child);
  return child;
}

export async function stop(child: Child): Promise<void> {
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.proc.once('exit', () => resolve()));
  child.proc.kill('SIGTERM');
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Polls until `fn` answers a value (not undefined/false) or the time is up; stops at once
 * with the child's output when `child` exited meanwhile.
 */
export function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
  child?: Child,
): Promise<T> {
  return poll(
    async () => {
      const value = await fn();
      return value === false ? undefined : value;
    },
    {
      timeoutMs,
      intervalMs: 200,
      what,
      check: () => {
        if (child !== undefined && child.proc.exitCode !== null) {
          const output = child.output.join('');
          throw new Error(
            `${child.name} exited (${child.proc.exitCode}) while waiting for ${what}\n${output}`,
          );
        }
      },
    },
  );
}

export async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as T };
}

export interface Flowtrail {
  api: string;
  web: string;
  up: Child;
  dataDir: string;
  /** Stops `up` (and with it the dashboard) and removes the data directory. */
  close(): Promise<void>;
}

/**
 * `flowtrail up` on a fresh data directory and free ports; resolves once both the API and
 * the dashboard answer (a first run builds the dashboard: minutes on a small machine).
 */
export async function startFlowtrail(env: NodeJS.ProcessEnv = {}): Promise<Flowtrail> {
  const dataDir = await mkdtemp(join(tmpdir(), 'flowtrail-e2e-'));
  const [apiPort, webPort] = [await freePort(), await freePort()];
  const api = `http://127.0.0.1:${apiPort}`;
  const web = `http://127.0.0.1:${webPort}`;
  const up = start(
    'flowtrail up',
    process.execPath,
    [
      'collector/bin/flowtrail.js',
      'up',
      ...['--data-dir', dataDir, '--port', String(apiPort), '--dashboard-port', String(webPort)],
    ],
    ROOT,
    {
      FLOWTRAIL_GRACE_MS: '200',
      FLOWTRAIL_SWEEP_INTERVAL_MS: '300',
      LOG_LEVEL: 'warn',
      FLOWTRAIL_API_KEY: '',
      FLOWTRAIL_REFRESH_MS: '3000',
      FLOWTRAIL_TRACE_URL: 'http://jaeger.example/trace/{traceId}',
      ...env,
    },
  );
  await waitFor(
    'the API of flowtrail up',
    async () => (await fetch(`${api}/api/health`)).ok,
    60_000,
    up,
  );
  await waitFor(
    'the dashboard of flowtrail up (a first run builds it)',
    async () => up.output.join('').includes(`Dashboard  ${web}`),
    540_000,
    up,
  );
  return {
    api,
    web,
    up,
    dataDir,
    close: async () => {
      await stop(up);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Debian's chromium (scripts/install-chromium.sh), headless. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: run scripts/install-chromium.sh`);
  await mkdir(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Stops every child process the harness started (newest first). */
export async function stopChildren(): Promise<void> {
  for (const child of children.splice(0).reverse()) await stop(child);
}
