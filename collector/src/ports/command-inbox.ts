/**
 * What the HTTP API serves `GET /api/commands` and `POST /api/commands/ack` from: the
 * in-process `CommandQueue` itself (embedded mode), or `SharedCommandQueue` (Kafka mode:
 * the local queue, filled from `flowtrail.commands`, whose acks reach every collector).
 */
import type { FlowtrailCommand } from '@flowtrail/sdk/protocol';
import type { TakeOptions } from '../app/commands/command-queue.ts';

export interface CommandInbox {
  /** The visible commands of `system`, leased; long-polls up to `options.waitMs`. */
  take(system: string, options?: TakeOptions): Promise<FlowtrailCommand[]>;
  /** Acknowledges these ids; resolves how many were pending here. */
  ack(ids: readonly string[]): number | Promise<number>;
}
