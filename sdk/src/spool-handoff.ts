/**
 * The delivery queue's hand-off to the spool (option `spool`; docs/sdk.md "The spool:
 * riding out a broker outage"). A batch whose send failed retriably is written to disk
 * instead of being retried in memory (`spill`), and so is every later batch while
 * anything is on disk; the replayer (spool-replayer.ts) sends them back, oldest first.
 * When the memory queue gets half full behind a slow send, the batch in flight is spooled
 * too and the pump moves on (`overtakeIfSlow`); the batch may then arrive twice.
 *
 * Disk errors never throw: they are counted and reported (`SpoolError`), the batch at
 * hand falls back to the in-memory retries (delivery-queue.ts), and the spool is left
 * alone for `maxBackoffMs`. One outage is reported once, not once per batch.
 */
import { EventDroppedError, SpoolError, TransportError } from './errors.ts';
import type { FlowtrailEvent } from './protocol/schema.ts';
import type { SendOutcome } from './send-attempt.ts';
import { SpoolReplayer, type ReplayHooks, type ReplayOptions } from './spool-replayer.ts';
import { SpoolLockedError } from './spool/spool-lock.ts';
import type { Spool } from './spool/spool.ts';
import type { DeliveryStats } from './stats.ts';

/** The delivery options the hand-off uses (delivery-queue.ts). */
export interface HandoffOptions extends ReplayOptions {
  maxQueueSize: number;
}

/** What the hand-off does through the delivery queue. */
export interface HandoffHooks extends Pick<ReplayHooks, 'report' | 'send' | 'giveUp'> {
  /** The batch in flight is on disk now: counted by the spool's gauge, not as in flight. */
  spooled(): void;
}

export class SpoolHandoff {
  /** Resolves when the spool was opened (or failed to). */
  private opening: Promise<void>;
  /** After a disk error the spool is left alone until then (Date.now()). */
  private retryAt = 0;
  private lastSpoolError: SpoolError | undefined;
  /** The outage was reported (once per spooling episode, until the spool is empty again). */
  private outageReported = false;
  /** Queue length at which a slow direct send is overtaken (half the queue). */
  private readonly pressureThreshold: number;
  /** Set while a direct send is in flight: wakes `overtakeIfSlow` under pressure. */
  private pressure: (() => void) | undefined;
  private readonly replayer: SpoolReplayer;

  constructor(
    private readonly spool: Spool<FlowtrailEvent>,
    private readonly options: HandoffOptions,
    private readonly stats: DeliveryStats,
    private readonly hooks: HandoffHooks,
  ) {
    this.pressureThreshold = Math.max(1, Math.ceil(options.maxQueueSize / 2));
    this.replayer = new SpoolReplayer(spool, options, stats, {
      report: hooks.report,
      send: hooks.send,
      giveUp: hooks.giveUp,
      spoolFailed: (operation, message, cause) => this.failed(operation, message, cause),
      drained: () => {
        this.outageReported = false;
      },
    });
    this.opening = this.open();
  }

  /** Resolves when the spool was opened (or failed to); await it before the first batch. */
  get ready(): Promise<void> {
    return this.opening;
  }

  /** Events on the spool. */
  get events(): number {
    return this.spool.events;
  }

  get bytes(): number {
    return this.spool.bytes;
  }

  /** The last disk error: why `spill` returned false. */
  get lastError(): SpoolError | undefined {
    return this.lastSpoolError;
  }

  /** The memory queue holds `length` events now: at half full, a slow send is overtaken. */
  queued(length: number): void {
    if (this.pressure !== undefined && length >= this.pressureThreshold) {
      const wake = this.pressure;
      this.pressure = undefined;
      wake();
    }
  }

