/** Dead-letter sink on a Kafka topic (acks from all in-sync replicas before resolving). */
import type { Kafka, Message, Producer } from 'kafkajs';
import { isRetriableKafkaError } from './kafka-errors.ts';
import { DeadLetterError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import {
  deadLetterHeaders,
  type DeadLetter,
  type DeadLetterSink,
} from '../../ports/dead-letter-sink.ts';

/** Header set when the original value could not be kept (e.g. too large for the DLQ). */
export const DLQ_VALUE_DROPPED_HEADER = 'flowtrail-dlq-value-dropped';

export class KafkaDeadLetterSink implements DeadLetterSink {
  private readonly producer: Producer;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
    private readonly logger: Logger,
  ) {
    // Not idempotent: kafkajs would then retry forever inside `send`, without heartbeats.
    // The DLQ is at-least-once like the rest of the pipeline.
    this.producer = kafka.producer({ allowAutoTopicCreation: false });
  }

  async connect(): Promise<void> {
    await this.producer.connect();
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }

  async send(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    try {
      await this.produce(letters.map(toMessage));
    } catch (err) {
      if (isRetriableKafkaError(err)) throw this.error(letters.length, err, true);
      // A permanent refusal (e.g. a letter too large once our headers are added): send
      // one by one and keep the headers of any letter the topic refuses, without its value.
      for (const letter of letters) await this.sendAlone(letter);
    }
  }

  private async sendAlone(letter: DeadLetter): Promise<void> {
    try {
      await this.produce([toMessage(letter)]);
    } catch (err) {
      if (isRetriableKafkaError(err)) throw this.error(1, err, true);
      this.logger.error(
        {
          err,
          topic: letter.message.topic,
          partition: letter.message.partition,
          offset: letter.message.offset,
        },
        'dead-letter topic refused the original value; sending the headers only',
      );
      const message = toMessage(letter);
      try {
        await this.produce([
          {
            ...message,
            value: null,
            headers: { ...message.headers, [DLQ_VALUE_DROPPED_HEADER]: (err as Error).message },
          },
        ]);
      } catch (again) {
        throw this.error(1, again, isRetriableKafkaError(again));
      }
    }
  }

  private async produce(messages: Message[]): Promise<void> {
    await this.producer.send({ topic: this.topic, acks: -1, messages });
  }

  private error(count: number, err: unknown, retriable: boolean): DeadLetterError {
    return new DeadLetterError(
      `sending ${count} dead letter(s) to ${this.topic} failed: ${(err as Error).message}`,
      retriable,
      { cause: err },
    );
  }
}

function toMessage(letter: DeadLetter): Message {
  return {
    key: letter.message.key,
    value: letter.message.value,
    headers: deadLetterHeaders(letter),
  };
}
