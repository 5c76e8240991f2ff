/**
 * `DeliveryQueue`, the SDK's delivery queue, after OpenTelemetry's BatchSpanProcessor: a
 * bounded in-memory queue, exported in batches when `maxBatchSize` events are waiting or
 * `scheduledDelayMs` after the first waiting event (timer unref'd), one export at a time.
 * A failed export is retried with exponential backoff and full jitter (backoff.ts), then
 * given up and counted.
 *
 * `enqueue` is synchronous, O(1) and never throws; all IO happens on later ticks.
 */
import { fullJitterDelay, sleep } from './backoff.ts';
import {
  EventDroppedError,
  ExportFailedError,
  TransportCloseError,
  TransportError,
  asFlowtrailError,
  type FlowtrailError,
} from './errors.ts';
import type { FlowtrailEvent } from './protocol/schema.ts';
import type { FlowtrailStats } from './stats.ts';
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

export class DeliveryQueue {
  private queue: FlowtrailEvent[] = [];
  private inFlight = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private tail: Promise<void> = Promise.resolve();
  private sizeRunQueued = false;
  private overflowReported = false;
  private shutdownPromise: Promise<void> | undefined;

  constructor(
    private readonly transport: Transport,
    private readonly options: DeliveryOptions,
    private readonly stats: FlowtrailStats,
    private readonly report: (err: FlowtrailError) => void,
  ) {}

  get pending(): number {
    return this.queue.length + this.inFlight;
  }

  get isShutdown(): boolean {
    return this.shutdownPromise !== undefined;
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
    if (this.queue.length >= this.options.maxBatchSize && !this.sizeRunQueued) {
      this.sizeRunQueued = true;
      void this.run(false);
    } else {
      this.armTimer();
    }
  }

  /** Exports everything queued now (and waits for an export in flight). */
  flush(): Promise<void> {
    return this.awaited(this.run(true));
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

  /** Flushes, then closes the transport. Later enqueues are dropped. Idempotent. */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.awaited(
      (async () => {
        this.clearTimer();
        await this.run(true);
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
    let attempts = 0;
    for (;;) {
      attempts += 1;
      let error: unknown;
      try {
        await this.sendWithTimeout(batch);
        this.stats.sent += batch.length;
        return;
      } catch (err) {
        error = err;
      }
      const retriable =
        !(error instanceof Error && 'retriable' in error) || error.retriable !== false;
      if (!retriable || attempts > this.options.maxRetries) {
        this.stats.failed += batch.length;
        this.report(new ExportFailedError(batch.length, attempts, error));
        return;
      }
      await sleep(fullJitterDelay(attempts - 1, this.options), this.waiters > 0);
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
