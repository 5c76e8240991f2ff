/**
 * Applies the records of the commands topic and of the acks topic to one collector's
 * `CommandQueue` (Kafka mode): a command is enqueued (the queue ignores ids it already
 * holds), an ack removes its id. Acked ids are remembered (bounded), so a command whose
 * record arrives after its ack — the two topics are not ordered with each other — or is
 * published again is not served again. Pure: no Kafka, so unit tests drive it directly.
 */
import { decodeCommand } from '@flowtrail/sdk/protocol';
import { decodeAck } from '../../domain/commands/command-ack-record.ts';
import type { CommandQueue } from './command-queue.ts';
import { RecentIds } from '../../shared/recent-ids.ts';

export const DEFAULT_REMEMBERED_ACKS = 10_000;

export type FeedOutcome = 'enqueued' | 'known' | 'already-acked' | 'acked' | 'invalid' | 'ignored';

export interface CommandFeedOptions {
  commandsTopic: string;
  acksTopic: string;
  /** Acked ids remembered. Default 10000. */
  rememberedAcks?: number;
  /** Told about records that are neither a valid command nor an ack (logged, skipped). */
  onInvalid?: (topic: string, problems: readonly string[]) => void;
}

export interface CommandFeedStats {
  enqueued: number;
  known: number;
  alreadyAcked: number;
  acked: number;
  invalid: number;
}

export class CommandFeed {
  private readonly acked: RecentIds;
  private readonly counters: CommandFeedStats = {
    enqueued: 0,
    known: 0,
    alreadyAcked: 0,
    acked: 0,
    invalid: 0,
  };

  constructor(
    private readonly queue: CommandQueue,
    private readonly options: CommandFeedOptions,
  ) {
    if (options.commandsTopic === options.acksTopic) {
      throw new RangeError(`CommandFeed: the acks topic must differ from the commands topic`);
    }
    this.acked = new RecentIds(options.rememberedAcks ?? DEFAULT_REMEMBERED_ACKS);
  }

  /** One record of either topic. Never throws: a bad record is reported and skipped. */
  apply(topic: string, value: Buffer | string | null | undefined): FeedOutcome {
    if (topic === this.options.acksTopic) return this.applyAck(value);
    if (topic !== this.options.commandsTopic) return 'ignored';
    const decoded = decodeCommand(value);
    if (!decoded.ok) return this.invalid(topic, decoded.errors);
    const command = decoded.command;
    if (this.acked.has(command.id)) {
      this.counters.alreadyAcked += 1;
      return 'already-acked';
    }
    if (!this.queue.enqueue(command)) {
      this.counters.known += 1;
      return 'known';
    }
    this.counters.enqueued += 1;
    return 'enqueued';
  }

  /** Acknowledged here (the HTTP ack of this collector): removes and remembers the ids. */
  ack(ids: readonly string[]): number {
    for (const id of ids) this.acked.add(id);
    return this.queue.ack(ids);
  }

  stats(): CommandFeedStats {
    return { ...this.counters };
  }

  private applyAck(value: Buffer | string | null | undefined): FeedOutcome {
    const id = decodeAck(value);
    if (id === undefined) return this.invalid(this.options.acksTopic, ['not an ack record']);
    this.ack([id]);
    this.counters.acked += 1;
    return 'acked';
  }

  private invalid(topic: string, problems: readonly string[]): FeedOutcome {
    this.counters.invalid += 1;
    this.options.onInvalid?.(topic, problems);
    return 'invalid';
  }
}
