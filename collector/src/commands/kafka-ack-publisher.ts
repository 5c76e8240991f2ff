/**
 * Publishes command acknowledgements to the acks topic (`flowtrail.command-acks`), one
 * record per id (command-ack-record.ts), so every collector's feed removes them from its
 * queue. Idempotent producer, `acks: all`; connects lazily and again after a failed connect.
 */
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import { encodeAck } from './command-ack-record.ts';
import { CommandPublishError } from './command-publisher.ts';
import { kafkaCommandError } from './kafka-command-publisher.ts';

export interface KafkaAckPublisherOptions {
  kafka: Kafka;
  topic: string;
  /** Clock for the record's `time`. Default `() => new Date()`. */
  clock?: () => Date;
}

export class KafkaAckPublisher {
  readonly topic: string;
  private readonly producer: Producer;
  private readonly clock: () => Date;
  private connecting: Promise<void> | undefined;
  private closed = false;

  constructor(options: KafkaAckPublisherOptions) {
    this.topic = options.topic;
    this.clock = options.clock ?? (() => new Date());
    this.producer = options.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 5_000 },
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  /** Resolves once every ack is on the topic; rejects with a `CommandPublishError`. */
  async publish(ids: readonly string[]): Promise<void> {
    if (this.closed) throw new CommandPublishError('ack publisher is closed', false);
    if (ids.length === 0) return;
    await this.connect();
    const at = this.clock();
    try {
      await this.producer.send({
        topic: this.topic,
        acks: -1,
        messages: ids.map((id) => encodeAck(id, at)),
      });
    } catch (err) {
      throw kafkaCommandError(`publishing ${ids.length} ack(s) to ${this.topic} failed`, err);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.connecting === undefined) return;
    try {
      await this.connecting;
    } catch {
      return; // never connected
    }
    await this.producer.disconnect();
  }

  private connect(): Promise<void> {
    this.connecting ??= this.producer.connect().catch((err: unknown) => {
      this.connecting = undefined;
      throw kafkaCommandError('connecting the ack producer failed', err);
    });
    return this.connecting;
  }
}
