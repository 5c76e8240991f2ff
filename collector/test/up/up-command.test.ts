/**
 * `flowtrail up --demo --no-dashboard` as a child process: the API answers, demo
 * instances appear, SIGTERM exits 0, and a restart on the same data dir keeps the data.
 * (`flowtrail up` with its dashboard is driven in a browser by dashboard/e2e.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstancePage } from '../../src/ports/event-store.ts';
import { waitFor } from '../helpers/wait-for.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

interface Child {
  process: ChildProcess;
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function startUp(args: string[]): Child {
  const child = spawn(process.execPath, ['collector/bin/flowtrail.js', 'up', ...args], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'warn', FLOWTRAIL_API_KEY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { process: child, output, exited };
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return (await response.json()) as T;
}

const children: Child[] = [];
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'flowtrail-up-'));
});

afterAll(async () => {
  for (const child of children) if (child.process.exitCode === null) child.process.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

describe('flowtrail up', () => {
  it('serves the API and demo data, stops on SIGTERM and keeps its data', async () => {
    const apiPort = await freePort();
    const api = `http://127.0.0.1:${apiPort}`;
    const args = ['--data-dir', dataDir, '--port', String(apiPort), '--no-dashboard'];
    const alive = (child: Child) => () => {
      if (child.process.exitCode !== null) {
        throw new Error(`flowtrail up exited:\n${child.output.join('')}`);
      }
    };

    const first = startUp(['--demo', ...args]);
    children.push(first);
    const health = await waitFor(
      async () => {
        alive(first)();
        return getJson<{ status: string; store: string }>(`${api}/api/health`);
      },
      { timeoutMs: 30_000, description: 'API health' },
    );
    expect(health).toEqual({ status: 'ok', store: 'sqlite' });

    const page = await waitFor(
      async () => {
        alive(first)();
        const result = await getJson<InstancePage>(`${api}/api/instances?size=5`);
        return result.total >= 10 ? result : undefined;
      },
      { timeoutMs: 30_000, description: 'demo instances' },
    );
    const shown = page.instances[0];
    expect(shown).toBeDefined();
    expect(first.output.join('')).toContain(`API        ${api}`);
    expect(first.output.join('')).not.toContain('Dashboard');

    const totalAtStop = (await getJson<InstancePage>(`${api}/api/instances?size=1`)).total;
    first.process.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    expect(first.output.join('')).toContain('stopped.');

    const second = startUp(args);
    children.push(second);
    const after = await waitFor(
      async () => {
        alive(second)();
        return getJson<InstancePage>(`${api}/api/instances?size=1`);
      },
      { timeoutMs: 30_000, description: 'API after restart' },
    );
    expect(after.total).toBeGreaterThanOrEqual(totalAtStop);
    const again = await getJson<{ key: string }>(
      `${api}/api/instances/${encodeURIComponent(shown!.key)}`,
    );
    expect(again.key).toBe(shown!.key);
    expect(second.output.join('')).not.toContain('No events yet');

    second.process.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
  }, 120_000);
});
