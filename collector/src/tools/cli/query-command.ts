// `flowtrail query` — a query node: the HTTP API's read routes over Elasticsearch, no
// Kafka consumer, no detection (collector/src/main/). Arguments and configuration are
// parsed before anything starts: `--help` prints the usage (exit 0), a bad argument or
// environment exits 2 listing every problem; then it runs until SIGTERM or SIGINT.
import { ConfigError } from '../../shared/errors.ts';
import { createLogger } from '../../shared/logger.ts';
import { parseQueryArgs, QUERY_USAGE } from './query-args.ts';
import { parseQueryConfig, type QueryConfig } from '../../main/config/query-config.ts';
import { startQueryNode } from '../../main/start-query-node.ts';
import { runUntilSignal } from '../../main/run-until-signal.ts';

export async function queryCommand(args: readonly string[]): Promise<number> {
  const parsed = parseQueryArgs(args);
  if (!parsed.ok) {
    if (parsed.help) console.log(QUERY_USAGE);
    else console.error(`${parsed.problems.join('\n')}\n\n${QUERY_USAGE}`);
    return parsed.help ? 0 : 2;
  }
  let config: QueryConfig;
  try {
    config = parseQueryConfig(process.env, parsed.overrides);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    return 2;
  }
  const logger = createLogger(config.logLevel);
  return runUntilSignal({
    name: 'query node',
    logger,
    start: () => startQueryNode(config, { logger }),
  });
}
