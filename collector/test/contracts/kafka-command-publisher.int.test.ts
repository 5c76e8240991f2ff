/**
 * The command publisher contract against the REAL Kafka: a commands topic of its own
 * (three partitions, so keying by target matters), read back with a plain consumer. A
 * system receives the records keyed by its name (what the SDK's Kafka command consumer
 * reads), each decoded and validated with the protocol's `decodeCommand`.
 */
import type { KafkaMessage } from 'kafkajs';
import { decodeCommand, type FlowtrailCommand } from '@flowtrail/sdk/protocol';
import { KafkaCommandPublisher } from '../../src/adapters/kafka/commands/kafka-command-publisher.ts';
import { describeCommandPublisherContract } from './command-publisher-contract.ts';
import { contractTopics } from './kafka-contract-topics.ts';

/** The command a record carries; an invalid one as a placeholder the suite cannot match. */
function decoded(message: KafkaMessage): FlowtrailCommand {
  const result = decodeCommand(message.value);
  if (result.ok) return result.command;
  return { id: `invalid record: ${result.errors.join('; ')}` } as FlowtrailCommand;
}

describeCommandPublisherContract('kafka', async () => {
  const topics = await contractTopics('commands-contract');
  const topic = await topics.create('commands', { partitions: 3 });
  const records = await topics.read(topic);
  const publisher = new KafkaCommandPublisher({ kafka: topics.kafka, topic });
  return {
    publisher,
    delivered: async (system) =>
      records.filter((r) => r.message.key?.toString() === system).map((r) => decoded(r.message)),
    openAnother: async () => new KafkaCommandPublisher({ kafka: topics.kafka, topic }),
    cleanup: async () => {
      await publisher.close();
      await topics.release();
    },
  };
});
