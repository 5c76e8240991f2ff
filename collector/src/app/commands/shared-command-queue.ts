/**
 * The HTTP command inbox of a collector in Kafka mode. Polls are served from the local
 * `CommandQueue`, which the collector's `KafkaCommandFeed` fills with every command on
 * `flowtrail.commands` (whichever collector's ladder published it), so a poll reaching
 * any collector gets every command. An ack is published to the acks topic first (every
 * collector's feed then removes the ids), then applied here at once; if publishing fails
 * nothing is removed and the ack answers 503 (retriable): the client acks again.
 *
 * The count answered is of the ids this collector held when the ack arrived: this
 * collector's own feed may read the ack record back (and remove the ids) before the
 * publish resolves, so counting what the local removal removed would undercount.
 */
import type { FlowtrailCommand } from '@flowtrail/sdk/protocol';
import type { CommandFeed } from './command-feed.ts';
import type { CommandInbox } from '../../ports/command-inbox.ts';
import type { CommandQueue, TakeOptions } from './command-queue.ts';

export interface AckPublisher {
  publish(ids: readonly string[]): Promise<void>;
}

export class SharedCommandQueue implements CommandInbox {
  constructor(
    private readonly queue: CommandQueue,
    private readonly feed: CommandFeed,
    private readonly acks: AckPublisher,
  ) {}

  take(system: string, options?: TakeOptions): Promise<FlowtrailCommand[]> {
    return this.queue.take(system, options);
  }

  async ack(ids: readonly string[]): Promise<number> {
    const held = new Set(ids.filter((id) => this.queue.holds(id))).size;
    await this.acks.publish(ids);
    this.feed.ack(ids);
    return held;
  }
}
