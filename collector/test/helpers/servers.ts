/**
 * Access to the REAL Kafka and Elasticsearch of the integration tests (KAFKA_BROKERS,
 * ELASTICSEARCH_URL or the 127.0.0.1 defaults), unique names per test file, and cleanup.
 */
import { randomBytes } from 'node:crypto';
import { Client } from '@elastic/elasticsearch';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { PLAIN_JSON_HEADERS } from '../../src/adapters/elasticsearch/es-client.ts';
import { waitFor } from './wait-for.ts';

export const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092')
  .split(',')
  .map((b) => b.trim());
export const elasticsearchUrl = process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';

/** `ft-it-<tag>-<random>`: lowercase, valid as index prefix, topic and group id. */
export function uniqueName(tag: string): string {
  return `ft-it-${tag}-${randomBytes(4).toString('hex')}`;
}

export function testKafka(): Kafka {
  return new Kafka({ clientId: 'flowtrail-it', brokers, logLevel: logLevel.NOTHING });
}

export function testElasticsearch(): Client {
  return new Client({
    node: elasticsearchUrl,
    requestTimeout: 30_000,
    headers: PLAIN_JSON_HEADERS,
  });
}

/** Waits until Elasticsearch answers and is not red (it may still be starting). */
export async function waitForElasticsearch(es: Client): Promise<void> {
  await waitFor(async () => (await es.cluster.health()).status !== 'red', {
    timeoutMs: 120_000,
    description: 'elasticsearch',
  });
}

/** Waits until both servers answer (they may still be starting). */
export async function waitForServers(es: Client, admin: Admin): Promise<void> {
  await waitForElasticsearch(es);
  await waitFor(
    async () => {
      await admin.connect();
      await admin.listTopics();
      return true;
    },
    { timeoutMs: 120_000, description: 'kafka' },
  );
}

export async function createTopics(
  admin: Admin,
  topics: string[],
  numPartitions = 4,
): Promise<void> {
  await admin.createTopics({
    waitForLeaders: true,
    topics: topics.map((topic) => ({ topic, numPartitions })),
  });
}

/** Deletes the indices and templates of a prefix (by name: wildcard deletes may be off). */
export async function deleteIndicesOf(es: Client, prefix: string): Promise<void> {
  const indices = await es.indices.get({
    index: `${prefix}-*`,
    allow_no_indices: true,
    expand_wildcards: 'all',
  });
  for (const index of Object.keys(indices)) await es.indices.delete({ index }, { ignore: [404] });
  for (const name of [`${prefix}-events`, `${prefix}-instances`]) {
    await es.indices.deleteIndexTemplate({ name }, { ignore: [404] });
  }
}

export async function deleteKafkaResources(
  admin: Admin,
  topics: string[],
  groupIds: string[],
): Promise<void> {
  await admin.deleteGroups(groupIds).catch(() => undefined);
  const existing = await admin.listTopics();
  // The named topics, and every `<group>.*` topic a collector of that group created.
  const doomed = existing.filter(
    (t) => topics.includes(t) || groupIds.some((g) => t.startsWith(`${g}.`)),
  );
  if (doomed.length > 0) await admin.deleteTopics({ topics: doomed }).catch(() => undefined);
}

/** Total committed lag of a consumer group over a topic (committed -1 counts from low). */
export async function consumerLag(admin: Admin, groupId: string, topic: string): Promise<number> {
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const ends = await admin.fetchTopicOffsets(topic);
  let lag = 0;
  for (const end of ends) {
    const c = committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
    const from = c === '-1' ? BigInt(end.low) : BigInt(c);
    lag += Number(BigInt(end.high) - from);
  }
  return lag;
}

/** Number of event documents in the prefix's events indices (refreshing first). */
export async function countEvents(es: Client, prefix: string, query?: object): Promise<number> {
  await es.indices.refresh({
    index: `${prefix}-events-*`,
    allow_no_indices: true,
    ignore_unavailable: true,
  });
  const response = await es.count({
    index: `${prefix}-events-*`,
    allow_no_indices: true,
    ignore_unavailable: true,
    ...(query !== undefined ? { query } : {}),
  });
  return response.count;
}

/**
 * The collector environment every integration test starts from: the real servers, and
 * topics, group and indices of its own under `name` (see `uniqueName`).
 */
export function collectorTestEnv(
  name: string,
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    KAFKA_BROKERS: brokers.join(','),
    ELASTICSEARCH_URL: elasticsearchUrl,
    FLOWTRAIL_TOPICS: `${name}.events`,
    FLOWTRAIL_DLQ_TOPIC: `${name}.dlq`,
    FLOWTRAIL_GROUP_ID: name,
    FLOWTRAIL_INDEX_PREFIX: name,
    FLOWTRAIL_INDEX_REPLICAS: '0',
    FLOWTRAIL_HTTP_PORT: '0', // any free port: tests never depend on 4100 being free
    FLOWTRAIL_COMMANDS_TOPIC: `${name}.commands`,
    FLOWTRAIL_COMMAND_ACKS_TOPIC: `${name}.command-acks`,
    FLOWTRAIL_ALERTS_TOPIC: `${name}.alerts`,
    FLOWTRAIL_DETECTION: 'false', // detection tests turn it on
    ...overrides,
  };
}
