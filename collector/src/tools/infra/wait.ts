// Polling helpers: wait for a condition with a deadline instead of fixed sleeps.
import { connect } from 'node:net';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  what: string;
  /** Called between attempts; throwing aborts the wait (e.g. the process died). */
  check?: () => void;
}

/** Polls `probe` until it returns a non-undefined value; throws with the last error on timeout. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  opts: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastError: unknown;
  for (;;) {
    opts.check?.();
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(
        `timed out after ${Math.round(opts.timeoutMs / 1000)}s waiting for ${opts.what}${why}`,
      );
    }
    await sleep(opts.intervalMs ?? 500);
  }
}

/** True if something accepts TCP connections on host:port. */
export function isPortOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (open: boolean): void => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
