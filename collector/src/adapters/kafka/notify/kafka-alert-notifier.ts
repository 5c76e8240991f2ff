/**
 * Alerts on a Kafka topic (`flowtrail.alerts` by default), keyed by alert id, acked by
 * all in-sync replicas. The topic must exist (the producer does not create topics).
 */
import type { Kafka, Producer } from 'kafkajs';
import { isRetriableKafkaError } from '../kafka-errors.ts';
import { kafkaAlertRecord } from './format-kafka.ts';
import { NotifyError, type Notification, type Notifier } from '../../../ports/notifier.ts';

export const DEFAULT_ALERTS_TOPIC = 'flowtrail.alerts';

export class KafkaAlertNotifier implements Notifier {
  readonly name = 'kafka';
  private readonly producer: Producer;
  private connecting: Promise<void> | undefined;

  constructor(
    kafka: Kafka,
    readonly topic: string = DEFAULT_ALERTS_TOPIC,
  ) {
    this.producer = kafka.producer({ allowAutoTopicCreation: false });
  }

  /** Optional: `send` connects on first use. */
  connect(): Promise<void> {
    this.connecting ??= this.producer.connect().catch((err: unknown) => {
      this.connecting = undefined;
      throw err;
    });
    return this.connecting;
  }

  async disconnect(): Promise<void> {
    this.connecting = undefined;
    await this.producer.disconnect();
  }

  async send(notification: Notification): Promise<void> {
    try {
      await this.connect();
      await this.producer.send({
        topic: this.topic,
        acks: -1,
        messages: [kafkaAlertRecord(notification)],
      });
    } catch (err) {
      throw new NotifyError(
        this.name,
        `producing to ${this.topic} failed: ${(err as Error).message}`,
        isRetriableKafkaError(err),
        {},
        { cause: err },
      );
    }
  }
}
