/**
 * The learned deadlines: recomputed every `everyMs` from the pre-aggregated analytics
 * within the horizon where the store keeps them (the newest `perProcess` completed
 * attempts of each step, by hour; domain/detection/learned-from-buckets.ts), else from
 * the step samples of the most recently active instances of each process (at most
 * `perProcess` per process, active within the horizon; learned-history.ts). Listeners of `onMoved` hear the processes one
 * of whose learned deadlines moved by more than 10 % (domain/detection/learned-changes.ts)
 * — not after the first refresh after the start, whose inputs the start walk waits for.
 */
import { processesWithMovedLearnedDeadlines } from '../../domain/detection/learned-changes.ts';
import {
  learnedDeadlines,
  type LearnedDeadlines,
} from '../../domain/detection/learned-deadlines.ts';
import type { Logger } from '../../shared/logger.ts';
import type { EventScanner } from '../../ports/event-store.ts';
import { isAnalyticsReader } from '../../ports/analytics-store.ts';
import { hourOf } from '../../domain/analytics/analytics-bucket.ts';
import { learnedStatsOfBuckets } from '../../domain/detection/learned-from-buckets.ts';
import {
  learnedStatsOfInstances,
  learningScanFilter,
  type LearningSettings,
} from './learned-history.ts';
import { Listeners } from './listeners.ts';

export class LearnedDeadlineRefresher {
  private learnedNow: LearnedDeadlines = new Map();
  /** Learning started and its first refresh has not settled yet. */
  private learnedPending = false;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly listeners: Listeners<readonly string[]>;

  constructor(logger?: Logger) {
    this.listeners = new Listeners(logger, 'deadline change listener failed');
  }

  learned = (): LearnedDeadlines => this.learnedNow;
  /**
   * False from `startLearning` until its first refresh settled: until then the learned
   * deadlines are empty, and re-deriving stored deadlines would drop the learned ones.
   */
  learnedReady = (): boolean => !this.learnedPending;

  /** Calls `listener` with the processes whose learned deadlines moved; returns the unsubscribe. */
  onMoved(listener: (processes: readonly string[]) => void): () => void {
    return this.listeners.add(listener);
  }

  /**
   * Recomputes the learned deadlines from recent stored history: the most recently active
   * instances of each process within the horizon (learned-history.ts; bounded memory).
   * Tells the listeners which processes' learned deadlines moved, unless `quiet`.
   */
  async refreshLearned(
    scanner: EventScanner,
    settings: LearningSettings,
    nowMs: number = Date.now(),
    quiet = false,
  ): Promise<void> {
    let next: LearnedDeadlines = new Map();
    if (settings.perProcess > 0) {
      const buckets = isAnalyticsReader(scanner)
        ? await scanner.analyticsBuckets({
            fromHour: hourOf(nowMs - settings.horizonMs),
            toHour: hourOf(nowMs),
          })
        : undefined;
      if (buckets !== undefined) {
        next = learnedDeadlines(learnedStatsOfBuckets(buckets, settings.perProcess));
      } else {
        const instances = scanner.scanInstanceEvents(learningScanFilter(nowMs, settings));
        next = learnedDeadlines(await learnedStatsOfInstances(instances));
      }
    }
    const moved = processesWithMovedLearnedDeadlines(this.learnedNow, next);
    this.learnedNow = next;
    if (!quiet && moved.length > 0)
      this.listeners.tell(moved, { processes: moved, cause: 'learned' });
  }

  startLearning(
    scanner: EventScanner,
    everyMs: number,
    settings: LearningSettings,
    logger: Logger,
  ): void {
    // The first refresh is quiet: the start walk over every open instance waits for it.
    const refresh = (quiet = false) =>
      this.refreshLearned(scanner, settings, Date.now(), quiet).catch((err: unknown) =>
        logger.warn({ err }, 'learned deadlines not refreshed'),
      );
    this.learnedPending = true;
    void refresh(true).finally(() => {
      this.learnedPending = false;
    });
    this.timer = setInterval(() => void refresh(), everyMs);
    this.timer.unref();
  }

  /** Stops the learning timer. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
