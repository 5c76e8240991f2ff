/**
 * `npx flowtrail collector`: parse the environment, run the pipeline until SIGTERM or
 * SIGINT, then stop gracefully (finish and commit the in-flight slice, leave the group)
 * and exit 0. Bad configuration exits 2 with every problem listed; a pipeline that
 * cannot start or fails for good exits 1.
 */
import { startCollector, type RunningCollector } from './collector.ts';
import { parseConfig, type CollectorConfig } from './config.ts';
import { ConfigError } from './errors.ts';
import { createLogger } from './logger.ts';

function configOrExit(): CollectorConfig {
  try {
    return parseConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
}

/** Runs until a signal stops the collector; never resolves (the process exits). */
export async function runCollector(): Promise<void> {
  const config = configOrExit();
  const logger = createLogger(config.logLevel);
  const exit = (code: number, err?: unknown, message?: string): never => {
    if (err !== undefined) logger.fatal({ err }, message ?? 'collector failed');
    process.exit(code);
  };

  let collector: RunningCollector | undefined;
  let stopping = false;
  const stop = async (): Promise<void> => {
    try {
      await collector?.stop();
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
    if (collector !== undefined) void stop();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  try {
    collector = await startCollector(config, {
      logger,
      onFatal: (err) => exit(1, err, 'collector pipeline failed'),
    });
  } catch (err) {
    exit(1, err, 'collector failed to start');
  }
  if (stopping) await stop();
  await new Promise<never>(() => {
    // Keeps `flowtrail collector` running; a signal ends the process.
  });
}
