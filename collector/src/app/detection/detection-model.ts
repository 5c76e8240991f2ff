/**
 * What detection knows besides the instances: the process definitions
 * (definition-catalog.ts) and the learned deadlines (learned-deadline-refresher.ts), and
 * what follows from both: the fold used on ingest, which stores each instance's
 * EFFECTIVE next deadline (event, else definition, else learned) so overdue instances are
 * found by querying that field, and `rederive`, the same for a stored state. Whenever
 * the effective definition of a process changes or its learned deadlines moved, the
 * listeners of `onDeadlinesChanged` hear which processes changed: the sweeper re-derives
 * the stored `nextDeadline` of their open instances (deadline-rederivation.ts).
 */
import { derivedFold, type IngestFold } from '../../domain/instance/continued-fold.ts';
import type { InstanceState } from '../../domain/instance/instance-state.ts';
import type { ProcessDefinition } from '../../domain/definitions/definition-schema.ts';
import { emptyRegistry, type DefinitionRegistry } from '../../domain/definitions/registry.ts';
import type { LearnedDeadlines } from '../../domain/detection/learned-deadlines.ts';
import {
  withEffectiveNextDeadline,
  type DeadlineContext,
} from '../../domain/detection/stuck-deadlines.ts';
import type { Logger } from '../../shared/logger.ts';
import type { PutDefinitionResult } from '../../ports/definition-store.ts';
import type { EventScanner } from '../../ports/event-store.ts';
import { DefinitionCatalog, type DefinitionSourceOptions } from './definition-catalog.ts';
import { LearnedDeadlineRefresher } from './learned-deadline-refresher.ts';
import type { LearningSettings } from './learned-history.ts';

export {
  DEFAULT_DEFINITIONS_RELOAD_MS,
  STORED_DEFINITION_ORIGIN,
  type DefinitionSourceOptions,
} from './definition-catalog.ts';

/** Why the effective deadlines of some processes changed. */
export type DeadlinesChangeCause = 'definitions' | 'learned';

/** Hears the processes whose effective deadlines changed (sorted, never empty). */
export type DeadlinesChangedListener = (
  processes: readonly string[],
  cause: DeadlinesChangeCause,
) => void;

export class DetectionModel {
  readonly definitions: DefinitionCatalog;
  readonly learning: LearnedDeadlineRefresher;

  constructor(
    fileRegistry: DefinitionRegistry = emptyRegistry,
    options: DefinitionSourceOptions = {},
  ) {
    this.definitions = new DefinitionCatalog(fileRegistry, options);
    this.learning = new LearnedDeadlineRefresher(options.logger);
  }

  /** The files' registry merged with the stored definitions (`DefinitionCatalog.load`). */
  static async load(
    files: DefinitionRegistry,
    options: DefinitionSourceOptions = {},
  ): Promise<DetectionModel> {
    const model = new DetectionModel(files, options);
    await model.definitions.loadStored();
    return model;
  }

  registry = (): DefinitionRegistry => this.definitions.registry();
  learned = (): LearnedDeadlines => this.learning.learned();
  learnedReady = (): boolean => this.learning.learnedReady();

  /** What the deadlines of an instance (its process, from its source) are derived from, now. */
  deadlineContext = (instance: { process: string; source: string }): DeadlineContext => {
    const definition = this.definitions.registry().forInstance(instance);
    return {
      ...(definition !== undefined ? { definition } : {}),
      learned: this.learning.learned(),
    };
  };

  /**
   * The ingest fold: the pure fold, with `nextDeadline` made effective. A `derivedFold`,
   * so the ingester knows how it relates to `foldInstance` and may continue a stored
   * fold summary instead of re-folding every event (domain/instance/continued-fold.ts).
   */
  fold: IngestFold = derivedFold((state) => this.rederive(state));

  /** A (stored) state with `nextDeadline` made effective under the current definitions. */
  rederive = (state: InstanceState): InstanceState =>
    withEffectiveNextDeadline(state, this.deadlineContext(state));

  /** Calls `listener` whenever the effective definitions change or the learned deadlines moved. */
  onDeadlinesChanged(listener: DeadlinesChangedListener): () => void {
    const offDefinitions = this.definitions.onChanged((processes) =>
      listener(processes, 'definitions'),
    );
    const offLearned = this.learning.onMoved((processes) => listener(processes, 'learned'));
    return () => {
      offDefinitions();
      offLearned();
    };
  }

  reloadFromStore = (): Promise<DefinitionRegistry> => this.definitions.reloadFromStore();
  putDefinition = (definition: ProcessDefinition): Promise<PutDefinitionResult> =>
    this.definitions.putDefinition(definition);
  deleteDefinitions = (process: string, version?: number): Promise<number> =>
    this.definitions.deleteDefinitions(process, version);
  startReloading = (everyMs?: number): void => this.definitions.startReloading(everyMs);

  refreshLearned = (
    scanner: EventScanner,
    settings: LearningSettings,
    nowMs: number = Date.now(),
    quiet = false,
  ): Promise<void> => this.learning.refreshLearned(scanner, settings, nowMs, quiet);

  startLearning = (
    scanner: EventScanner,
    everyMs: number,
    settings: LearningSettings,
    logger: Logger,
  ): void => this.learning.startLearning(scanner, everyMs, settings, logger);

  /** Stops the learning and reload timers. */
  stop(): void {
    this.learning.stop();
    this.definitions.stop();
  }
}
