/**
 * The collector's configuration: read from the environment once, at start, into a typed
 * `CollectorConfig`. Parsing never stops at the first problem: `parseConfig` throws one
 * `ConfigError` listing every bad variable, so an operator fixes them all in one go.
 */
import { EnvReader, type Env } from '../../shared/env-reader.ts';
import { ConfigError } from '../../shared/errors.ts';
import { DEFAULT_MAX_EVENT_BYTES } from '../../app/ingest/batch-ingester.ts';
import { LOG_LEVELS, type LogLevel } from '../../shared/logger.ts';
import type { KafkaConfig } from '../../adapters/kafka/kafka-config.ts';
import type { ElasticsearchConfig } from '../../adapters/elasticsearch/elasticsearch-config.ts';
import {
  DEFAULT_HTTP_GUARD,
  DEFAULT_MAX_BODY_BYTES,
  type HttpConfig,
  type HttpGuardConfig,
} from '../../adapters/http/http-config.ts';
import { normalizeOrigin } from '../../adapters/http/request-guard.ts';
import type { RetryConfig } from '../../shared/retry/retry-config.ts';
import { parseNotifyConfig, type NotifyConfig } from './notify-config.ts';
import { readDetectionConfig, type DetectionConfig } from './detection-config.ts';

export { EnvReader, type Env } from '../../shared/env-reader.ts';
export type { KafkaConfig } from '../../adapters/kafka/kafka-config.ts';
export type { ElasticsearchConfig } from '../../adapters/elasticsearch/elasticsearch-config.ts';
export type { HttpConfig, HttpGuardConfig } from '../../adapters/http/http-config.ts';
export type { RetryConfig } from '../../shared/retry/retry-config.ts';
export type { LogLevel } from '../../shared/logger.ts';

export interface CollectorConfig {
  kafka: KafkaConfig;
  detection: DetectionConfig;
  notify: NotifyConfig;
  http: HttpConfig;
  elasticsearch: ElasticsearchConfig;
  maxEventBytes: number;
  /** Messages per storage round trip (bulk write + fold + commit). */
  batchSize: number;
  logLevel: LogLevel;
  retry: RetryConfig;
  statsIntervalMs: number;
  /** How often the analytics buckets take in the contributions written (es-analytics-compactor.ts). */
  analyticsCompactIntervalMs: number;
  shutdownTimeoutMs: number;
}

const INDEX_PREFIX = /^[a-z0-9][a-z0-9._-]*$/;
const TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;
const BROKER = /^[^\s:,]+:\d{1,5}$/;

function checkUrl(value: string): string | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:'
      ? undefined
      : 'expected an http(s) URL';
  } catch {
    return 'expected an http(s) URL';
  }
}

const checkTopic = (v: string): string | undefined =>
  TOPIC.test(v) ? undefined : 'is not a valid Kafka topic name';

/** Notifier settings (notify-config.ts), their problems listed with all the others. */
export function readNotifyConfig(env: Env, r: EnvReader): NotifyConfig {
  try {
    return parseNotifyConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    r.problems.push(...err.problems);
    return undefined as unknown as NotifyConfig; // never returned: problems throw below
  }
}

