/**
 * `DeliveryQueue`, the SDK's delivery queue, after OpenTelemetry's BatchSpanProcessor: a
 * bounded in-memory queue, exported in batches when `maxBatchSize` events are waiting or
 * `scheduledDelayMs` after the first waiting event (timer unref'd), one export at a time.
 * A failed export is retried with exponential backoff and full jitter (backoff.ts), then
 * given up and counted.
 *
 * With a spool (spool/spool.ts, option `spool`), a batch whose send fails retriably is
 * written to disk instead of being retried in memory, and from then on every batch goes to
 * the spool behind it, until a background replayer has sent everything on disk, oldest
 * first, and the transport answers again; then batches are sent directly again. So events
 * reach the transport in emit order (the first copy of each; a retried batch may arrive
 * twice). Exactly one of the pump (memory → transport or spool) and the replayer (spool →
 * transport) sends at any time. When the memory queue is half full behind a slow send, the
 * batch in flight and the waiting ones are spooled right away (the batch in flight may then
 * arrive twice). Disk errors fall back to the in-memory retries and are counted.
 *
 * `enqueue` is synchronous, O(1) and never throws; all IO happens on later ticks.
 */
import { fullJitterDelay, sleep } from './backoff.ts';
import {
  EventDroppedError,
  ExportFailedError,
  SpoolError,
  TransportCloseError,
  TransportError,
  asFlowtrailError,
  type FlowtrailError,
} from './errors.ts';
import type { FlowtrailEvent } from './protocol/schema.ts';
import { SpoolLockedError, type Spool } from './spool/spool.ts';
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

type SendOutcome = { ok: true } | { ok: false; error: unknown };

export class DeliveryQueue {
  private queue: FlowtrailEvent[] = [];
  private inFlight = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private tail: Promise<void> = Promise.resolve();
  private sizeRunQueued = false;
  private overflowReported = false;
  private shutdownPromise: Promise<void> | undefined;
  /** Queue length at which a slow direct send makes the pump spool (half the queue). */
  private readonly pressureThreshold: number;
  /** Set while a direct send is in flight with a spool: wakes the pump under pressure. */
  private pressure: (() => void) | undefined;
  /** Resolves when the spool was opened (or failed to). */
  private spoolReady: Promise<void> = Promise.resolve();
  /** After a disk error the spool is left alone until then (Date.now()). */
  private spoolRetryAt = 0;
  private lastSpoolError: SpoolError | undefined;
  private replaying: Promise<void> | undefined;
  private replayStopped = false;
  private wakeReplay: (() => void) | undefined;
  /** flush()/shutdown() waiting for the replayer to drain the spool or fail an attempt. */
  private passWaiters: (() => void)[] = [];
  /** Settles when a direct send whose batch was also spooled has settled. */
  private directGate: Promise<void> = Promise.resolve();
  /** The outage was reported (once per spooling episode, until the spool is empty again). */
  private outageReported = false;

  constructor(
    private readonly transport: Transport,
    private readonly options: DeliveryOptions,
    private readonly stats: DeliveryStats,
    private readonly report: (err: FlowtrailError) => void,
    private readonly spool?: Spool<FlowtrailEvent>,
  ) {
    this.pressureThreshold = Math.max(1, Math.ceil(options.maxQueueSize / 2));
    if (spool !== undefined) this.spoolReady = this.openSpool();
  }

  /** Events queued, in flight or on the spool. */
  get pending(): number {
    return this.queue.length + this.inFlight + (this.spool?.events ?? 0);
  }

  get isShutdown(): boolean {
    return this.shutdownPromise !== undefined;
  }

  /** The counters with the gauges filled in. */
  snapshot(): DeliveryStats {
    return {
      ...this.stats,
      pending: this.pending,
      spoolEvents: this.spool?.events ?? 0,
      spoolBytes: this.spool?.bytes ?? 0,
    };
  }

