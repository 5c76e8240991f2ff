/**
 * A Kafka-mode collector of its own for a bench: the environment of
 * `flowtrail collector` with a unique topic set, consumer group and index prefix (so it
 * shares the servers with other work without touching their data), and the clean-up of
 * everything it created — topics, group, indices and index templates.
 */
import type { Admin } from 'kafkajs';
import type { createElasticsearchClient } from '../collector/src/adapters/elasticsearch/es-client.ts';

type Client = ReturnType<typeof createElasticsearchClient>;

/** The collector's topics: events, dead letters, commands, command acks, alerts. */
export function benchTopics(name: string): string[] {
  return ['events', 'dlq', 'commands', 'command-acks', 'alerts'].map((t) => `${name}.${t}`);
}

/** The environment of `flowtrail collector` for `name` (topics, group id, index prefix). */
export function collectorEnv(
  name: string,
  { brokers, esUrl, port }: { brokers: string[]; esUrl: string; port: number },
): NodeJS.ProcessEnv {
  const [events, dlq, commands, acks, alerts] = benchTopics(name);
  return {
    KAFKA_BROKERS: brokers.join(','),
    ELASTICSEARCH_URL: esUrl,
    FLOWTRAIL_TOPICS: events,
    FLOWTRAIL_DLQ_TOPIC: dlq,
    FLOWTRAIL_COMMANDS_TOPIC: commands,
    FLOWTRAIL_COMMAND_ACKS_TOPIC: acks,
    FLOWTRAIL_ALERTS_TOPIC: alerts,
    FLOWTRAIL_GROUP_ID: name,
    FLOWTRAIL_INDEX_PREFIX: name,
    FLOWTRAIL_INDEX_REPLICAS: '0',
    FLOWTRAIL_HTTP_PORT: `${port}`,
    FLOWTRAIL_API_KEY: '',
    LOG_LEVEL: 'warn',
  };
}

/** Deletes the indices and templates `<name>-*`, the topics and the consumer groups. */
export async function cleanUpKafkaMode(name: string, admin: Admin, es: Client): Promise<void> {
  await es.indices.delete({ index: `${name}-*`, expand_wildcards: 'all' }, { ignore: [404] });
  const templates = await es.indices
    .getIndexTemplate({ name: `${name}-*` })
    .catch(() => ({ index_templates: [] }));
  for (const t of templates.index_templates) {
    await es.indices.deleteIndexTemplate({ name: t.name }, { ignore: [404] });
  }
  await admin.deleteTopics({ topics: benchTopics(name) }).catch(() => undefined);
  // The main group and the command feed's own groups (`<name>.command-feed.<id>`).
  const { groups } = await admin.listGroups();
  const ours = groups.map((g) => g.groupId).filter((g) => g === name || g.startsWith(`${name}.`));
  await admin.deleteGroups(ours).catch(() => undefined);
}
