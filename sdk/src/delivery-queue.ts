/**
 * `DeliveryQueue`, the SDK's delivery queue, after OpenTelemetry's BatchSpanProcessor: a
 * bounded in-memory queue, exported in batches when `maxBatchSize` events are waiting or
 * `scheduledDelayMs` after the first waiting event (timer unref'd), one export at a time.
 * A failed export is retried with exponential backoff and full jitter (backoff.ts), then
 * given up and counted.
 *
 * With a spool (option `spool`), a batch whose send fails retriably is written to disk
 * instead of being retried in memory, and from then on every batch goes to the spool
 * behind it, until a background replayer has sent everything on disk, oldest first, and
 * the transport answers again; then batches are sent directly again (spool-handoff.ts,
 * spool-replayer.ts; the storage: spool/spool.ts). So events reach the transport in emit
 * order (the first copy of each; a retried batch may arrive twice). Exactly one of the
 * pump (memory → transport or spool) and the replayer (spool → transport) sends at any
 * time. When the memory queue is half full behind a slow send, the batch in flight and
 * the waiting ones are spooled right away (the batch in flight may then arrive twice).
 * Disk errors fall back to the in-memory retries and are counted.
 *
 * `enqueue` is synchronous, O(1) and never throws; all IO happens on later ticks. Events
 * are checked (the `check` hook: protocol validation, flowtrail.ts) off the caller's
 * thread: when their batch is taken from the queue, or already while the batch before it
 * is in flight. A rejected event moves from `emitted` to `invalid` and is reported; its
 * batch goes on without it. An event that is dropped (queue full, after shutdown) is
 * checked at once, so an invalid one still counts as `invalid`, not `dropped`.
 */
import { fullJitterDelay, sleep } from './backoff.ts';
import {
  EventDroppedError,
  ExportFailedError,
  TransportCloseError,
  asFlowtrailError,
  type FlowtrailError,
} from './errors.ts';
import type { FlowtrailEvent } from './protocol/schema.ts';
import { isRetriable, sendWithTimeout, type SendOutcome } from './send-attempt.ts';
import { SpoolHandoff } from './spool-handoff.ts';
import type { Spool } from './spool/spool.ts';
import type { DeliveryStats } from './stats.ts';
import type { Transport } from './transport.ts';

export interface DeliveryOptions {
  /** Events held at most; further events are dropped and counted. Default 2048. */
  maxQueueSize: number;
  /** Events per `send`; reaching it triggers an export. Default 512. */
  maxBatchSize: number;
  /** Export waiting events at the latest this long after the first one. Default 1000. */
  scheduledDelayMs: number;
  /** Retries after the first failed attempt of a batch. Default 5. */
  maxRetries: number;
  /** Backoff cap of the first retry. Default 100. */
  initialBackoffMs: number;
  /** Largest backoff. Default 10000. */
  maxBackoffMs: number;
  /** One `send` taking longer than this counts as a retriable failure. Default 30000. */
  exportTimeoutMs: number;
  /** Random source of the backoff jitter (tests). Default Math.random. */
  random?: () => number;
}

export const defaultDeliveryOptions: DeliveryOptions = {
  maxQueueSize: 2048,
  maxBatchSize: 512,
  scheduledDelayMs: 1000,
  maxRetries: 5,
  initialBackoffMs: 100,
  maxBackoffMs: 10_000,
  exportTimeoutMs: 30_000,
};

/**
 * Checks one queued event before it is sent: the event to send (may be a normalised
 * copy), or the error to report when it must not be sent.
 */
export type EventCheck = (
  event: FlowtrailEvent,
) => { ok: true; event: FlowtrailEvent } | { ok: false; error: FlowtrailError };

export class DeliveryQueue {
  private queue: FlowtrailEvent[] = [];
  private inFlight = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private tail: Promise<void> = Promise.resolve();
  private sizeRunQueued = false;
  private overflowReported = false;
  /** Events at the head of `queue` already checked (see `checkHead`). */
  private checkedHead = 0;
  private checkAheadQueued = false;
  private shutdownPromise: Promise<void> | undefined;
  /** With a spool: where batches go while the transport is down, and come back from. */
  private readonly handoff: SpoolHandoff | undefined;

