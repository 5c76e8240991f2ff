/**
 * When the sweeps run: at a fixed rate measured START to start. The first run is one
 * interval after `start()`; each next one is planned one interval after the previous
 * one's planned start. A run that overruns the interval is followed at once by the next
 * (the schedule then counts from that run's end), and never two at once: the next run is
 * only timed once the previous one has ended. So an instance whose deadline passes waits
 * at most one interval for the sweep that sees it, whatever the sweeps cost — before, the
 * wait was the interval PLUS the previous sweep's duration (the next sweep was timed from
 * the previous one's end), which at 1M open instances, while the start's walks run, made
 * it 2.4–2.6 s instead of 2 s (docs/benchmarks.md, detection latency).
 *
 * Only timing lives here; the sweep itself (sweeper.ts) takes its `now` from its caller.
 * The clock is injected (default: the monotonic `performance.now()`, so a wall-clock step
 * does not stall or bunch the sweeps); tests drive it with vitest's fake timers.
 */

export interface ScheduleOptions {
  intervalMs: number;
  /** One run; a rejection is passed to `onError` and the schedule goes on. */
  run: () => Promise<unknown>;
  onError: (err: unknown) => void;
  /** Milliseconds on a monotonic clock. */
  clock?: () => number;
}

export class FixedRateSchedule {
  private readonly clock: () => number;
  /** Cancels the timed next run; undefined while a run is in progress (or none is timed). */
  private cancel: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private started = false;
  private stopped = false;

  constructor(private readonly options: ScheduleOptions) {
    this.clock = options.clock ?? (() => performance.now());
  }

  /** The first run one interval from now; a second call does nothing. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.plan(this.clock() + this.options.intervalMs);
  }

  /** No run after this; resolves once the run in progress (if any) has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancel?.();
    this.cancel = undefined;
    await this.running;
  }

  /**
   * Times the run planned for `at`; when `at` has passed, at once — on the next turn of
   * the event loop (`setImmediate`), so a row of overrunning sweeps still lets I/O and
   * HTTP requests in between them.
   */
  private plan(at: number): void {
    if (this.stopped) return;
    const delay = at - this.clock();
    if (delay > 0) {
      const timer = setTimeout(() => this.fire(at), delay);
      this.cancel = () => clearTimeout(timer);
    } else {
      const immediate = setImmediate(() => this.fire(at));
      this.cancel = () => clearImmediate(immediate);
    }
  }

  private fire(planned: number): void {
    this.cancel = undefined;
    if (this.stopped) return;
    // A run that throws at once counts as a failed run too.
    this.running = new Promise<unknown>((resolve) => resolve(this.options.run()))
      .then(
        () => undefined,
        (err: unknown) => {
          try {
            this.options.onError(err);
          } catch {
            // A failing error handler must not end the schedule.
          }
        },
      )
      .finally(() => {
        this.running = undefined;
        // Start to start; an overrun: at once, and the rate counts from here on.
        this.plan(Math.max(planned + this.options.intervalMs, this.clock()));
      });
  }
}
