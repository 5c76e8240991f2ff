/**
 * Publishes command acknowledgements to the acks topic (`flowtrail.command-acks`), one
 * record per id (command-ack-record.ts), so every collector's feed removes them from its
 * queue. Idempotent producer, `acks: all` (kafka-record-producer.ts).
 */
import type { Kafka } from 'kafkajs';
import { encodeAck } from '../../../domain/commands/command-ack-record.ts';
import { KafkaRecordProducer } from './kafka-record-producer.ts';

export interface KafkaAckPublisherOptions {
  kafka: Kafka;
  topic: string;
  /** Clock for the record's `time`. Default `() => new Date()`. */
  clock?: () => Date;
}

export class KafkaAckPublisher {
  private readonly producer: KafkaRecordProducer;
  private readonly clock: () => Date;

  constructor(options: KafkaAckPublisherOptions) {
    this.producer = new KafkaRecordProducer(options.kafka, options.topic, 'ack');
    this.clock = options.clock ?? (() => new Date());
  }

  get topic(): string {
    return this.producer.topic;
  }

  /** Resolves once every ack is on the topic; rejects with a `CommandPublishError`. */
  publish(ids: readonly string[]): Promise<void> {
    const at = this.clock();
    return this.producer.send(ids.map((id) => encodeAck(id, at)));
  }

  close(): Promise<void> {
    return this.producer.close();
  }
}
