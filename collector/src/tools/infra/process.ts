// Detached server processes tracked by pid files. Each server runs in its own process
// group (spawn detached), so stopping signals the whole group (launcher + JVM).
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { sleep } from './wait.ts';

export interface DetachedOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  logFile: string;
  pidFile: string;
  uid?: number;
  gid?: number;
}

export function spawnDetached(cmd: string, args: readonly string[], opts: DetachedOptions): number {
  const fd = openSync(opts.logFile, 'a');
  try {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env,
      detached: true,
      stdio: ['ignore', fd, fd],
      ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
      ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
    });
    if (child.pid === undefined) throw new Error(`failed to start ${cmd}`);
    child.unref();
    writeFileSync(opts.pidFile, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid recorded in `pidFile` if that process is still alive, else null. */
export function livePid(pidFile: string): number | null {
  if (!existsSync(pidFile)) return null;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : null;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal); // the process group led by pid
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

/** SIGTERM the process group, wait up to `timeoutMs`, then SIGKILL. Returns how it ended. */
export async function stopPid(
  pidFile: string,
  timeoutMs = 30_000,
): Promise<'not-running' | 'stopped' | 'killed'> {
  const pid = livePid(pidFile);
  if (pid === null) {
    rmSync(pidFile, { force: true });
    return 'not-running';
  }
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) {
      rmSync(pidFile, { force: true });
      return 'stopped';
    }
    await sleep(250);
  }
  signalGroup(pid, 'SIGKILL');
  await sleep(500);
  rmSync(pidFile, { force: true });
  return 'killed';
}

/** The last `lines` lines of a log file (for error reports). */
export function tailFile(file: string, lines = 30): string {
  if (!existsSync(file)) return `(no log at ${file})`;
  const text = readFileSync(file, 'utf8');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
