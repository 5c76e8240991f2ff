/**
 * Wires a query node: the HTTP API over the Elasticsearch stores (events and instances,
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
import { readDefinitionFiles } from '../adapters/files/read-definition-dir.ts';
import { AlertService } from '../app/alerts/alert-service.ts';
import { startApiServer, type RunningApiServer } from '../adapters/http/api-server.ts';
import { LiveHub } from '../app/live/live-hub.ts';
import { createLogger, type Logger } from '../shared/logger.ts';
import { Metrics } from '../shared/metrics.ts';
import { Retrier } from '../shared/retry/retrier.ts';
import { ElasticsearchAlertStore } from '../adapters/elasticsearch/es-alert-store.ts';
import { ElasticsearchDefinitionStore } from '../adapters/elasticsearch/es-definition-store.ts';
import { ElasticsearchEventStore } from '../adapters/elasticsearch/es-event-store.ts';
import { DefinitionCatalog } from '../app/detection/definition-catalog.ts';
import { describeQueryConfig, type QueryConfig } from './config/query-config.ts';
import { QUERY_NODE_ABSENT } from '../adapters/http/query-only-routes.ts';

export interface RunningQueryNode {
  api: RunningApiServer;
  /** Graceful stop: stop accepting, let requests in flight finish, close the clients. */
  stop(): Promise<void>;
}

export async function startQueryNode(
  config: QueryConfig,
  options: { logger?: Logger } = {},
): Promise<RunningQueryNode> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const retrier = new Retrier({
    bounds: config.retry,
    logger: logger.child({ component: 'retrier' }),
    metrics: new Metrics(),
  });
  logger.info({ config: describeQueryConfig(config) }, 'query node starting');

  const es = config.elasticsearch;
  const store = ElasticsearchEventStore.fromConfig(
    es,
    logger.child({ component: 'elasticsearch' }),
  );
  const alertStore = ElasticsearchAlertStore.fromConfig(
    es,
    logger.child({ component: 'elasticsearch-alerts' }),
  );
  const definitionStore = ElasticsearchDefinitionStore.fromConfig(
    es,
    logger.child({ component: 'elasticsearch-definitions' }),
  );
  const closeStores = async (): Promise<void> => {
    for (const [what, client] of [
      ['elasticsearch', store],
      ['elasticsearch alerts', alertStore],
      ['elasticsearch definitions', definitionStore],
    ] as const) {
      await client.close().catch((err: unknown) => logger.warn({ err }, `${what} close failed`));
    }
  };

  let api: RunningApiServer;
  try {
    await retrier.run('prepare elasticsearch', () => store.prepare());
    await retrier.run('prepare elasticsearch alerts', () => alertStore.prepare());
    await retrier.run('prepare elasticsearch definitions', () => definitionStore.prepare());
    const definitions = await DefinitionCatalog.load(
      await readDefinitionFiles(config.definitionsDir),
      {
        store: definitionStore,
        logger: logger.child({ component: 'definitions' }),
      },
    );
    const alerts = new AlertService(alertStore, { logger: logger.child({ component: 'alerts' }) });
    // Live clients of this node see every collector's writes: the hub reads the stores'
    // change feed; acknowledge/silence here nudge it at once.
    const live = new LiveHub({
      sources: { instances: store, alerts: alertStore },
      pollIntervalMs: config.http.livePollMs,
      logger: logger.child({ component: 'live' }),
    });
    alerts.onTransitions(() => live.nudge());
    api = await startApiServer({
      ...config.http,
      closeTimeoutMs: config.shutdownTimeoutMs,
      reader: store,
      store: 'elasticsearch',
      alerts,
      definitions,
      live,
      absent: QUERY_NODE_ABSENT,
      logger: logger.child({ component: 'http' }),
    });
  } catch (err) {
    await closeStores();
    throw err;
  }
  logger.info({ url: api.url }, 'query node serving');

  let stopping: Promise<void> | undefined;
  return {
    api,
    stop: () =>
      (stopping ??= (async () => {
        logger.info('query node stopping');
        try {
          await api.close();
        } finally {
          await closeStores();
          logger.info('query node stopped');
        }
      })()),
  };
}
