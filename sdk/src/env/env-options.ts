/**
 * Reads the SDK's configuration from environment variables — at the edge of your
 * service, once: `createFlowtrail(sdkOptionsFromEnv(process.env))`.
 *
 * | variable | meaning | default |
 * |---|---|---|
 * | `FLOWTRAIL_SOURCE` | this system's name (`source`) | required |
 * | `KAFKA_BROKERS` | comma-separated `host:port` list | `127.0.0.1:9092` |
 * | `FLOWTRAIL_TOPIC` | Kafka topic of the events | `flowtrail.events` |
 */
import { ConfigError } from '../errors.ts';
import type { FlowtrailOptions } from '../options.ts';
import { DEFAULT_TOPIC, KafkaTransport } from '../transports/kafka-transport.ts';

export interface SdkEnv {
  source: string;
  brokers: string[];
  topic: string;
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
  if (problems.length > 0) throw new ConfigError(problems);
  return { source, brokers, topic };
}

/**
 * Options for `createFlowtrail` from the environment: `source` plus a `KafkaTransport`
 * (which connects lazily, on the first send). `overrides` win over the environment.
 */
export function sdkOptionsFromEnv(
  env: Record<string, string | undefined>,
  overrides: Partial<FlowtrailOptions> = {},
): FlowtrailOptions {
  const parsed = parseSdkEnv(env);
  return {
    source: parsed.source,
    ...overrides,
    transport:
      overrides.transport ?? new KafkaTransport({ brokers: parsed.brokers, topic: parsed.topic }),
  };
}
