/**
 * Reads the SDK's configuration from environment variables — at the edge of your
 * service, once: `createFlowtrail(sdkOptionsFromEnv(process.env))`.
 *
 * | variable | meaning | default |
 * |---|---|---|
 * | `FLOWTRAIL_SOURCE` | this system's name (`source`) | required |
 * | `KAFKA_BROKERS` | comma-separated `host:port` list | `127.0.0.1:9092` |
 * | `FLOWTRAIL_TOPIC` | Kafka topic of the events | `flowtrail.events` |
 * | `FLOWTRAIL_SPOOL_DIR` | turns the on-disk spool on: its directory | off |
 * | `FLOWTRAIL_SPOOL_MAX_BYTES` | the spool's bound, in bytes | 268435456 (256 MiB) |
 */
import { ConfigError } from '../errors.ts';
import {
  DEFAULT_SPOOL_MAX_BYTES,
  MIN_SPOOL_MAX_BYTES,
  type FlowtrailOptions,
  type SpoolOptions,
} from '../options.ts';
import { DEFAULT_TOPIC, KafkaTransport } from '../transports/kafka-transport.ts';

export interface SdkEnv {
  source: string;
  brokers: string[];
  topic: string;
  /** Set when FLOWTRAIL_SPOOL_DIR is. */
  spool?: { directory: string; maxBytes: number };
}

const BROKER = /^[A-Za-z0-9.\-_]+:\d{1,5}$|^\[[0-9A-Fa-f:.]+\]:\d{1,5}$/;
const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;

/** Parses and checks the variables; throws one ConfigError listing every problem. */
export function parseSdkEnv(env: Record<string, string | undefined>): SdkEnv {
  const problems: string[] = [];
  const source = env.FLOWTRAIL_SOURCE?.trim() ?? '';
  if (source === '') problems.push('FLOWTRAIL_SOURCE: required (the name of this system)');
  else if (/\s/.test(source)) problems.push(`FLOWTRAIL_SOURCE: must not contain whitespace`);
  const brokers = (env.KAFKA_BROKERS ?? '127.0.0.1:9092')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  if (brokers.length === 0) problems.push('KAFKA_BROKERS: no broker given');
  for (const broker of brokers) {
    const port = Number(broker.slice(broker.lastIndexOf(':') + 1));
    if (!BROKER.test(broker) || port < 1 || port > 65535) {
      problems.push(`KAFKA_BROKERS: "${broker}" is not host:port`);
    }
  }
  const topic = env.FLOWTRAIL_TOPIC?.trim() || DEFAULT_TOPIC;
  if (!TOPIC.test(topic) || topic === '.' || topic === '..') {
    problems.push(`FLOWTRAIL_TOPIC: "${topic}" is not a valid Kafka topic name`);
  }
  const spoolDir = env.FLOWTRAIL_SPOOL_DIR?.trim() ?? '';
  const maxBytesText = env.FLOWTRAIL_SPOOL_MAX_BYTES?.trim() ?? '';
  const maxBytes = maxBytesText === '' ? DEFAULT_SPOOL_MAX_BYTES : Number(maxBytesText);
  if (maxBytesText !== '' && spoolDir === '') {
    problems.push('FLOWTRAIL_SPOOL_MAX_BYTES: set FLOWTRAIL_SPOOL_DIR too (the spool is off)');
  } else if (!/^\d*$/.test(maxBytesText) || maxBytes < MIN_SPOOL_MAX_BYTES) {
    problems.push(
      `FLOWTRAIL_SPOOL_MAX_BYTES: "${maxBytesText}" is not a byte count >= ${MIN_SPOOL_MAX_BYTES}`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return spoolDir === ''
    ? { source, brokers, topic }
    : { source, brokers, topic, spool: { directory: spoolDir, maxBytes } };
}

/**
 * Options for `createFlowtrail` from the environment: `source` plus a `KafkaTransport`
 * (which connects lazily, on the first send), and `spool` when FLOWTRAIL_SPOOL_DIR is
 * set. `overrides` win over the environment.
 */
export function sdkOptionsFromEnv(
  env: Record<string, string | undefined>,
  overrides: Partial<FlowtrailOptions> = {},
): FlowtrailOptions {
  const parsed = parseSdkEnv(env);
  const spool: SpoolOptions | undefined = parsed.spool;
  return {
    source: parsed.source,
    ...(spool === undefined ? {} : { spool }),
    ...overrides,
    transport:
      overrides.transport ?? new KafkaTransport({ brokers: parsed.brokers, topic: parsed.topic }),
  };
}
