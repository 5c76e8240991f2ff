/**
 * The process lifecycle of a long-running role (`flowtrail collector`, `flowtrail
 * query`): start it, run until SIGTERM or SIGINT, stop it gracefully and exit 0. A
 * signal during start-up stops it as soon as it started (nothing is in flight before);
 * a second signal exits at once with 1. A failed start, a failed stop or a fatal error
 * the role reports exits 1.
 */
import type { Logger } from '../shared/logger.ts';

export interface Stoppable {
  stop(): Promise<void>;
}

export interface RoleRun {
  /** Names the role in log lines ("collector", "query node"). */
  name: string;
  logger: Logger;
  /** Starts the role; it calls `onFatal` when it failed for good (logged, exit 1). */
  start(onFatal: (err: unknown, message?: string) => void): Promise<Stoppable>;
}

/** Runs the role until a signal stops it; never resolves (the process exits). */
export async function runUntilSignal({ name, logger, start }: RoleRun): Promise<never> {
  const exit = (code: number, err?: unknown, message?: string): never => {
    if (err !== undefined) logger.fatal({ err }, message ?? `${name} failed`);
    process.exit(code);
  };

  let role: Stoppable | undefined;
  let stopping = false;
  const stop = async (): Promise<void> => {
    try {
      await role?.stop();
    } catch (err) {
      exit(1, err, 'graceful shutdown failed');
    }
    exit(0);
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal; exiting without waiting');
      exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'signal received; shutting down');
    // Before start-up finished there is nothing in flight: stop() runs after it.
    if (role !== undefined) void stop();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  try {
    role = await start((err, message) => exit(1, err, message ?? `${name} failed`));
  } catch (err) {
    exit(1, err, `${name} failed to start`);
  }
  if (stopping) await stop();
  return new Promise<never>(() => {
    // Keeps the process running; a signal ends it.
  });
}