  /**
   * Waits for a direct send of `batch`, unless the memory queue (holding `queued` events
   * now) gets half full first: then the send is overtaken — the batch is spooled (all or
   * nothing) and the pump moves on ('spooled'); if the send then succeeds, the spool's copy
   * is acknowledged, else the replayer sends it.
   */
  async overtakeIfSlow(
    batch: FlowtrailEvent[],
    sending: Promise<SendOutcome>,
    queued: number,
  ): Promise<SendOutcome | 'spooled'> {
    const pressured = new Promise<'pressure'>((resolve) => {
      this.pressure = () => resolve('pressure');
    });
    if (queued >= this.pressureThreshold) this.pressure?.();
    const first = await Promise.race([sending, pressured]);
    this.pressure = undefined;
    if (first !== 'pressure') return first;
    // The gate is set before spilling: the replayer the spill starts waits for this send.
    let spilled: Promise<boolean> = Promise.resolve(false);
    this.replayer.waitFor(
      sending.then(async (outcome) => {
        if (!(await spilled)) return;
        if (!outcome.ok) {
          this.reportOutage(outcome.error); // on disk: the replayer sends it
          return;
        }
        this.stats.sent += batch.length;
        try {
          await this.spool.ack(batch.length); // they are the oldest records: the spool was empty
        } catch (err) {
          this.failed('delete', 'deleting an acknowledged segment failed', err);
        }
      }),
    );
    spilled = this.spill(batch, true);
    return (await spilled) ? 'spooled' : sending;
  }

  /**
   * Appends a batch to the spool. True when the batch is accounted for: written, or
   * (partly) dropped because the spool is full. False when the spool is unusable (disk
   * error, or cooling down after one, or shut down), or for `allOrNothing` when it does not
   * all fit.
   */
  async spill(batch: FlowtrailEvent[], allOrNothing = false): Promise<boolean> {
    const spool = this.spool;
    if (this.replayer.isStopped || Date.now() < this.retryAt) return false;
    if (!spool.isOpen) {
      this.opening = this.open();
      await this.opening;
      if (!spool.isOpen) return false;
    }
    let result;
    try {
      result = await spool.append(batch, { allOrNothing });
    } catch (err) {
      this.failed('write', `writing ${batch.length} event(s) failed`, err);
      return false;
    }
    if (allOrNothing && result.written < batch.length) return false;
    this.hooks.spooled();
    this.stats.spooled += result.written;
    if (result.dropped > 0) {
      this.stats.dropped += result.dropped;
      this.stats.spoolDropped += result.dropped;
      if (result.becameFull) {
        this.hooks.report(
          new EventDroppedError(
            'spool-full',
            `spool ${spool.directory} full (${spool.bytes} of ${spool.maxBytes} bytes); ` +
              'dropping the newest events until replayed segments free space',
          ),
        );
      }
    }
    this.replayer.kick();
    return true;
  }

  /** One report per spooling episode, not one per batch. */
  reportOutage(error: unknown): void {
    if (this.outageReported) return;
    this.outageReported = true;
    const why = error instanceof Error ? error.message : String(error);
    this.hooks.report(
      new TransportError(
        `transport unavailable (${why}); spooling to ${this.spool.directory} and replaying in order when it answers`,
        { retriable: true, cause: error },
      ),
    );
  }

  /** Resolves when the replayer has emptied the spool or one of its attempts failed. */
  async replayPass(): Promise<void> {
    await this.opening; // what an earlier process left counts too
    await this.replayer.pass();
  }

  /** Stops the replayer and closes the spool; what is still on it stays for the next process. */
  async stop(): Promise<void> {
    await this.replayer.stop();
    try {
      await this.spool.close();
    } catch (err) {
      this.failed('close', `closing ${this.spool.directory} failed`, err);
    }
  }

  private async open(): Promise<void> {
    const spool = this.spool;
    if (spool.isOpen) return;
    try {
      const found = await spool.open();
      this.stats.recovered += found.recovered;
      if (found.corrupt > 0) {
        this.failed('corrupt', `skipped ${found.corrupt} corrupt record(s) found on disk`);
      }
      if (spool.events > 0) this.replayer.kick();
    } catch (err) {
      const why = err instanceof SpoolLockedError ? err.message : `cannot open ${spool.directory}`;
      this.failed('open', why, err instanceof SpoolLockedError ? undefined : err);
    }
  }

  private failed(operation: SpoolError['operation'], message: string, cause?: unknown): void {
    this.stats.spoolErrors += 1;
    if (operation !== 'corrupt') this.retryAt = Date.now() + this.options.maxBackoffMs;
    this.lastSpoolError = new SpoolError(operation, message, cause);
    this.hooks.report(this.lastSpoolError);
  }
}