/** Parses the collector configuration from `env`; throws `ConfigError` listing every problem. */
export function parseConfig(env: Env = process.env): CollectorConfig {
  const r = new EnvReader(env);
  const brokers = r.list('KAFKA_BROKERS', '127.0.0.1:9092', (b) =>
    BROKER.test(b) ? undefined : 'is not host:port',
  );
  const dlqTopic = r.string('FLOWTRAIL_DLQ_TOPIC', 'flowtrail.dlq', checkTopic);

  let topics: string[] | undefined;
  let topicPattern: RegExp | undefined;
  const patternSource = r.raw('FLOWTRAIL_TOPIC_PATTERN');
  if (patternSource !== undefined) {
    if (r.raw('FLOWTRAIL_TOPICS') !== undefined) {
      r.problems.push('FLOWTRAIL_TOPICS and FLOWTRAIL_TOPIC_PATTERN are both set; set only one');
    }
    try {
      topicPattern = new RegExp(patternSource);
    } catch (err) {
      r.problems.push(
        `FLOWTRAIL_TOPIC_PATTERN=${JSON.stringify(patternSource)}: ${(err as Error).message}`,
      );
    }
  } else {
    topics = r.list('FLOWTRAIL_TOPICS', 'flowtrail.events', checkTopic);
    if (topics.includes(dlqTopic)) {
      r.problems.push(
        `FLOWTRAIL_TOPICS: must not include the dead-letter topic ${JSON.stringify(dlqTopic)}`,
      );
    }
  }

  const commandsTopic = r.string('FLOWTRAIL_COMMANDS_TOPIC', 'flowtrail.commands', checkTopic);
  const commandAcksTopic = r.string(
    'FLOWTRAIL_COMMAND_ACKS_TOPIC',
    'flowtrail.command-acks',
    checkTopic,
  );
  if (commandAcksTopic === commandsTopic || commandAcksTopic === dlqTopic) {
    r.problems.push(
      `FLOWTRAIL_COMMAND_ACKS_TOPIC: must differ from the commands and dead-letter topics, got ${JSON.stringify(commandAcksTopic)}`,
    );
  }

  const config: CollectorConfig = {
    kafka: {
      brokers,
      clientId: r.string('KAFKA_CLIENT_ID', 'flowtrail-collector'),
      groupId: r.string('FLOWTRAIL_GROUP_ID', 'flowtrail-collector'),
      topics,
      topicPattern,
      dlqTopic,
      commandsTopic,
      commandAcksTopic,
      topicPartitions: r.int('FLOWTRAIL_TOPIC_PARTITIONS', 6, 1, 10_000),
      createTopics: r.bool('FLOWTRAIL_CREATE_TOPICS', true),
      sessionTimeoutMs: r.int('FLOWTRAIL_SESSION_TIMEOUT_MS', 30_000, 6_000, 300_000),
      partitionsConcurrently: r.int('FLOWTRAIL_PARTITIONS_CONCURRENTLY', 3, 1, 64),
      maxBytesPerPartition: r.int(
        'FLOWTRAIL_FETCH_MAX_BYTES_PER_PARTITION',
        8_388_608,
        65_536,
        104_857_600,
      ),
    },
    elasticsearch: readElasticsearchConfig(r),
    http: readHttpConfig(r),
    detection: readDetectionConfig(r),
    notify: readNotifyConfig(env, r),
    maxEventBytes: readMaxEventBytes(r),
    batchSize: r.int('FLOWTRAIL_BATCH_SIZE', 10_000, 1, 50_000),
    logLevel: readLogLevel(r),
    retry: readRetryConfig(r),
    statsIntervalMs: r.int('FLOWTRAIL_STATS_INTERVAL_MS', 30_000, 100),
    analyticsCompactIntervalMs: r.int(
      'FLOWTRAIL_ANALYTICS_COMPACT_INTERVAL_MS',
      1000,
      100,
      3_600_000,
    ),
    shutdownTimeoutMs: readShutdownTimeoutMs(r),
  };
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}

/** ELASTICSEARCH_* and FLOWTRAIL_INDEX_* (every Elasticsearch-backed role: collector, query). */
export function readElasticsearchConfig(r: EnvReader): ElasticsearchConfig {
  const username = r.raw('ELASTICSEARCH_USERNAME');
  const password = r.raw('ELASTICSEARCH_PASSWORD');
  if ((username === undefined) !== (password === undefined)) {
    r.problems.push('ELASTICSEARCH_USERNAME and ELASTICSEARCH_PASSWORD must be set together');
  }
  return {
    url: r.string('ELASTICSEARCH_URL', 'http://127.0.0.1:9200', checkUrl),
    username,
    password,
    apiKey: r.raw('ELASTICSEARCH_API_KEY'),
    indexPrefix: r.string('FLOWTRAIL_INDEX_PREFIX', 'flowtrail', (v) =>
      INDEX_PREFIX.test(v) && v.length <= 200
        ? undefined
        : 'expected lowercase letters, digits, ".", "_" or "-", starting with a letter or digit',
    ),
    replicas: r.int('FLOWTRAIL_INDEX_REPLICAS', 1, 0, 10),
    requestTimeoutMs: r.int('ELASTICSEARCH_REQUEST_TIMEOUT_MS', 30_000, 100),
  };
}

/** FLOWTRAIL_RETRY_MIN_MS / _MAX_MS: the backoff bounds while storage is unavailable. */
export function readRetryConfig(r: EnvReader): RetryConfig {
  const minMs = r.int('FLOWTRAIL_RETRY_MIN_MS', 200, 1);
  const maxMs = r.int('FLOWTRAIL_RETRY_MAX_MS', 30_000, 1);
  if (minMs > maxMs) {
    r.problems.push(
      `FLOWTRAIL_RETRY_MIN_MS (${minMs}) must not exceed FLOWTRAIL_RETRY_MAX_MS (${maxMs})`,
    );
  }
  return { minMs, maxMs };
}

/** FLOWTRAIL_SHUTDOWN_TIMEOUT_MS: how long a graceful stop waits for work in flight. */
export function readShutdownTimeoutMs(r: EnvReader): number {
  return r.int('FLOWTRAIL_SHUTDOWN_TIMEOUT_MS', 30_000, 100);
}

const API_KEY = /^[\x21-\x7e]+$/;

