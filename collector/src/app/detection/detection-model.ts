/**
 * What detection knows besides the instances: the process definitions and the learned
 * deadlines. The definitions are the YAML files of FLOWTRAIL_DEFINITIONS_DIR (read once
 * at start) merged with the definitions stored through the HTTP API (a
 * `DefinitionStore`), re-read at start and every `reloadEveryMs` so that every collector
 * applies a definition put through any collector; a put through this collector applies
 * at once. A file and a stored definition follow the registry's rules: the same content
 * is one definition, different content under one version is logged and the file wins.
 * The learned deadlines are recomputed every
 * `learnedRefreshMs` from the step samples of the most recently active instances of each
 * process (at most `learnedMaxInstances` per process, active within `learnedHorizonMs`;
 * learned-history.ts, docs/detection-runtime.md). It also gives the fold
 * used on ingest, which stores each instance's EFFECTIVE next deadline (event, else
 * definition, else learned) so overdue instances are found by querying that field, and
 * `rederive`, the same for a stored state. Whenever the effective definition of a process
 * changes (a put here, a reload that finds one another collector stored), or a learned
 * refresh moved one of its learned deadlines by more than 10 % (learned-changes.ts; not
 * the first refresh after the start, whose inputs the start walk already waits for), the
 * listeners of `onDeadlinesChanged` hear which processes changed: the sweeper re-derives
 * the stored `nextDeadline` of their open instances (deadline-rederivation.ts).
 */
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { foldInstance } from '../../domain/instance/fold.ts';
import type { InstanceState } from '../../domain/instance/instance-state.ts';
import {
  formatProblem,
  type DefinitionProblem,
} from '../../domain/definitions/definition-error.ts';
import {
  DefinitionConflictError,
  definitionContent,
  definitionDocument,
} from '../../domain/definitions/definition-document.ts';
import type { ProcessDefinition } from '../../domain/definitions/definition-schema.ts';
import { parseDefinition } from '../../domain/definitions/parse-definition.ts';
import {
  changedProcesses,
  emptyRegistry,
  mergeDefinitions,
  type DefinitionRegistry,
} from '../../domain/definitions/registry.ts';
import { readDefinitionDir } from '../../adapters/files/read-definition-dir.ts';
import { processesWithMovedLearnedDeadlines } from '../../domain/detection/learned-changes.ts';
import {
  learnedDeadlines,
  type LearnedDeadlines,
} from '../../domain/detection/learned-deadlines.ts';
import {
  withEffectiveNextDeadline,
  type DeadlineContext,
} from '../../domain/detection/stuck-deadlines.ts';
import type { Logger } from '../../shared/logger.ts';
import type { DefinitionStore, PutDefinitionResult } from '../../ports/definition-store.ts';
import type { EventScanner } from '../../ports/event-store.ts';
import {
  learnedStatsOfInstances,
  learningScanFilter,
  type LearningSettings,
} from './learned-history.ts';

/** Origin of the definitions that come from the definition store (the HTTP API). */
export const STORED_DEFINITION_ORIGIN = 'api';
/** How often every collector re-reads the stored definitions. */
export const DEFAULT_DEFINITIONS_RELOAD_MS = 10_000;

export interface DefinitionSourceOptions {
  /** Where definitions put through the HTTP API live; none → files only, no puts. */
  store?: DefinitionStore;
  /** Logs definitions that conflict with a file or no longer validate. */
  logger?: Logger;
}

/** Why the effective deadlines of some processes changed. */
export type DeadlinesChangeCause = 'definitions' | 'learned';

/** Hears the processes whose effective deadlines changed (sorted, never empty). */
export type DeadlinesChangedListener = (
  processes: readonly string[],
  cause: DeadlinesChangeCause,
) => void;

export class DetectionModel {
  private learnedNow: LearnedDeadlines = new Map();
  /** Learning started and its first refresh has not settled yet. */
  private learnedPending = false;
  private readonly listeners = new Set<DeadlinesChangedListener>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private reloadTimer: ReturnType<typeof setInterval> | undefined;
  private registryNow: DefinitionRegistry;
  /** Put through this collector: applied even before the store lists them. */
  private readonly putHere: ProcessDefinition[] = [];
  /** Problems already logged (a reload every 10 s must not repeat them). */
  private readonly reported = new Set<string>();

  constructor(
    private readonly fileRegistry: DefinitionRegistry = emptyRegistry,
    private readonly options: DefinitionSourceOptions = {},
  ) {
    this.registryNow = fileRegistry;
  }

  /**
   * The files of `definitionsDir` (throws `DefinitionError` when one is invalid) merged
   * with the stored definitions; a store that cannot be read now is logged and re-read
   * by the reload timer.
   */
  static async load(
    definitionsDir: string | undefined,
    options: DefinitionSourceOptions = {},
  ): Promise<DetectionModel> {
    const files =
      definitionsDir === undefined ? emptyRegistry : await readDefinitionDir(definitionsDir);
    const model = new DetectionModel(files, options);
    if (options.store !== undefined) {
      await model.reloadFromStore().catch((err: unknown) => {
        options.logger?.warn({ err }, 'stored process definitions not loaded; retrying');
      });
    }
    return model;
  }

