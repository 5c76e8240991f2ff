/**
 * The in-process queue behind `GET /api/commands` (services on the HTTP transport have no
 * Kafka to read `flowtrail.commands` from). One bounded FIFO per target system.
 *
 * Delivery is at least once, with a lease (like a visibility timeout): `take()` hands out
 * the visible commands of a system and hides them for `leaseMs`; `ack(ids)` removes them;
 * a command not acknowledged within its lease becomes visible again and is redelivered
 * (to the same or another replica of the system). Long-poll: `take()` with `waitMs`
 * resolves as soon as a command for the system arrives or a lease runs out, else after
 * `waitMs` with nothing.
 *
 * Not persisted: in embedded mode a collector restart forgets pending commands; the
 * escalation ladder re-issues a command for a finding that is still open (next sweep or
 * next rung). With Kafka, the `flowtrail.commands` topic is the durable queue.
 */
import type { FlowtrailCommand } from '@flowtrail/sdk/protocol';
import type { TakeOptions } from '../../ports/command-inbox.ts';
import { CommandPublishError, type CommandPublisher } from '../../ports/command-publisher.ts';

export const DEFAULT_MAX_PER_SYSTEM = 1000;
export const DEFAULT_LEASE_MS = 30_000;
export const DEFAULT_TAKE_MAX = 100;

export type { TakeOptions } from '../../ports/command-inbox.ts';

export interface CommandQueueOptions {
  /** Pending commands kept per target system; beyond it the oldest is dropped. Default 1000. */
  maxPerSystem?: number;
  /** How long a delivered command stays hidden waiting for its ack. Default 30000. */
  leaseMs?: number;
  /** Clock in ms. Default `Date.now` (so fake timers drive it in tests). */
  now?: () => number;
}

export interface CommandQueueStats {
  pending: number;
  enqueued: number;
  delivered: number;
  redelivered: number;
  acked: number;
  dropped: number;
}

interface Entry {
  command: FlowtrailCommand;
  visibleAt: number;
  deliveries: number;
}

export class CommandQueue implements CommandPublisher {
  private readonly maxPerSystem: number;
  private readonly leaseMs: number;
  private readonly now: () => number;
  /** target system → (command id → entry), in arrival order. */
  private readonly bySystem = new Map<string, Map<string, Entry>>();
  private readonly systemOf = new Map<string, string>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly counters = { enqueued: 0, delivered: 0, redelivered: 0, acked: 0, dropped: 0 };
  private closed = false;

  constructor(options: CommandQueueOptions = {}) {
    const problems: string[] = [];
    this.maxPerSystem = options.maxPerSystem ?? DEFAULT_MAX_PER_SYSTEM;
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    if (!Number.isInteger(this.maxPerSystem) || this.maxPerSystem < 1) {
      problems.push(`maxPerSystem must be a positive integer, got ${this.maxPerSystem}`);
    }
    if (!Number.isInteger(this.leaseMs) || this.leaseMs < 1) {
      problems.push(`leaseMs must be a positive integer, got ${this.leaseMs}`);
    }
    if (problems.length > 0) throw new RangeError(`CommandQueue: ${problems.join('; ')}`);
    this.now = options.now ?? (() => Date.now());
  }

  /** `CommandPublisher`: enqueues every command (known ids are ignored). */
  async publish(commands: readonly FlowtrailCommand[]): Promise<void> {
    if (this.closed) throw new CommandPublishError('command queue is closed', false);
    for (const command of commands) this.enqueue(command);
  }

  /** Adds one command for `command.fttarget`; false when its id is already queued. */
  enqueue(command: FlowtrailCommand): boolean {
    if (this.closed || this.systemOf.has(command.id)) return false;
    const system = command.fttarget;
    let entries = this.bySystem.get(system);
    if (entries === undefined) {
      entries = new Map();
      this.bySystem.set(system, entries);
    }
    while (entries.size >= this.maxPerSystem) {
      const oldest = entries.keys().next().value as string;
      entries.delete(oldest);
      this.systemOf.delete(oldest);
      this.counters.dropped += 1;
    }
    entries.set(command.id, { command, visibleAt: this.now(), deliveries: 0 });
    this.systemOf.set(command.id, system);
    this.counters.enqueued += 1;
    this.wake(system);
    return true;
  }

  /**
   * The visible commands of `system` (oldest first), leased for `leaseMs`. Waits up to
   * `waitMs` when there are none; resolves `[]` then, on abort and on `close()`.
   */
  async take(system: string, options: TakeOptions = {}): Promise<FlowtrailCommand[]> {
    const max = options.max ?? DEFAULT_TAKE_MAX;
    const deadline = this.now() + Math.max(0, options.waitMs ?? 0);
    for (;;) {
      if (this.closed || options.signal?.aborted === true) return [];
      const now = this.now();
      const taken = this.lease(system, max, now);
      if (taken.length > 0 || now >= deadline) return taken;
      const until = Math.min(deadline, this.nextVisibleAt(system) ?? Infinity);
      await this.waitFor(system, until - now, options.signal);
    }
  }

  /** Removes the commands with these ids (unknown ids are ignored); returns how many. */
  ack(ids: readonly string[]): number {
    let removed = 0;
    for (const id of ids) {
      const system = this.systemOf.get(id);
      if (system === undefined) continue;
      this.systemOf.delete(id);
      const entries = this.bySystem.get(system);
      entries?.delete(id);
      if (entries?.size === 0) this.bySystem.delete(system);
      removed += 1;
    }
    this.counters.acked += removed;
    return removed;
  }

  /** Whether a command with this id is queued (delivered or not, not yet acked). */
  holds(id: string): boolean {
    return this.systemOf.has(id);
  }

  /** Commands not yet acknowledged (delivered or not), of one system or of all. */
  pending(system?: string): number {
    if (system !== undefined) return this.bySystem.get(system)?.size ?? 0;
    return this.systemOf.size;
  }

  stats(): CommandQueueStats {
    return { pending: this.pending(), ...this.counters };
  }

  /** Ends every long-poll (with nothing) and refuses new commands. */
  async close(): Promise<void> {
    this.closed = true;
    for (const set of [...this.waiters.values()]) for (const wake of [...set]) wake();
  }

  private lease(system: string, max: number, now: number): FlowtrailCommand[] {
    const taken: FlowtrailCommand[] = [];
    const entries = this.bySystem.get(system);
    if (entries === undefined) return taken;
    for (const entry of entries.values()) {
      if (taken.length >= max) break;
      if (entry.visibleAt > now) continue;
      entry.visibleAt = now + this.leaseMs;
      entry.deliveries += 1;
      this.counters.delivered += 1;
      if (entry.deliveries > 1) this.counters.redelivered += 1;
      taken.push(entry.command);
    }
    return taken;
  }

  private nextVisibleAt(system: string): number | undefined {
    let next: number | undefined;
    for (const entry of this.bySystem.get(system)?.values() ?? []) {
      if (next === undefined || entry.visibleAt < next) next = entry.visibleAt;
    }
    return next;
  }

  private wake(system: string): void {
    for (const wake of [...(this.waiters.get(system) ?? [])]) wake();
  }

  private waitFor(system: string, ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      let set = this.waiters.get(system);
      if (set === undefined) {
        set = new Set();
        this.waiters.set(system, set);
      }
      const waiting = set;
      const done = (): void => {
        clearTimeout(timer);
        waiting.delete(done);
        if (waiting.size === 0 && this.waiters.get(system) === waiting) this.waiters.delete(system);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      timer.unref?.();
      waiting.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}
