/**
 * The port through which the escalation ladder sends commands. Implementations:
 * `KafkaCommandPublisher` (topic `flowtrail.commands`, the durable queue of the Kafka
 * deployment), `CommandQueue` (in-process, served to HTTP clients by `GET /api/commands`).
 * In Kafka mode the ladder publishes to the
 * topic only; every collector's `KafkaCommandFeed` copies the commands into its queue.
 */
import type { FlowtrailCommand } from '@flowtrail/sdk/protocol';

export interface CommandPublisher {
  /** Resolves once every command is durably handed over; rejects with a `CommandPublishError`. */
  publish(commands: readonly FlowtrailCommand[]): Promise<void>;
  close(): Promise<void>;
}

/** Thrown by a publisher; `retriable` says whether publishing again may succeed. */
export class CommandPublishError extends Error {
  readonly source = 'commands';

  constructor(
    message: string,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CommandPublishError';
  }
}
