/**
 * Runs the service's handler on one delivered command: skips commands for other systems,
 * invalid, expired and already handled ones (the command id is the idempotency key), and
 * catches the handler's errors. Says what happened, so the delivery can acknowledge
 * (`handled`, `duplicate`, `invalid`, `expired`) or leave the command for redelivery
 * (`failed`). Never throws.
 */
import { asFlowtrailError, type FlowtrailError } from '../errors.ts';
import { validateCommand, type FlowtrailCommand } from '../protocol/command.ts';
import { CommandHandlerError, InvalidCommandError } from './command-errors.ts';
import { RecentIds } from '../recent-ids.ts';

/** Your code: resend what the command asks for. May be async; errors are caught. */
export type CommandHandler = (command: FlowtrailCommand) => void | Promise<void>;

export type CommandOutcome = 'handled' | 'duplicate' | 'failed' | 'invalid' | 'expired' | 'ignored';

export interface CommandStats {
  /** Commands addressed to this system (duplicates included). */
  received: number;
  /** Handler resolved. */
  handled: number;
  /** Already handled (same id): skipped and acknowledged. */
  duplicates: number;
  /** Handler threw or rejected (each attempt counts). */
  failed: number;
  /** Broke the command contract: skipped and acknowledged. */
  invalid: number;
  /** Older than `maxAgeMs`: skipped and acknowledged. */
  expired: number;
}

export interface RunnerOptions {
  system: string;
  handler: CommandHandler;
  report: (err: FlowtrailError) => void;
  dedupeSize: number;
  maxAgeMs: number;
  clock: () => Date;
}

export function emptyCommandStats(): CommandStats {
  return { received: 0, handled: 0, duplicates: 0, failed: 0, invalid: 0, expired: 0 };
}

export class CommandRunner {
  readonly stats = emptyCommandStats();
  /** Read with `touch`: a redelivered id counts as used, so it is forgotten last. */
  private readonly seen: RecentIds;

  constructor(private readonly options: RunnerOptions) {
    this.seen = new RecentIds(options.dedupeSize);
  }

  /** Whether a command id was already handled (or skipped for good). */
  hasSeen(id: string): boolean {
    return this.seen.touch(id);
  }

  async run(value: unknown): Promise<CommandOutcome> {
    const target = (value as { fttarget?: unknown } | null)?.fttarget;
    if (typeof target === 'string' && target !== this.options.system) return 'ignored';
    this.stats.received += 1;
    const result = validateCommand(value);
    if (!result.ok) {
      this.stats.invalid += 1;
      this.options.report(new InvalidCommandError(result.errors));
      return 'invalid';
    }
    const command = result.command;
    if (this.seen.touch(command.id)) {
      this.stats.duplicates += 1;
      return 'duplicate';
    }
    if (this.isExpired(command)) {
      this.stats.expired += 1;
      this.seen.add(command.id);
      return 'expired';
    }
    try {
      await this.options.handler(command);
    } catch (err) {
      this.stats.failed += 1;
      this.options.report(new CommandHandlerError(command.id, err));
      return 'failed';
    }
    this.seen.add(command.id);
    this.stats.handled += 1;
    return 'handled';
  }

  private isExpired(command: FlowtrailCommand): boolean {
    if (!Number.isFinite(this.options.maxAgeMs)) return false;
    try {
      return this.options.clock().getTime() - Date.parse(command.time) > this.options.maxAgeMs;
    } catch {
      return false;
    }
  }
}

/** `onError` that never throws back (a throwing callback must not reach the loop). */
export function safeReporter(onError: (err: FlowtrailError) => void): (err: unknown) => void {
  return (err) => {
    try {
      onError(asFlowtrailError(err));
    } catch {
      // the callback's own failure must not reach the delivery loop
    }
  };
}
