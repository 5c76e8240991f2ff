/**
 * Topics of its own on the REAL Kafka for one contract suite (`<name>.<suffix>`, `name`
 * from `uniqueName`), each read from the beginning by a plain kafkajs consumer that keeps
 * every record in arrival order; `release` stops the consumers and deletes the topics and
 * groups (helpers/suite-servers.ts).
 */
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { uniqueName } from '../helpers/servers.ts';
import { connectSuiteServers } from '../helpers/suite-servers.ts';

export interface ReceivedRecord {
  partition: number;
  message: KafkaMessage;
}

export interface ContractTopics {
  name: string;
  kafka: Kafka;
  /** Creates `<name>.<suffix>` (waiting for its leaders) and returns its name. */
  create(
    suffix: string,
    options?: { partitions?: number; config?: Record<string, string> },
  ): Promise<string>;
  /** Starts reading `topic` from the beginning; the array fills as records arrive. */
  read(topic: string): Promise<ReceivedRecord[]>;
  release(): Promise<void>;
}

export async function contractTopics(tag: string): Promise<ContractTopics> {
  const name = uniqueName(tag);
  const servers = await connectSuiteServers(name);
  const consumers: Consumer[] = [];
  const groups: string[] = [];
  return {
    name,
    kafka: servers.kafka,
    async create(suffix, { partitions = 1, config = {} } = {}) {
      const topic = `${name}.${suffix}`;
      await servers.admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic,
            numPartitions: partitions,
            configEntries: Object.entries(config).map(([key, value]) => ({ name: key, value })),
          },
        ],
      });
      return topic;
    },
    async read(topic) {
      const groupId = `${name}-reader-${groups.length}`;
      groups.push(groupId);
      const consumer = servers.kafka.consumer({ groupId });
      consumers.push(consumer);
      const records: ReceivedRecord[] = [];
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }) => void records.push({ partition, message }),
      });
      return records;
    },
    async release() {
      for (const consumer of consumers) await consumer.disconnect();
      // Every `<name>.*` topic goes with the group `name` (deleteKafkaResources).
      await servers.release([], [name, ...groups]);
    },
  };
}

/** A record header as text (the first value of a repeated header). */
export function headerText(message: KafkaMessage, key: string): string | undefined {
  const value = message.headers?.[key];
  const first = Array.isArray(value) ? value[0] : value;
  return first?.toString();
}