/** FLOWTRAIL_HTTP_* and FLOWTRAIL_API_KEY (shared by Kafka mode and embedded mode). */
export function readHttpConfig(r: EnvReader): HttpConfig {
  const apiKey = r.raw('FLOWTRAIL_API_KEY');
  if (apiKey !== undefined && !API_KEY.test(apiKey)) {
    r.problems.push('FLOWTRAIL_API_KEY: expected printable ASCII without spaces');
  }
  return {
    enabled: r.bool('FLOWTRAIL_HTTP_ENABLED', true),
    host: r.string('FLOWTRAIL_HTTP_HOST', '127.0.0.1', (v) =>
      /^[^\s/]+$/.test(v) ? undefined : 'expected a host name or IP address',
    ),
    port: r.int('FLOWTRAIL_HTTP_PORT', 4100, 0, 65_535),
    ...(apiKey === undefined ? {} : { apiKey }),
    maxBodyBytes: r.int('FLOWTRAIL_MAX_BODY_BYTES', DEFAULT_MAX_BODY_BYTES, 1024),
    livePollMs: r.int('FLOWTRAIL_LIVE_POLL_MS', 1000, 50, 60_000),
    guard: readHttpGuardConfig(r),
  };
}

/** A comma-separated list; unset or blank → `fallback`. */
function optionalList(r: EnvReader, name: string, fallback: readonly string[]): string[] {
  const raw = r.raw(name);
  if (raw === undefined) return [...fallback];
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

const HOST_NAME = /^(\[[0-9a-f:.]+\]|[a-z0-9._-]+)(:\d{1,5})?$/i;

/** FLOWTRAIL_HTTP_* limits and browser safety (docs/http-api.md, docs/security.md). */
export function readHttpGuardConfig(r: EnvReader): HttpGuardConfig {
  const d = DEFAULT_HTTP_GUARD;
  const origins: string[] = [];
  for (const value of optionalList(r, 'FLOWTRAIL_HTTP_ALLOWED_ORIGINS', d.allowedOrigins)) {
    const origin = normalizeOrigin(value);
    if (origin === undefined) {
      r.problems.push(
        `FLOWTRAIL_HTTP_ALLOWED_ORIGINS: ${JSON.stringify(value)} is not an origin (http(s)://host[:port])`,
      );
    } else origins.push(origin);
  }
  const hosts = optionalList(r, 'FLOWTRAIL_HTTP_ALLOWED_HOSTS', d.allowedHosts);
  for (const host of hosts) {
    if (!HOST_NAME.test(host)) {
      r.problems.push(
        `FLOWTRAIL_HTTP_ALLOWED_HOSTS: ${JSON.stringify(host)} is not a host name (name or name:port)`,
      );
    }
  }
  return {
    maxEventsPerRequest: r.int(
      'FLOWTRAIL_HTTP_MAX_EVENTS_PER_REQUEST',
      d.maxEventsPerRequest,
      1,
      1_000_000,
    ),
    headersTimeoutMs: r.int('FLOWTRAIL_HTTP_HEADERS_TIMEOUT_MS', d.headersTimeoutMs, 1000, 300_000),
    bodyTimeoutMs: r.int('FLOWTRAIL_HTTP_BODY_TIMEOUT_MS', d.bodyTimeoutMs, 1000, 300_000),
    maxConnections: r.int('FLOWTRAIL_HTTP_MAX_CONNECTIONS', d.maxConnections, 1, 1_000_000),
    allowedOrigins: origins,
    allowedHosts: hosts.map((h) => h.toLowerCase()),
  };
}

export function readMaxEventBytes(r: EnvReader): number {
  return r.int('FLOWTRAIL_MAX_EVENT_BYTES', DEFAULT_MAX_EVENT_BYTES, 1);
}

export function readLogLevel(r: EnvReader, fallback: LogLevel = 'info'): LogLevel {
  return r.string('LOG_LEVEL', fallback, (v) =>
    LOG_LEVELS.includes(v as LogLevel) ? undefined : `expected one of ${LOG_LEVELS.join(', ')}`,
  ) as LogLevel;
}

const masked = (secret: string | undefined): string | undefined =>
  secret === undefined ? undefined : '***';

/** The configuration with secrets masked, for the start-up log line. */
export function describeConfig(config: CollectorConfig): Record<string, unknown> {
  return {
    ...maskSecrets(config),
    kafka: { ...config.kafka, topicPattern: config.kafka.topicPattern?.source },
  };
}

/** Any role's configuration with the HTTP API key and Elasticsearch secrets masked. */
export function maskSecrets<
  T extends { http: { apiKey?: string }; elasticsearch: ElasticsearchConfig },
>(config: T): T {
  const { elasticsearch: es, http } = config;
  return {
    ...config,
    http: { ...http, apiKey: masked(http.apiKey) },
    elasticsearch: { ...es, password: masked(es.password), apiKey: masked(es.apiKey) },
  };
}
