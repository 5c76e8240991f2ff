/**
 * Runs `node collector/bin/flowtrail.js collector` (or another command, `startChildFlowtrail`)
 * as a child process (for SIGKILL tests).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor as poll } from '../../src/tools/infra/wait.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface ChildCollector {
  process: ChildProcess;
  /** Log lines so far (pino JSON on stdout, anything on stderr). */
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once the collector logged that it is consuming. */
  ready(timeoutMs?: number): Promise<void>;
}

export function startChildCollector(env: Record<string, string>): ChildCollector {
  return startChildFlowtrail(['collector'], env);
}

/** `flowtrail <args>`; `ready` waits for the collector's line (use it for `collector` only). */
export function startChildFlowtrail(args: string[], env: Record<string, string>): ChildCollector {
  const child = spawn(process.execPath, ['collector/bin/flowtrail.js', ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const collect = (chunk: Buffer): void => {
    output.push(
      ...chunk
        .toString('utf8')
        .split('\n')
        .filter((line) => line !== ''),
    );
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    process: child,
    output,
    exited,
    ready: async (timeoutMs = 120_000) => {
      // A child that exited (by code or by signal) will never log the line: fail at once.
      // (A throw inside the probe would only count as "not yet" and wait out the timeout.)
      await poll(
        async () =>
          output.some((line) => line.includes('collector consuming')) ? true : undefined,
        {
          timeoutMs,
          intervalMs: 250,
          what: 'child collector consuming',
          check: () => {
            if (child.exitCode !== null || child.signalCode !== null) {
              throw new Error(
                `collector exited (${child.exitCode ?? child.signalCode}):\n${output.slice(-20).join('\n')}`,
              );
            }
          },
        },
      );
    },
  };
}
