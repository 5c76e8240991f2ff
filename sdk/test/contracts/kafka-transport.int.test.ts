/**
 * The transport contract against `KafkaTransport` and the REAL Kafka (KAFKA_BROKERS,
 * default 127.0.0.1:9092): topics of their own per run (three partitions), read back with
 * a plain consumer; each record must be keyed by its instance key and say its content
 * type. Refusing is a topic whose `max.message.bytes` no event fits; unreachable is a
 * broker address nothing listens on, with few retries and a short connection timeout.
 * Topics and consumer groups are deleted at the end.
 */
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Admin, type Consumer, type KafkaMessage } from 'kafkajs';
import { vi } from 'vitest';
import { KafkaTransport, type FlowtrailEvent } from '../../src/index.ts';
import { STRUCTURED_CONTENT_TYPE } from '../../src/protocol/codec.ts';
import { instanceKeyOf } from '../../src/protocol/instance-key.ts';
import { describeTransportContract } from './transport-contract.ts';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim());
const name = `flowtrail-sdk-contract-${randomBytes(4).toString('hex')}`;

/** The event of a record; a wrong key or content type shows as an extra property. */
function decoded(message: KafkaMessage): FlowtrailEvent {
  const event = JSON.parse(message.value?.toString('utf8') ?? 'null') as FlowtrailEvent;
  const key = message.key?.toString('utf8');
  const contentType = message.headers?.['content-type']?.toString();
  const problems = [
    ...(key === instanceKeyOf(event) ? [] : [`key ${key}`]),
    ...(contentType === STRUCTURED_CONTENT_TYPE ? [] : [`content-type ${contentType}`]),
  ];
  return problems.length === 0
    ? event
    : ({ ...event, recordProblems: problems.join(', ') } as FlowtrailEvent);
}

describeTransportContract('kafka', async () => {
  const kafka = new Kafka({ clientId: 'flowtrail-sdk-it', brokers, logLevel: logLevel.NOTHING });
  const admin: Admin = kafka.admin();
  await admin.connect(); // kafkajs retries while the broker is still starting
  const topics: string[] = [];
  const consumers: Consumer[] = [];
  const groups: string[] = [];

  /** A new topic, read from the beginning; `received` gives all of it once read. */
  const topic = async (config: Record<string, string> = {}) => {
    const topicName = `${name}-${topics.length}`;
    topics.push(topicName);
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: topicName,
          numPartitions: 3,
          configEntries: Object.entries(config).map(([key, value]) => ({ name: key, value })),
        },
      ],
    });
    const groupId = `${topicName}-reader`;
    groups.push(groupId);
    const consumer = kafka.consumer({ groupId });
    consumers.push(consumer);
    const records: KafkaMessage[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: topicName, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void records.push(message) });
    return {
      name: topicName,
      received: async (): Promise<FlowtrailEvent[]> => {
        const ends = await admin.fetchTopicOffsets(topicName);
        const total = ends.reduce((sum, p) => sum + Number(p.high), 0);
        await vi.waitFor(
          () => {
            if (records.length < total) throw new Error(`${records.length}/${total} records`);
          },
          { timeout: 60_000, interval: 100 },
        );
        return records.map(decoded);
      },
    };
  };

  let accepting: ReturnType<typeof topic> | undefined;
  return {
    async open(behaviour) {
      if (behaviour === 'unreachable') {
        const transport = new KafkaTransport({
          brokers: ['127.0.0.1:1'],
          topic: `${name}-unreachable`,
          kafkaConfig: {
            retry: { retries: 0 },
            connectionTimeout: 500,
            logLevel: logLevel.NOTHING,
          },
          producerConfig: { retry: { retries: 1, initialRetryTime: 50 } },
        });
        return { transport, received: async () => [], close: () => transport.close() };
      }
      const target =
        behaviour === 'accept'
          ? await (accepting ??= topic())
          : await topic({ 'max.message.bytes': '64' });
      const transport = new KafkaTransport({
        brokers,
        topic: target.name,
        kafkaConfig: { logLevel: logLevel.NOTHING },
      });
      return { transport, received: target.received, close: () => transport.close() };
    },
    async cleanup() {
      for (const consumer of consumers) await consumer.disconnect();
      await admin.deleteGroups(groups).catch(() => undefined);
      if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
      await admin.disconnect();
    },
  };
});
