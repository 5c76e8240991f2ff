/**
 * Reads the stores' change feeds (storage/change-feed.ts) once per interval while it runs
 * — the live hub runs it only while at least one client listens — and reports the
 * changes (watermark.ts). The first read after `start` only takes the baseline. A
 * `nudge` (an in-process write: HTTP ingest, an alert action) brings the next read
 * forward to `nudgeDelayMs` from now, so bursts of writes coalesce into one read. Reads
 * never overlap; a nudge during a read schedules one more read right after it. A failed
 * read is reported and retried at the next interval.
 */
import type {
  AlertChangeReader,
  ChangePage,
  InstanceChangeReader,
} from '../../ports/change-feed.ts';
import { nextChange, NO_CHANGES, type LiveChange, type Watermark } from './watermark.ts';

export interface ChangeSources {
  instances: InstanceChangeReader;
  /** Absent: alerts are not enabled (their number stays 0). */
  alerts?: AlertChangeReader;
}

export interface ChangePollerOptions {
  sources: ChangeSources;
  intervalMs: number;
  /** Most instance keys one change lists. */
  maxKeys: number;
  /** Delay of a read after a nudge (default 25 ms). */
  nudgeDelayMs?: number;
  /** The baseline of a run (after each `start`). */
  onBaseline: (watermark: Watermark) => void;
  onChange: (change: LiveChange) => void;
  /** A failed read (`consecutive`: failures in a row, from 1). */
  onError: (err: unknown, consecutive: number) => void;
}

/**
 * One read of both change feeds: the pages after `after` (the whole store's newest numbers
 * when absent), at most `limit` keys each.
 */
export function readChanges(
  sources: ChangeSources,
  after: Watermark | undefined,
  limit: number,
): Promise<[ChangePage, ChangePage]> {
  return Promise.all([
    sources.instances.instanceChanges(after?.events, limit),
    sources.alerts?.alertChanges(after?.alerts, limit) ?? NO_CHANGES,
  ]);
}

export class ChangePoller {
  private watermark: Watermark | undefined;
  private timer: NodeJS.Timeout | undefined;
  private dueAt = Infinity;
  private reading: Promise<void> | undefined;
  private again = false;
  /** Bumped by `start` and `stop`: a read of an older run reports nothing. */
  private run = 0;
  private running = false;
  private failures = 0;

  constructor(private readonly options: ChangePollerOptions) {}

  /** The watermark of the latest read of this run (undefined before the baseline). */
  get current(): Watermark | undefined {
    return this.watermark;
  }

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.run += 1;
    this.watermark = undefined;
    this.failures = 0;
    if (this.reading === undefined) this.schedule(0);
    else this.again = true;
  }

  /** Stops reading; resolves when a read in flight has finished. */
  async stop(): Promise<void> {
    this.running = false;
    this.run += 1;
    this.watermark = undefined;
    this.clearTimer();
    await this.reading;
  }

  nudge(): void {
    if (!this.running) return;
    if (this.reading !== undefined) {
      this.again = true;
      return;
    }
    const delay = this.options.nudgeDelayMs ?? 25;
    if (Date.now() + delay < this.dueAt) this.schedule(delay);
  }

  private schedule(delayMs: number): void {
    this.clearTimer();
    this.dueAt = Date.now() + delayMs;
    this.timer = setTimeout(() => this.read(), delayMs);
    this.timer.unref?.();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.dueAt = Infinity;
  }

  private read(): void {
    this.timer = undefined;
    this.dueAt = Infinity;
    this.again = false;
    const run = this.run;
    this.reading = this.readOnce(run)
      .catch((err: unknown) => {
        if (run !== this.run) return;
        this.failures += 1;
        this.options.onError(err, this.failures);
      })
      .finally(() => {
        this.reading = undefined;
        if (!this.running) return;
        this.schedule(this.again ? (this.options.nudgeDelayMs ?? 25) : this.options.intervalMs);
      });
  }

  private async readOnce(run: number): Promise<void> {
    const { sources, maxKeys } = this.options;
    const previous = this.watermark;
    const [instances, alerts] = await readChanges(sources, previous, maxKeys);
    if (run !== this.run) return;
    this.failures = 0;
    if (previous === undefined) {
      this.watermark = { events: instances.seq, alerts: alerts.seq };
      this.options.onBaseline(this.watermark);
      return;
    }
    const change = nextChange(previous, instances, alerts, maxKeys);
    if (change === undefined) return;
    this.watermark = { events: change.events, alerts: change.alerts };
    this.options.onChange(change);
  }
}
