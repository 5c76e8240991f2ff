/**
 * `@flowtrail/collector` — the collector as a library, for programs that run Flowtrail
 * in-process (tests, benchmarks, an embedding application). Most users run the
 * `flowtrail` CLI instead (collector/bin/flowtrail.js → tools/cli/main.ts).
 *
 * The three roles, each parsed from the environment once and started with one call:
 * - `startEmbedded` — `flowtrail up`: SQLite store, HTTP ingest, detection, API.
 * - `startCollector` — `flowtrail collector`: Kafka consumer group → Elasticsearch,
 *   detection, API (`parseConfig` reads its environment; `ConfigError` lists every problem).
 * - `startQueryNode` — `flowtrail query`: the read API over Elasticsearch.
 * All three are built by `assemble` (main/assemble.ts) from a `StoreSet`.
 *
 * The layers below (domain/, app/, ports/, adapters/) are internal: their import rules
 * are in .dependency-cruiser.cjs and docs/architecture.md.
 */
export {
  startEmbedded,
  type EmbeddedOptions,
  type RunningEmbedded,
} from './main/start-embedded.ts';
export {
  startCollector,
  type RunningCollector,
  type StartOptions,
} from './main/start-collector.ts';
export { startQueryNode, type RunningQueryNode } from './main/start-query-node.ts';
export { assemble, type AssembleChoices, type Assembly } from './main/assemble.ts';
export { elasticsearchStores, sqliteStores, type StoreSet } from './main/store-sets.ts';
export { parseConfig, describeConfig, type CollectorConfig } from './main/config/config.ts';
export { parseQueryConfig, type QueryConfig } from './main/config/query-config.ts';
export { ConfigError, StorageError, CollectorError } from './shared/errors.ts';
export type { InstanceState } from './domain/instance/instance-state.ts';
