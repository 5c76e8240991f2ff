/**
 * The producer both command topics are written with (`kafka-command-publisher.ts`,
 * `kafka-ack-publisher.ts`): idempotent, `acks: all`, connected lazily and again after a
 * failed connect; every failure is a `CommandPublishError` (`kafkaCommandError`).
 */
import { Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';
import { isRetriableKafkaError } from '../kafka-errors.ts';
import { CommandPublishError } from '../../../ports/command-publisher.ts';

export class KafkaRecordProducer {
  private readonly producer: Producer;
  private connecting: Promise<void> | undefined;
  private closed = false;

  /** `what` names the records in errors, e.g. "command" or "ack". */
  constructor(
    kafka: Kafka,
    readonly topic: string,
    private readonly what: string,
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 5_000 },
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  /** Resolves once every message is on the topic; rejects with a `CommandPublishError`. */
  async send(messages: Message[]): Promise<void> {
    if (this.closed) throw new CommandPublishError(`${this.what} publisher is closed`, false);
    if (messages.length === 0) return;
    await this.connect();
    try {
      await this.producer.send({ topic: this.topic, acks: -1, messages });
    } catch (err) {
      throw kafkaCommandError(
        `publishing ${messages.length} ${this.what}(s) to ${this.topic} failed`,
        err,
      );
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
      throw kafkaCommandError(`connecting the ${this.what} producer failed`, err);
    });
    return this.connecting;
  }
}

/** A Kafka failure as a `CommandPublishError`, retriable unless Kafka said it is not. */
export function kafkaCommandError(what: string, err: unknown): CommandPublishError {
  const retriable = isRetriableKafkaError(err);
  return new CommandPublishError(
    `${what}: ${err instanceof Error ? err.message : err}`,
    retriable,
    { cause: err },
  );
}
