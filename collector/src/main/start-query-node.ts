/**
 * A query node, assembled (assemble.ts) with only what it serves: the HTTP API over the Elasticsearch stores (events and instances,
 * alerts, definitions), with no Kafka client at all (no consumer group, no producer) and
 * no detection (no sweeps, no learned deadlines, no notifiers). Ingest and command
 * delivery are refused (`query-only-routes.ts`); alerts are read and acknowledged or
 * silenced in the alerts index the collectors' sweeps write; the process definitions are
 * the files of `definitionsDir` merged with the stored ones (re-read from the store on
 * every definitions read, as on a collector; no background timers: nothing here runs
 * between requests).
 *
 * At start it prepares the index templates and indices exactly as a collector does
 * (idempotent), retrying until Elasticsearch answers, so a query node started before any
 * collector answers empty results instead of "index not found".
 */
import type { RunningApiServer } from '../adapters/http/api-server.ts';
import { QUERY_NODE_ABSENT } from '../adapters/http/query-only-routes.ts';
import type { Logger } from '../shared/logger.ts';
import { assemble, roleRuntime } from './assemble.ts';
import { describeQueryConfig, type QueryConfig } from './config/query-config.ts';
import { elasticsearchStores } from './store-sets.ts';

export interface RunningQueryNode {
  api: RunningApiServer;
  /** Graceful stop: stop accepting, let requests in flight finish, close the clients. */
  stop(): Promise<void>;
}

export async function startQueryNode(
  config: QueryConfig,
  options: { logger?: Logger } = {},
): Promise<RunningQueryNode> {
  const { logger, metrics, retrier } = roleRuntime(config, options.logger);
  logger.info({ config: describeQueryConfig(config) }, 'query node starting');
  const assembly = await assemble({
    stores: elasticsearchStores(config.elasticsearch, logger, retrier),
    logger,
    metrics,
    definitionsDir: config.definitionsDir,
    livePollMs: config.http.livePollMs,
    api: {
      host: config.http.host,
      port: config.http.port,
      ...(config.http.apiKey === undefined ? {} : { apiKey: config.http.apiKey }),
      maxBodyBytes: config.http.maxBodyBytes,
      guard: config.http.guard,
      closeTimeoutMs: config.shutdownTimeoutMs,
      absent: QUERY_NODE_ABSENT,
    },
  });
  const api = assembly.api;
  if (api === undefined) throw new Error('a query node has an API');
  logger.info({ url: api.url }, 'query node serving');
  return {
    api,
    stop: async () => {
      logger.info('query node stopping');
      await assembly.stop();
      logger.info('query node stopped');
    },
  };
}
