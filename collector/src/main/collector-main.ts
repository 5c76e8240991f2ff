/**
 * `npx flowtrail collector`: parse the environment, run the pipeline until SIGTERM or
 * SIGINT, then stop gracefully (finish and commit the in-flight slice, leave the group)
 * and exit 0. Bad configuration exits 2 with every problem listed; a pipeline that
 * cannot start or fails for good exits 1.
 */
import { startCollector } from './start-collector.ts';
import { parseConfig, type CollectorConfig } from './config/config.ts';
import { ConfigError } from '../shared/errors.ts';
import { createLogger } from '../shared/logger.ts';
import { runUntilSignal } from './run-until-signal.ts';

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
  await runUntilSignal({
    name: 'collector',
    logger,
    start: (onFatal) =>
      startCollector(config, {
        logger,
        onFatal: (err) => onFatal(err, 'collector pipeline failed'),
      }),
  });
}
