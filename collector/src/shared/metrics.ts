/**
 * The collector's counters. Plain numbers, logged periodically and at shutdown; a
 * Prometheus endpoint can read the same object later.
 */
import type { Logger } from './logger.ts';

export interface CounterSnapshot {
  consumed: number;
  indexed: number;
  duplicatesInBatch: number;
  dlq: number;
  storageRejected: number;
  statesWritten: number;
  statesRejected: number;
  foldFailures: number;
  /** Instances folded from all their stored events (every fold but a continued one). */
  refolds: number;
  /** Instances whose stored fold summary was continued with only their new events. */
  continuedFolds: number;
  /** New instances folded from their batch alone (no state, no summary, no replay). */
  newInstanceFolds: number;
  retries: number;
  batches: number;
  commits: number;
}

export class Metrics {
  private readonly counters: CounterSnapshot = {
    consumed: 0,
    indexed: 0,
    duplicatesInBatch: 0,
    dlq: 0,
    storageRejected: 0,
    statesWritten: 0,
    statesRejected: 0,
    foldFailures: 0,
    refolds: 0,
    continuedFolds: 0,
    newInstanceFolds: 0,
    retries: 0,
    batches: 0,
    commits: 0,
  };

  add(name: keyof CounterSnapshot, n = 1): void {
    this.counters[name] += n;
  }

  snapshot(): CounterSnapshot {
    return { ...this.counters };
  }

  /** Logs the counters every `intervalMs`; the returned function stops the timer. */
  logEvery(intervalMs: number, logger: Logger): () => void {
    const timer = setInterval(
      () => logger.info({ counters: this.snapshot() }, 'collector counters'),
      intervalMs,
    );
    timer.unref();
    return () => clearInterval(timer);
  }
}
