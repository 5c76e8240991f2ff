/**
 * What the HTTP API serves `GET /api/commands` and `POST /api/commands/ack` from: the
 * in-process `CommandQueue` itself (embedded mode), or `SharedCommandQueue` (Kafka mode:
 * the local queue, filled from `flowtrail.commands`, whose acks reach every collector).
 */
import type { FlowtrailCommand } from '@flowtrail/sdk/protocol';

/** How a poll takes commands. */
export interface TakeOptions {
  /** Wait up to this long for a command when none is visible now. Default 0. */
  waitMs?: number;
  /** Hand out at most this many. Default 100. */
  max?: number;
  /** Aborting ends the wait with nothing (e.g. the HTTP client went away). */
  signal?: AbortSignal;
}

export interface CommandInbox {
  /** The visible commands of `system`, leased; long-polls up to `options.waitMs`. */
  take(system: string, options?: TakeOptions): Promise<FlowtrailCommand[]>;
  /** Acknowledges these ids; resolves how many were pending here. */
  ack(ids: readonly string[]): number | Promise<number>;
}

/**
 * Where the records of the commands and acks topics go (Kafka mode): the collector's
 * `CommandFeed` (app/commands/command-feed.ts), filled by the Kafka adapter's consumer.
 * `apply` never throws: a bad record is the feed's to report.
 */
export interface CommandRecordSink {
  apply(topic: string, value: Buffer | string | null | undefined): unknown;
}