  constructor(
    private readonly transport: Transport,
    private readonly options: DeliveryOptions,
    private readonly stats: DeliveryStats,
    private readonly report: (err: FlowtrailError) => void,
    spool?: Spool<FlowtrailEvent>,
    private readonly check?: EventCheck,
  ) {
    if (spool !== undefined) {
      this.handoff = new SpoolHandoff(spool, options, stats, {
        report,
        send: (batch) => this.send(batch),
        giveUp: (events, attempts, error) => this.giveUp(events, attempts, error),
        spooled: () => {
          this.inFlight = 0; // on disk now: counted by the spool's gauge
          this.syncPending();
        },
      });
    }
  }

  /** Events queued, in flight or on the spool. */
  get pending(): number {
    return this.queue.length + this.inFlight + (this.handoff?.events ?? 0);
  }

  get isShutdown(): boolean {
    return this.shutdownPromise !== undefined;
  }

  /** The counters with the gauges filled in. */
  snapshot(): DeliveryStats {
    return {
      ...this.stats,
      pending: this.pending,
      spoolEvents: this.handoff?.events ?? 0,
      spoolBytes: this.handoff?.bytes ?? 0,
    };
  }

  /**
   * Queues one event; it is checked when its batch is taken (see the file comment). Never
   * throws, never blocks.
   */
  enqueue(event: FlowtrailEvent): void {
    if (this.shutdownPromise !== undefined || this.queue.length >= this.options.maxQueueSize) {
      this.drop(event);
      return;
    }
    this.stats.emitted += 1;
    this.queue.push(event);
    this.syncPending();
    this.handoff?.queued(this.queue.length);
    if (this.queue.length >= this.options.maxBatchSize && !this.sizeRunQueued) {
      this.sizeRunQueued = true;
      void this.run(false);
    } else {
      this.armTimer();
    }
  }

  /** Not queued (after shutdown, or the queue is full): invalid, or counted as dropped. */
  private drop(event: FlowtrailEvent): void {
    const checked = this.runCheck(event);
    if (!checked.ok) {
      this.stats.invalid += 1;
      this.report(checked.error);
      return;
    }
    this.stats.emitted += 1;
    if (this.shutdownPromise !== undefined) {
      this.stats.dropped += 1;
      this.report(new EventDroppedError('shutdown', `event ${event.id} emitted after shutdown`));
      return;
    }
    if (this.queue.length >= this.options.maxQueueSize) {
      this.stats.dropped += 1;
      if (!this.overflowReported) {
        this.overflowReported = true; // once per overflow episode, not once per event
        this.report(
          new EventDroppedError(
            'queue-full',
            `delivery queue full (${this.options.maxQueueSize} events); dropping events`,
          ),
        );
      }
    }
  }

  /**
   * Checks the queue's head in place, up to `limit` events that pass (each replaced by
   * what the check returned); a rejected one is taken out, moves from `emitted` to
   * `invalid` and is reported. `checkedHead` counts the checked events at the head.
   */
  private checkHead(limit: number): void {
    let i = this.checkedHead;
    if (this.check === undefined) i = Math.min(this.queue.length, limit);
    while (i < this.queue.length && i < limit) {
      const result = this.runCheck(this.queue[i] as FlowtrailEvent);
      if (result.ok) {
        this.queue[i] = result.event;
        i += 1;
        continue;
      }
      this.queue.splice(i, 1);
      this.stats.emitted -= 1;
      this.stats.invalid += 1;
      this.report(result.error);
    }
    this.checkedHead = i;
    this.syncPending();
  }

  /**
   * While a batch is in flight, the next one is checked (and handed to the transport's
   * `prepare`) on a later tick, after the send was written: so that work overlaps the
   * transport's round trip instead of adding to it.
   */
  private checkAheadSoon(): void {
    if (this.check === undefined || this.checkAheadQueued) return;
    this.checkAheadQueued = true;
    setImmediate(() => {
      this.checkAheadQueued = false;
      const from = this.checkedHead;
      this.checkHead(this.options.maxBatchSize);
      if (this.checkedHead > from && this.transport.prepare !== undefined) {
        try {
          this.transport.prepare(this.queue.slice(from, this.checkedHead));
        } catch {
          // only an optimisation: `send` encodes what was not prepared
        }
      }
    }).unref?.();
  }

  private runCheck(event: FlowtrailEvent): ReturnType<EventCheck> {
    if (this.check === undefined) return { ok: true, event };
    try {
      return this.check(event);
    } catch (err) {
      return { ok: false, error: asFlowtrailError(err) }; // a check does not throw; in case
    }
  }

