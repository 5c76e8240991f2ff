/**
 * One `next` CLI child process (`next build`, `next start`) of the dashboard: spawned with
 * the current Node, output kept as a bounded tail for error messages, an `exited`
 * promise, and `stop()` (SIGTERM, SIGKILL after a grace period).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { DashboardError } from '../../shared/errors.ts';

const TAIL_CHUNKS = 200;

export interface NextChild {
  readonly process: ChildProcess;
  /** Resolves with the exit code (null when a signal ended it). */
  readonly exited: Promise<number | null>;
  /** The last output lines (stdout and stderr interleaved). */
  tail(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

/** The Next.js CLI script resolved from the dashboard package (npm workspaces hoist it). */
export function nextBin(dashboardDir: string): string {
  try {
    return createRequire(join(dashboardDir, 'package.json')).resolve('next/dist/bin/next');
  } catch (err) {
    throw new DashboardError(
      `the dashboard's Next.js is not installed (run npm install at the repository root)`,
      { cause: err },
    );
  }
}

export function spawnNext(
  dashboardDir: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): NextChild {
  const child = spawn(process.execPath, [nextBin(dashboardDir), ...args], {
    cwd: dashboardDir,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: string[] = [];
  const keep = (chunk: Buffer): void => {
    chunks.push(chunk.toString('utf8'));
    if (chunks.length > TAIL_CHUNKS) chunks.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', (err) => {
      keep(Buffer.from(`${err.message}\n`));
      resolve(-1);
    });
  });
  const gone = (): boolean => child.exitCode !== null || child.signalCode !== null;
  return {
    process: child,
    exited,
    tail: () => chunks.join('').trimEnd(),
    stop: async (graceMs = 10_000) => {
      if (gone()) return;
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(force);
    },
  };
}
