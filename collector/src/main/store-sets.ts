/**
 * The stores of one deployment, opened by one factory per backend (Jaeger style): the
 * event store (events + instance states), the alert store and the definition store.
 * `assemble()` (assemble.ts) takes a `StoreSet` and never names a backend.
 * - SQLite (`flowtrail up`): one `<dataDir>/flowtrail.db`, prepared at once; a failure is
 *   a broken data directory, not an outage, so nothing is retried.
 * - Elasticsearch (collector, query node): prepared through the retrier, so a collector
 *   started before its cluster waits for it.
 */
import { ElasticsearchAlertStore } from '../adapters/elasticsearch/es-alert-store.ts';
import { ElasticsearchDefinitionStore } from '../adapters/elasticsearch/es-definition-store.ts';
import { ElasticsearchEventStore } from '../adapters/elasticsearch/es-event-store.ts';
import type { ElasticsearchConfig } from '../adapters/elasticsearch/elasticsearch-config.ts';
import type { StoreName } from '../adapters/http/api-handler.ts';
import { SqliteAlertStore } from '../adapters/sqlite/sqlite-alert-store.ts';
import { SqliteDefinitionStore } from '../adapters/sqlite/sqlite-definition-store.ts';
import { SqliteEventStore } from '../adapters/sqlite/sqlite-event-store.ts';
import type { AlertStore } from '../ports/alert-store.ts';
import type { DefinitionStore } from '../ports/definition-store.ts';
import type { EventStore, StorageLifecycle } from '../ports/event-store.ts';
import type { Logger } from '../shared/logger.ts';
import type { Retrier } from '../shared/retry/retrier.ts';

export interface StoreSet {
  kind: StoreName;
  events: EventStore;
  alerts: AlertStore;
  definitions: DefinitionStore;
  /** Creates what is missing (tables, indices); closes what it opened when it fails. */
  prepare(): Promise<void>;
  /** Closes every store; a failure is logged, the others are still closed. */
  close(): Promise<void>;
}

/** The stores of embedded mode in `<dataDir>/flowtrail.db`. */
export function sqliteStores(dataDir: string, logger: Logger): StoreSet {
  const events = new SqliteEventStore({ dataDir });
  const alerts = new SqliteAlertStore({ dataDir });
  const definitions = new SqliteDefinitionStore({ dataDir });
  const named: [string, StorageLifecycle][] = [
    ['sqlite events', events],
    ['sqlite alerts', alerts],
    ['sqlite definitions', definitions],
  ];
  return {
    kind: 'sqlite',
    events,
    alerts,
    definitions,
    prepare: async () => {
      try {
        for (const [, store] of named) await store.prepare();
      } catch (err) {
        await closeAll(named, logger);
        throw err;
      }
    },
    close: () => closeAll(named, logger),
  };
}

/** The stores of Kafka mode and of the query node, on one Elasticsearch cluster. */
export function elasticsearchStores(
  config: ElasticsearchConfig,
  logger: Logger,
  retrier: Retrier,
): StoreSet {
  const events = ElasticsearchEventStore.fromConfig(
    config,
    logger.child({ component: 'elasticsearch' }),
  );
  const alerts = ElasticsearchAlertStore.fromConfig(
    config,
    logger.child({ component: 'elasticsearch-alerts' }),
  );
  const definitions = ElasticsearchDefinitionStore.fromConfig(
    config,
    logger.child({ component: 'elasticsearch-definitions' }),
  );
  const named: [string, StorageLifecycle][] = [
    ['elasticsearch', events],
    ['elasticsearch alerts', alerts],
    ['elasticsearch definitions', definitions],
  ];
  return {
    kind: 'elasticsearch',
    events,
    alerts,
    definitions,
    prepare: async () => {
      try {
        for (const [what, store] of named) {
          await retrier.run(`prepare ${what}`, () => store.prepare());
        }
      } catch (err) {
        await closeAll(named, logger);
        throw err;
      }
    },
    close: () => closeAll(named, logger),
  };
}

async function closeAll(named: readonly [string, StorageLifecycle][], logger: Logger) {
  for (const [what, store] of named) {
    await store.close().catch((err: unknown) => logger.warn({ err }, `${what} close failed`));
  }
}
