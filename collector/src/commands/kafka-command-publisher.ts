/**
 * Publishes commands to Kafka: topic `flowtrail.commands`, key = `fttarget`, so all
 * commands for one system land on one partition, in order; structured-mode CloudEvents
 * JSON; idempotent producer, `acks: all`. Connects lazily and again after a failed connect.
 */
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import {
  COMMAND_CONTENT_TYPE,
  DEFAULT_COMMANDS_TOPIC,
  encodeCommand,
  type FlowtrailCommand,
} from '@flowtrail/sdk/protocol';
import { CommandPublishError, type CommandPublisher } from './command-publisher.ts';

export interface KafkaCommandPublisherOptions {
  kafka: Kafka;
  /** Default `flowtrail.commands`. */
  topic?: string;
}

export class KafkaCommandPublisher implements CommandPublisher {
  readonly topic: string;
  private readonly producer: Producer;
  private connecting: Promise<void> | undefined;
  private closed = false;

  constructor(options: KafkaCommandPublisherOptions) {
    this.topic = options.topic ?? DEFAULT_COMMANDS_TOPIC;
    this.producer = options.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 5_000 },
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async publish(commands: readonly FlowtrailCommand[]): Promise<void> {
    if (this.closed) throw new CommandPublishError('command publisher is closed', false);
    if (commands.length === 0) return;
    await this.connect();
    try {
      await this.producer.send({
        topic: this.topic,
        acks: -1,
        messages: commands.map((command) => ({
          key: command.fttarget,
          value: encodeCommand(command),
          headers: { 'content-type': COMMAND_CONTENT_TYPE },
        })),
      });
    } catch (err) {
      throw kafkaCommandError(
        `publishing ${commands.length} command(s) to ${this.topic} failed`,
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
      throw kafkaCommandError('connecting the command producer failed', err);
    });
    return this.connecting;
  }
}

/** A Kafka failure as a `CommandPublishError`, retriable unless Kafka said it is not. */
export function kafkaCommandError(what: string, err: unknown): CommandPublishError {
  const e = err as { name?: unknown; retriable?: unknown } | null;
  const retriable = e?.name === 'KafkaJSNumberOfRetriesExceeded' || e?.retriable !== false;
  return new CommandPublishError(
    `${what}: ${err instanceof Error ? err.message : err}`,
    retriable,
    {
      cause: err,
    },
  );
}
