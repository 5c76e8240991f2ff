/**
 * Publishes commands to Kafka: topic `flowtrail.commands`, key = `fttarget`, so all
 * commands for one system land on one partition, in order; structured-mode CloudEvents
 * JSON; idempotent producer, `acks: all` (kafka-record-producer.ts).
 */
import type { Kafka } from 'kafkajs';
import {
  COMMAND_CONTENT_TYPE,
  DEFAULT_COMMANDS_TOPIC,
  encodeCommand,
  type FlowtrailCommand,
} from '@flowtrail/sdk/protocol';
import type { CommandPublisher } from '../../../ports/command-publisher.ts';
import { KafkaRecordProducer } from './kafka-record-producer.ts';

export interface KafkaCommandPublisherOptions {
  kafka: Kafka;
  /** Default `flowtrail.commands`. */
  topic?: string;
}

export class KafkaCommandPublisher implements CommandPublisher {
  private readonly producer: KafkaRecordProducer;

  constructor(options: KafkaCommandPublisherOptions) {
    this.producer = new KafkaRecordProducer(
      options.kafka,
      options.topic ?? DEFAULT_COMMANDS_TOPIC,
      'command',
    );
  }

  get topic(): string {
    return this.producer.topic;
  }

  publish(commands: readonly FlowtrailCommand[]): Promise<void> {
    return this.producer.send(
      commands.map((command) => ({
        key: command.fttarget,
        value: encodeCommand(command),
        headers: { 'content-type': COMMAND_CONTENT_TYPE },
      })),
    );
  }

  close(): Promise<void> {
    return this.producer.close();
  }
}