  /**
   * Exports everything queued now (and waits for an export in flight); with a spool, also
   * waits until the replayer has sent what is on disk, or until one of its attempts failed.
   */
  flush(): Promise<void> {
    return this.awaited(this.run(true).then(() => this.handoff?.replayPass()));
  }

  /** Callers awaiting flush/shutdown: while > 0, backoff and timeout timers stay ref'd. */
  private waiters = 0;

  private async awaited(work: Promise<void>): Promise<void> {
    this.waiters += 1;
    try {
      await work;
    } finally {
      this.waiters -= 1;
    }
  }

  /**
   * Flushes, then closes the spool (what is still on it stays for the next process) and
   * the transport. Later enqueues are dropped. Idempotent.
   */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.awaited(
      (async () => {
        this.clearTimer();
        await this.run(true);
        await this.handoff?.replayPass();
        await this.handoff?.stop();
        try {
          await this.transport.close();
        } catch (err) {
          this.report(new TransportCloseError(err));
        }
      })(),
    );
    return this.shutdownPromise;
  }

  private run(all: boolean): Promise<void> {
    const next = this.tail.then(() => this.drain(all));
    this.tail = next;
    return next;
  }

  private async drain(all: boolean): Promise<void> {
    if (!all) this.sizeRunQueued = false;
    this.clearTimer();
    try {
      while (this.queue.length > 0 && (all || this.queue.length >= this.options.maxBatchSize)) {
        this.checkHead(this.options.maxBatchSize);
        const batch = this.queue.splice(0, this.checkedHead);
        this.checkedHead = 0;
        if (this.queue.length < this.options.maxQueueSize) this.overflowReported = false;
        if (batch.length === 0) continue; // every event taken was invalid
        this.inFlight = batch.length;
        this.syncPending();
        const exporting = this.exportBatch(batch);
        if (this.queue.length > 0) this.checkAheadSoon();
        await exporting;
        this.inFlight = 0;
        this.syncPending();
      }
    } catch (err) {
      this.report(asFlowtrailError(err)); // exportBatch does not throw; belt and braces
    } finally {
      this.inFlight = 0;
      this.syncPending();
      if (this.shutdownPromise === undefined) this.armTimer();
    }
  }

  private async exportBatch(batch: FlowtrailEvent[]): Promise<void> {
    const handoff = this.handoff;
    if (handoff !== undefined) await handoff.ready;
    let attempts = 0;
    for (;;) {
      attempts += 1;
      let error: unknown;
      if (handoff !== undefined && handoff.events > 0) {
        // Older events are on disk: this batch goes behind them, never past them.
        if (await handoff.spill(batch)) return;
        error = handoff.lastError;
      } else {
        const outcome = await this.sendDirect(batch);
        if (outcome === 'spooled') return;
        if (outcome.ok) {
          this.stats.sent += batch.length;
          return;
        }
        error = outcome.error;
        if (!isRetriable(error)) {
          this.giveUp(batch.length, attempts, error);
          return;
        }
        if (handoff !== undefined && (await handoff.spill(batch))) {
          handoff.reportOutage(error);
          return;
        }
      }
      if (attempts > this.options.maxRetries) {
        this.giveUp(batch.length, attempts, error);
        return;
      }
      await sleep(fullJitterDelay(attempts - 1, this.options), this.waiters > 0);
    }
  }

  private giveUp(events: number, attempts: number, error: unknown): void {
    this.stats.failed += events;
    this.report(new ExportFailedError(events, attempts, error));
  }

  /** Sends a batch; with a spool, a slow send may be overtaken and spooled instead. */
  private async sendDirect(batch: FlowtrailEvent[]): Promise<SendOutcome | 'spooled'> {
    const sending: Promise<SendOutcome> = this.send(batch).then(
      () => ({ ok: true }),
      (error: unknown) => ({ ok: false, error }),
    );
    if (this.handoff === undefined) return sending;
    return this.handoff.overtakeIfSlow(batch, sending, this.queue.length);
  }

  private send(batch: FlowtrailEvent[]): Promise<void> {
    return sendWithTimeout(this.transport, batch, this.options.exportTimeoutMs, this.waiters > 0);
  }

  private armTimer(): void {
    if (this.timer !== undefined || this.queue.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run(true);
    }, this.options.scheduledDelayMs);
    this.timer.unref?.();
  }

  private clearTimer(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private syncPending(): void {
    this.stats.pending = this.pending;
  }
}
