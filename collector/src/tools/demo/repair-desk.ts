/**
 * How the demo's systems answer the collector's resend commands (docs/commands.md): the
 * runner leaves here the held rest of every order whose request or result was lost
 * (plan.ts, `repair`), under the instance that must act; `handlerFor(system)` is that
 * system's `handleCommands` handler. A command for a held instance, asking for what it
 * holds (`start` or `completion`), resumes the order — its first action is the resent
 * message — and resolves once the resend was emitted. Anything else (a late message that
 * arrived meanwhile, a stuck wait nothing can resend, an instance already repaired) is
 * acknowledged and left alone: a handler must check its own state first, as real
 * services do.
 *
 * The systems fail too: with probability `failureRate` a handling throws (a simulated
 * outage of the system's own API), so the SDK does not acknowledge it and the collector
 * delivers the command again after its lease (30 s) — the retry a real fleet relies on.
 */
import { instanceKey, type FlowtrailCommand } from '@flowtrail/sdk/protocol';
import type { CommandHandler } from '@flowtrail/sdk';
import type { SystemName } from './plan.ts';

/** A held order: what the command must ask for, and how to resume it. */
export interface HeldRepair {
  what: 'start' | 'completion';
  /** Runs the held actions from now; resolves once the first one (the resend) was emitted. */
  resume(commandId: string): Promise<void>;
}

export interface RepairDeskOptions {
  /** Probability that one handling fails (and is redelivered). Default 0.05. */
  failureRate?: number;
  /** Uniform in [0, 1): seeded in the demo, so a run can be replayed. */
  random: () => number;
}

export interface RepairCounts {
  /** Orders resumed by a resend command. */
  repaired: number;
  /** Handlings that failed on purpose (the command comes again). */
  failed: number;
  /** Commands with nothing to resend here. */
  ignored: number;
}

export class RepairDesk {
  private readonly held = new Map<string, HeldRepair>();
  readonly counts: RepairCounts = { repaired: 0, failed: 0, ignored: 0 };

  constructor(private readonly options: RepairDeskOptions) {}

  /** Holds the rest of an order until `system` is asked to resend for that instance. */
  hold(
    instance: { system: SystemName; process: string; instance: string },
    repair: HeldRepair,
  ): void {
    const key = instanceKey({ source: instance.system, ...instance });
    this.held.set(key, repair);
  }

  /** Orders waiting for their resend command. */
  get waiting(): number {
    return this.held.size;
  }

  handlerFor(system: SystemName): CommandHandler {
    return async (command: FlowtrailCommand) => {
      const key = instanceKey({
        source: system,
        process: command.ftprocess,
        instance: command.ftinstance,
      });
      const repair = this.held.get(key);
      if (repair === undefined || repair.what !== command.data.what) {
        this.counts.ignored += 1;
        return;
      }
      if (this.options.random() < (this.options.failureRate ?? 0.05)) {
        this.counts.failed += 1;
        throw new Error(`${system}: the resend failed (simulated outage); the command comes again`);
      }
      this.held.delete(key);
      this.counts.repaired += 1;
      await repair.resume(command.id);
    };
  }
}