  /** Queues one validated event. Never throws, never blocks. */
  enqueue(event: FlowtrailEvent): void {
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
      return;
    }
    this.queue.push(event);
    this.syncPending();
    if (this.pressure !== undefined && this.queue.length >= this.pressureThreshold) {
      const wake = this.pressure;
      this.pressure = undefined;
      wake();
    }
    if (this.queue.length >= this.options.maxBatchSize && !this.sizeRunQueued) {
      this.sizeRunQueued = true;
      void this.run(false);
    } else {
      this.armTimer();
    }
  }

  /**
   * Exports everything queued now (and waits for an export in flight); with a spool, also
   * waits until the replayer has sent what is on disk, or until one of its attempts failed.
   */
  flush(): Promise<void> {
    return this.awaited(this.run(true).then(() => this.replayPass()));
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
        await this.replayPass();
        await this.stopSpool();
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
        const batch = this.queue.splice(0, this.options.maxBatchSize);
        if (this.queue.length < this.options.maxQueueSize) this.overflowReported = false;
        this.inFlight = batch.length;
        this.syncPending();
        await this.exportBatch(batch);
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
    if (this.spool !== undefined) await this.spoolReady;
    let attempts = 0;
    for (;;) {
      attempts += 1;
      let error: unknown;
      if (this.spool !== undefined && this.spool.events > 0) {
        // Older events are on disk: this batch goes behind them, never past them.
        if (await this.spill(batch)) return;
        error = this.lastSpoolError;
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
        if (await this.spill(batch)) {
          this.reportOutage(error);
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

  /** One report per spooling episode, not one per batch. */
  private reportOutage(error: unknown): void {
    if (this.outageReported) return;
    this.outageReported = true;
    const why = error instanceof Error ? error.message : String(error);
    this.report(
      new TransportError(
        `transport unavailable (${why}); spooling to ${this.spool?.directory} and replaying in order when it answers`,
        { retriable: true, cause: error },
      ),
    );
  }

  private giveUp(events: number, attempts: number, error: unknown): void {
    this.stats.failed += events;
    this.report(new ExportFailedError(events, attempts, error));
  }

  /**
   * Sends a batch. With a spool, a send still in flight when the queue gets half full is
   * overtaken: the batch is spooled (all or nothing) and the pump moves on ('spooled');
   * if the send then succeeds, the spool's copy is acknowledged, else the replayer sends it.
   */
  private async sendDirect(batch: FlowtrailEvent[]): Promise<SendOutcome | 'spooled'> {
    const sending: Promise<SendOutcome> = this.sendWithTimeout(batch).then(
      () => ({ ok: true }),
      (error: unknown) => ({ ok: false, error }),
    );
    const spool = this.spool;
    if (spool === undefined) return sending;
    const pressured = new Promise<'pressure'>((resolve) => {
      this.pressure = () => resolve('pressure');
    });
    if (this.queue.length >= this.pressureThreshold) this.pressure?.();
    const first = await Promise.race([sending, pressured]);
    this.pressure = undefined;
    if (first !== 'pressure') return first;
    // The gate is set before spilling: the replayer the spill starts waits for this send.
    let spilled: Promise<boolean> = Promise.resolve(false);
    this.directGate = sending.then(async (outcome) => {
      if (!(await spilled)) return;
      if (!outcome.ok) {
        this.reportOutage(outcome.error); // on disk: the replayer sends it
        return;
      }
      this.stats.sent += batch.length;
      try {
        await spool.ack(batch.length); // they are the oldest records: the spool was empty
      } catch (err) {
        this.spoolFailed('delete', 'deleting an acknowledged segment failed', err);
      }
    });
    spilled = this.spill(batch, true);
    return (await spilled) ? 'spooled' : sending;
  }

  /**
   * Appends a batch to the spool. True when the batch is accounted for: written, or
   * (partly) dropped because the spool is full. False when the spool is unusable (disk
   * error, or cooling down after one), or for `allOrNothing` when it does not all fit.
   */
  private async spill(batch: FlowtrailEvent[], allOrNothing = false): Promise<boolean> {
    const spool = this.spool;
    if (spool === undefined || this.replayStopped || Date.now() < this.spoolRetryAt) return false;
    if (!spool.isOpen) {
      this.spoolReady = this.openSpool();
      await this.spoolReady;
      if (!spool.isOpen) return false;
    }
    let result;
    try {
      result = await spool.append(batch, { allOrNothing });
    } catch (err) {
      this.spoolFailed('write', `writing ${batch.length} event(s) failed`, err);
      return false;
    }
    if (allOrNothing && result.written < batch.length) return false;
    this.inFlight = 0; // on disk now: counted by the spool's gauge
    this.syncPending();
    this.stats.spooled += result.written;
    if (result.dropped > 0) {
      this.stats.dropped += result.dropped;
      this.stats.spoolDropped += result.dropped;
      if (result.becameFull) {
        this.report(
          new EventDroppedError(
            'spool-full',
            `spool ${spool.directory} full (${spool.bytes} of ${spool.maxBytes} bytes); ` +
              'dropping the newest events until replayed segments free space',
          ),
        );
      }
    }
    this.kickReplay();
    return true;
  }

  private async openSpool(): Promise<void> {
    const spool = this.spool;
    if (spool === undefined || spool.isOpen) return;
    try {
      const found = await spool.open();
      this.stats.recovered += found.recovered;
      if (found.corrupt > 0) {
        this.spoolFailed('corrupt', `skipped ${found.corrupt} corrupt record(s) found on disk`);
      }
      if (spool.events > 0) this.kickReplay();
    } catch (err) {
      const why = err instanceof SpoolLockedError ? err.message : `cannot open ${spool.directory}`;
      this.spoolFailed('open', why, err instanceof SpoolLockedError ? undefined : err);
    }
  }

  private spoolFailed(operation: SpoolError['operation'], message: string, cause?: unknown): void {
    this.stats.spoolErrors += 1;
    if (operation !== 'corrupt') this.spoolRetryAt = Date.now() + this.options.maxBackoffMs;
    this.lastSpoolError = new SpoolError(operation, message, cause);
    this.report(this.lastSpoolError);
  }

  private kickReplay(): void {
    if (this.replaying !== undefined || this.spool === undefined || this.replayStopped) return;
    this.replaying = this.replayLoop()
      .catch((err: unknown) => this.report(asFlowtrailError(err))) // belt and braces
      .finally(() => {
        this.replaying = undefined;
        if (this.spool?.events === 0) this.outageReported = false; // the episode is over
        this.releasePassWaiters();
        // appended between the loop's last look and now: go on
        if ((this.spool?.events ?? 0) > 0 && this.spool?.isOpen) this.kickReplay();
      });
  }

  /** Sends the spool's records, oldest first, until it is empty; retries without giving up. */
  private async replayLoop(): Promise<void> {
    const spool = this.spool!;
    let failures = 0;
    while (!this.replayStopped) {
      await this.directGate;
      if (spool.events === 0 || !spool.isOpen || this.replayStopped) return;
      let head;
      try {
        head = await spool.readHead(this.options.maxBatchSize);
      } catch (err) {
        this.spoolFailed('read', 'reading a segment failed', err);
        failures += 1;
        this.releasePassWaiters();
        await this.replaySleep(this.options.maxBackoffMs);
        continue;
      }
      if (head.lost > 0) {
        this.stats.failed += head.lost;
        this.spoolFailed('corrupt', `${head.lost} spooled event(s) could not be read back intact`);
      }
      const batch = head.records;
      if (batch.length === 0) continue;
      let outcome: SendOutcome;
      try {
        await this.sendWithTimeout(batch);
        outcome = { ok: true };
      } catch (error) {
        outcome = { ok: false, error };
      }
      if (outcome.ok) {
        failures = 0;
        this.stats.sent += batch.length;
        this.stats.replayed += batch.length;
      } else if (!isRetriable(outcome.error)) {
        this.giveUp(batch.length, 1, outcome.error);
      } else {
        failures += 1;
        this.releasePassWaiters(); // flush() waits for one attempt, not for the broker
        await this.replaySleep(fullJitterDelay(Math.min(failures - 1, 30), this.options));
        continue;
      }
      try {
        await spool.ack(batch.length);
      } catch (err) {
        this.spoolFailed('delete', 'deleting an acknowledged segment failed', err);
      }
    }
  }

  /** Resolves when the replayer has emptied the spool or one of its attempts failed. */
  private async replayPass(): Promise<void> {
    const spool = this.spool;
    if (spool === undefined) return;
    await this.spoolReady; // what an earlier process left counts too
    if (this.replayStopped) return;
    if (this.replaying === undefined && (spool.events === 0 || !spool.isOpen)) return;
    const done = new Promise<void>((resolve) => this.passWaiters.push(resolve));
    this.kickReplay();
    this.wakeReplay?.(); // try now, not after the backoff
    await done;
  }

  private releasePassWaiters(): void {
    const waiters = this.passWaiters;
    this.passWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** A backoff the replayer can be woken from (flush, shutdown). Never keeps Node alive. */
  private replaySleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (this.wakeReplay === done) this.wakeReplay = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref?.();
      this.wakeReplay = done;
    });
  }

  private async stopSpool(): Promise<void> {
    const spool = this.spool;
    if (spool === undefined) return;
    this.replayStopped = true;
    this.wakeReplay?.();
    await this.replaying;
    await this.directGate;
    try {
      await spool.close();
    } catch (err) {
      this.spoolFailed('close', `closing ${spool.directory} failed`, err);
    }
  }

  private sendWithTimeout(batch: FlowtrailEvent[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new TransportError(`send timed out after ${this.options.exportTimeoutMs} ms`, {
            retriable: true,
          }),
        );
      }, this.options.exportTimeoutMs);
      if (this.waiters === 0) timer.unref?.();
      let sending: Promise<void>;
      try {
        sending = Promise.resolve(this.transport.send(batch)); // may throw synchronously
      } catch (err) {
        sending = Promise.reject(err);
      }
      sending.then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err);
        },
      );
    });
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

/** Errors not marked `retriable: false` are worth another attempt. */
function isRetriable(error: unknown): boolean {
  return !(error instanceof Error && 'retriable' in error) || error.retriable !== false;
}