  registry = (): DefinitionRegistry => this.registryNow;
  /** Whether definitions can be put (a definition store is configured). */
  acceptsDefinitions = (): boolean => this.options.store !== undefined;
  learned = (): LearnedDeadlines => this.learnedNow;
  /**
   * False from `startLearning` until its first refresh settled: until then the learned
   * deadlines are empty, and re-deriving stored deadlines would drop the learned ones.
   */
  learnedReady = (): boolean => !this.learnedPending;

  /** What the deadlines of an instance of `process` are derived from, now. */
  deadlineContext = (process: string): DeadlineContext => {
    const definition = this.registryNow.get(process);
    return { ...(definition !== undefined ? { definition } : {}), learned: this.learnedNow };
  };

  /** The ingest fold: the pure fold, with `nextDeadline` made effective. */
  fold = (events: readonly FlowtrailEvent[]): InstanceState => this.rederive(foldInstance(events));

  /** A (stored) state with `nextDeadline` made effective under the current definitions. */
  rederive = (state: InstanceState): InstanceState =>
    withEffectiveNextDeadline(state, this.deadlineContext(state.process));

  /**
   * Calls `listener` whenever the effective definitions change or the learned deadlines
   * moved (see the file comment); returns the unsubscribe.
   */
  onDeadlinesChanged(listener: DeadlinesChangedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Re-reads the stored definitions and merges them into the files' (the file wins). */
  async reloadFromStore(): Promise<DefinitionRegistry> {
    const store = this.options.store;
    if (store === undefined) return this.registryNow;
    const stored = await store.listDefinitions();
    const definitions: ProcessDefinition[] = [];
    const problems: DefinitionProblem[] = [];
    for (const entry of stored) {
      const parsed = parseDefinition(entry.definition, STORED_DEFINITION_ORIGIN);
      if (parsed.ok) definitions.push(parsed.definition);
      else {
        const origin = `stored ${entry.process}@${entry.version}`;
        problems.push(...parsed.problems.map((problem) => ({ ...problem, origin })));
      }
    }
    // Read `putHere` after the await: a put that finished meanwhile is kept.
    const merged = mergeDefinitions(this.fileRegistry, [...definitions, ...this.putHere]);
    this.report([...problems, ...merged.problems]);
    this.setRegistry(merged.registry);
    return merged.registry;
  }

  /**
   * Stores a definition and applies it at once. Throws `DefinitionConflictError` when
   * the version is already defined differently (in a file or in the store).
   */
  async putDefinition(definition: ProcessDefinition): Promise<PutDefinitionResult> {
    const store = this.options.store;
    if (store === undefined) throw new Error('no definition store configured');
    const local: ProcessDefinition = { ...definition, origin: STORED_DEFINITION_ORIGIN };
    const kept = this.registryNow.get(local.process, local.version);
    if (kept !== undefined && definitionContent(kept) !== definitionContent(local)) {
      throw new DefinitionConflictError(local.process, local.version, `defined in ${kept.origin}`);
    }
    const result = await store.putDefinition(definitionDocument(local));
    this.putHere.push(local);
    this.setRegistry(mergeDefinitions(this.registryNow, [local]).registry);
    return result;
  }

  /** Applies a new registry and tells the listeners which processes it changed. */
  private setRegistry(next: DefinitionRegistry): void {
    const changed = changedProcesses(this.registryNow, next);
    this.registryNow = next;
    this.tell(changed, 'definitions');
  }

  private tell(changed: readonly string[], cause: DeadlinesChangeCause): void {
    if (changed.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(changed, cause);
      } catch (err) {
        this.options.logger?.warn(
          { err, processes: changed, cause },
          'deadline change listener failed',
        );
      }
    }
  }

  /** Re-reads the stored definitions every `everyMs` (unref'd timer). */
  startReloading(everyMs: number = DEFAULT_DEFINITIONS_RELOAD_MS): void {
    if (this.options.store === undefined || this.reloadTimer !== undefined) return;
    this.reloadTimer = setInterval(() => {
      this.reloadFromStore().catch((err: unknown) =>
        this.options.logger?.warn({ err }, 'stored process definitions not reloaded'),
      );
    }, everyMs);
    this.reloadTimer.unref();
  }

  private report(problems: readonly DefinitionProblem[]): void {
    for (const problem of problems) {
      const text = formatProblem(problem);
      if (this.reported.has(text)) continue;
      this.reported.add(text);
      this.options.logger?.error(
        { problem: text },
        'stored process definition ignored (conflicts with a file, or invalid)',
      );
    }
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
      const instances = scanner.scanInstanceEvents(learningScanFilter(nowMs, settings));
      next = learnedDeadlines(await learnedStatsOfInstances(instances));
    }
    const moved = processesWithMovedLearnedDeadlines(this.learnedNow, next);
    this.learnedNow = next;
    if (!quiet) this.tell(moved, 'learned');
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

  /** Stops the learning and reload timers. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    if (this.reloadTimer !== undefined) clearInterval(this.reloadTimer);
    this.timer = undefined;
    this.reloadTimer = undefined;
  }
}
