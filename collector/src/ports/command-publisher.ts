/**
 * The port through which the escalation ladder sends commands. Implementations:
 * `KafkaCommandPublisher` (topic `flowtrail.commands`, the durable queue of the Kafka
 * deployment), `CommandQueue` (in-process, served to HTTP clients by `GET /api/commands`)
 * and `FanOutCommandPublisher` (several at once). In Kafka mode the ladder publishes to the
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

/**
 * Publishes to every publisher (in parallel). Rejects if any of them failed — retriable
 * unless one failure was not — after all of them were tried; a retry then publishes the
 * same command ids again, which the SDK handles once.
 */
export class FanOutCommandPublisher implements CommandPublisher {
  constructor(private readonly publishers: readonly CommandPublisher[]) {}

  async publish(commands: readonly FlowtrailCommand[]): Promise<void> {
    const results = await Promise.allSettled(this.publishers.map((p) => p.publish(commands)));
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (failures.length === 0) return;
    const retriable = failures.every((e) => (e as { retriable?: unknown })?.retriable !== false);
    const why = failures.map((e) => (e instanceof Error ? e.message : String(e))).join('; ');
    throw new CommandPublishError(`publishing commands failed: ${why}`, retriable, {
      cause: failures[0],
    });
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.publishers.map((p) => p.close()));
  }
}
