/**
 * Configuration of a query node (`flowtrail query`): the HTTP API over Elasticsearch,
 * without Kafka. Read from the environment once, at start, with the same readers (and so
 * the same variables, defaults and checks) as the collector's `parseConfig`; problems are
 * listed all at once in one `ConfigError`. Kafka and detection variables are not read,
 * so one environment file can serve collectors and query nodes alike.
 */
import {
  maskSecrets,
  readElasticsearchConfig,
  readHttpConfig,
  readLogLevel,
  readRetryConfig,
  readShutdownTimeoutMs,
  type ElasticsearchConfig,
  type HttpConfig,
  type LogLevel,
  type RetryConfig,
} from './config.ts';
import { EnvReader, type Env } from '../../shared/env-reader.ts';
import { ConfigError } from '../../shared/errors.ts';
import { readDefinitionsDir } from './detection-config.ts';

/** The HTTP API is all a query node does: always served. */
export type QueryHttpConfig = Omit<HttpConfig, 'enabled'>;

export interface QueryConfig {
  elasticsearch: ElasticsearchConfig;
  http: QueryHttpConfig;
  /** FLOWTRAIL_DEFINITIONS_DIR: give query nodes the collectors' directory. */
  definitionsDir?: string;
  logLevel: LogLevel;
  /** Backoff while Elasticsearch is unavailable at start. */
  retry: RetryConfig;
  /** How long a graceful stop lets requests in flight finish before cutting them. */
  shutdownTimeoutMs: number;
}

/** Command-line flags that win over the environment. */
export interface QueryOverrides {
  port?: number;
}

/** Parses the query node's configuration; throws `ConfigError` listing every problem. */
export function parseQueryConfig(env: Env, overrides: QueryOverrides = {}): QueryConfig {
  const r = new EnvReader(env);
  const { enabled, ...http } = readHttpConfig(r);
  if (!enabled) {
    r.problems.push(
      'FLOWTRAIL_HTTP_ENABLED=false: a query node serves only the HTTP API; unset it for `flowtrail query`',
    );
  }
  const definitionsDir = readDefinitionsDir(r);
  const config: QueryConfig = {
    elasticsearch: readElasticsearchConfig(r),
    http: overrides.port === undefined ? http : { ...http, port: overrides.port },
    ...(definitionsDir === undefined ? {} : { definitionsDir }),
    logLevel: readLogLevel(r),
    retry: readRetryConfig(r),
    shutdownTimeoutMs: readShutdownTimeoutMs(r),
  };
  if (r.problems.length > 0) throw new ConfigError(r.problems, 'query node');
  return config;
}

/** The configuration with secrets masked, for the start-up log line. */
export function describeQueryConfig(config: QueryConfig): Record<string, unknown> {
  return { ...maskSecrets(config) };
}
