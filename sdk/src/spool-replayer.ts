/**
 * The spool's replayer (docs/sdk.md "Replay"): in the background, sends what is on the
 * spool, oldest first, in batches of up to `maxBatchSize`, and acknowledges each sent
 * batch so that the spool deletes its segments. A failing batch is retried with the usual
 * backoff without giving up: on disk, events wait until the transport answers or the
 * process ends. It never sends while a direct send whose batch is also on the spool is in
 * flight (`waitFor`), so events reach the transport in order. flush() and shutdown() wait
 * for one `pass`: until the spool is empty, or one attempt failed.
 *
 * Owned by the spool hand-off (spool-handoff.ts), which starts it (`kick`) whenever
 * something is on disk.
 */
import { fullJitterDelay, type BackoffOptions } from './backoff.ts';
import { asFlowtrailError, type FlowtrailError, type SpoolError } from './errors.ts';
import type { FlowtrailEvent } from './protocol/schema.ts';
import { isRetriable, type SendOutcome } from './send-attempt.ts';
import type { Spool } from './spool/spool.ts';
import type { DeliveryStats } from './stats.ts';

/** The delivery options the replayer uses (delivery-queue.ts). */
export interface ReplayOptions extends BackoffOptions {
  maxBatchSize: number;
}

/** What the replayer does through the delivery queue and the hand-off. */
export interface ReplayHooks {
  report(err: FlowtrailError): void;
  /** One send, with the export timeout. */
  send(batch: FlowtrailEvent[]): Promise<void>;
  /** Counts a batch as failed and reports it. */
  giveUp(events: number, attempts: number, error: unknown): void;
  /** Counts and reports a disk error. */
  spoolFailed(operation: SpoolError['operation'], message: string, cause?: unknown): void;
  /** A run of the replayer ended with the spool empty: the outage is over. */
  drained(): void;
}

export class SpoolReplayer {
  private replaying: Promise<void> | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;
  /** flush()/shutdown() waiting for the replayer to drain the spool or fail an attempt. */
  private passWaiters: (() => void)[] = [];
  /** Settles when a direct send whose batch was also spooled has settled. */
  private gate: Promise<void> = Promise.resolve();

  constructor(
    private readonly spool: Spool<FlowtrailEvent>,
    private readonly options: ReplayOptions,
    private readonly stats: DeliveryStats,
    private readonly hooks: ReplayHooks,
  ) {}

  /** After `stop()` (shutdown): nothing is replayed any more, and the hand-off spools nothing. */
  get isStopped(): boolean {
    return this.stopped;
  }

  /** Sends nothing before `settled` has settled (a direct send of a batch also spooled). */
  waitFor(settled: Promise<void>): void {
    this.gate = settled;
  }

  /** Starts the replayer unless it runs (or was stopped). */
  kick(): void {
    if (this.replaying !== undefined || this.stopped) return;
    this.replaying = this.loop()
      .catch((err: unknown) => this.hooks.report(asFlowtrailError(err))) // belt and braces
      .finally(() => {
        this.replaying = undefined;
        if (this.spool.events === 0) this.hooks.drained(); // the episode is over
        this.releasePassWaiters();
        // appended between the loop's last look and now: go on
        if (this.spool.events > 0 && this.spool.isOpen) this.kick();
      });
  }

  /** Resolves when the replayer has emptied the spool or one of its attempts failed. */
  pass(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.replaying === undefined && (this.spool.events === 0 || !this.spool.isOpen)) {
      return Promise.resolve();
    }
    const done = new Promise<void>((resolve) => this.passWaiters.push(resolve));
    this.kick();
    this.wake?.(); // try now, not after the backoff
    return done;
  }

  /** Stops replaying; resolves when the last send (replayed or direct) has settled. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.replaying;
    await this.gate;
  }

  /** Sends the spool's records, oldest first, until it is empty; retries without giving up. */
  private async loop(): Promise<void> {
    const spool = this.spool;
    let failures = 0;
    while (!this.stopped) {
      await this.gate;
      if (spool.events === 0 || !spool.isOpen || this.stopped) return;
      let head;
      try {
        head = await spool.readHead(this.options.maxBatchSize);
      } catch (err) {
        this.hooks.spoolFailed('read', 'reading a segment failed', err);
        failures += 1;
        this.releasePassWaiters();
        await this.sleep(this.options.maxBackoffMs);
        continue;
      }
      if (head.lost > 0) {
        this.stats.failed += head.lost;
        this.hooks.spoolFailed(
          'corrupt',
          `${head.lost} spooled event(s) could not be read back intact`,
        );
      }
      const batch = head.records;
      if (batch.length === 0) continue;
      let outcome: SendOutcome;
      try {
        await this.hooks.send(batch);
        outcome = { ok: true };
      } catch (error) {
        outcome = { ok: false, error };
      }
      if (outcome.ok) {
        failures = 0;
        this.stats.sent += batch.length;
        this.stats.replayed += batch.length;
      } else if (!isRetriable(outcome.error)) {
        this.hooks.giveUp(batch.length, 1, outcome.error);
      } else {
        failures += 1;
        this.releasePassWaiters(); // flush() waits for one attempt, not for the broker
        await this.sleep(fullJitterDelay(Math.min(failures - 1, 30), this.options));
        continue;
      }
      try {
        await spool.ack(batch.length);
      } catch (err) {
        this.hooks.spoolFailed('delete', 'deleting an acknowledged segment failed', err);
      }
    }
  }

  private releasePassWaiters(): void {
    const waiters = this.passWaiters;
    this.passWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** A backoff the replayer can be woken from (flush, shutdown). Never keeps Node alive. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (this.wake === done) this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref?.();
      this.wake = done;
    });
  }
}
