/**
 * What detection knows besides the instances: the process definitions (loaded once at
 * start from FLOWTRAIL_DEFINITIONS_DIR) and the learned deadlines, recomputed every
 * `learnedRefreshMs` from the step samples of at most `learnedMaxInstances` stored
 * instances (a bounded scan; documented in docs/detection.md). It also gives the fold
 * used on ingest, which stores each instance's EFFECTIVE next deadline (event, else
 * definition, else learned) so overdue instances are found by querying that field.
 */
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { foldInstance } from '../core/fold.ts';
import type { InstanceState } from '../core/instance-state.ts';
import { stepSamples } from '../core/step-samples.ts';
import { emptyRegistry, type DefinitionRegistry } from '../definitions/registry.ts';
import { readDefinitionDir } from '../definitions/read-definition-dir.ts';
import {
  learnedDeadlines,
  learnedStatsOf,
  type LearnedDeadlines,
} from '../detection/learned-deadlines.ts';
import { effectiveNextDeadline } from '../detection/stuck.ts';
import type { Logger } from '../logger.ts';
import type { EventScanner } from '../storage/event-store.ts';

export class DetectionModel {
  private learnedNow: LearnedDeadlines = new Map();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private registryNow: DefinitionRegistry = emptyRegistry) {}

  static async load(definitionsDir: string | undefined): Promise<DetectionModel> {
    if (definitionsDir === undefined) return new DetectionModel();
    return new DetectionModel(await readDefinitionDir(definitionsDir));
  }

  registry = (): DefinitionRegistry => this.registryNow;
  learned = (): LearnedDeadlines => this.learnedNow;

  /** The ingest fold: the pure fold, with `nextDeadline` made effective. */
  fold = (events: readonly FlowtrailEvent[]): InstanceState => {
    const state = foldInstance(events);
    const definition = this.registryNow.get(state.process);
    const next = effectiveNextDeadline(state, {
      ...(definition !== undefined ? { definition } : {}),
      learned: this.learnedNow,
    });
    const { nextDeadline: _event, ...rest } = state;
    return next === undefined ? rest : { ...rest, nextDeadline: next };
  };

  /** Recomputes the learned deadlines from stored history (bounded). */
  async refreshLearned(scanner: EventScanner, maxInstances: number): Promise<void> {
    const samples = [];
    let instances = 0;
    for await (const { events } of scanner.scanInstanceEvents({})) {
      if (instances++ >= maxInstances) break;
      samples.push(...stepSamples(events));
    }
    this.learnedNow = learnedDeadlines(learnedStatsOf(samples));
  }

  startLearning(
    scanner: EventScanner,
    everyMs: number,
    maxInstances: number,
    logger: Logger,
  ): void {
    const refresh = () =>
      this.refreshLearned(scanner, maxInstances).catch((err: unknown) =>
        logger.warn({ err }, 'learned deadlines not refreshed'),
      );
    void refresh();
    this.timer = setInterval(refresh, everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
  }
}
