/**
 * What detection knows besides the instances: the process definitions and the learned
 * deadlines. The definitions are the YAML files of FLOWTRAIL_DEFINITIONS_DIR (read once
 * at start) merged with the definitions stored through the HTTP API (a
 * `DefinitionStore`), re-read at start and every `reloadEveryMs` so that every collector
 * applies a definition put through any collector; a put through this collector applies
 * at once. A file and a stored definition follow the registry's rules: the same content
 * is one definition, different content under one version is logged and the file wins.
 * The learned deadlines are recomputed every
 * `learnedRefreshMs` from the step samples of at most `learnedMaxInstances` stored
 * instances (a bounded scan; documented in docs/detection.md). It also gives the fold
 * used on ingest, which stores each instance's EFFECTIVE next deadline (event, else
 * definition, else learned) so overdue instances are found by querying that field.
 */
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { foldInstance } from '../core/fold.ts';
import type { InstanceState } from '../core/instance-state.ts';
import { stepSamples } from '../core/step-samples.ts';
import { formatProblem, type DefinitionProblem } from '../definitions/definition-error.ts';
import {
  DefinitionConflictError,
  definitionContent,
  definitionDocument,
} from '../definitions/definition-document.ts';
import type { ProcessDefinition } from '../definitions/definition-schema.ts';
import { parseDefinition } from '../definitions/parse-definition.ts';
import {
  emptyRegistry,
  mergeDefinitions,
  type DefinitionRegistry,
} from '../definitions/registry.ts';
import { readDefinitionDir } from '../definitions/read-definition-dir.ts';
import {
  learnedDeadlines,
  learnedStatsOf,
  type LearnedDeadlines,
} from '../detection/learned-deadlines.ts';
import { effectiveNextDeadline } from '../detection/stuck.ts';
import type { Logger } from '../logger.ts';
import type { DefinitionStore, PutDefinitionResult } from '../storage/definition-store.ts';
import type { EventScanner } from '../storage/event-store.ts';

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

export class DetectionModel {
  private learnedNow: LearnedDeadlines = new Map();
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
    this.registryNow = merged.registry;
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
    this.registryNow = mergeDefinitions(this.registryNow, [local]).registry;
    return result;
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

  /** Stops the learning and reload timers. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    if (this.reloadTimer !== undefined) clearInterval(this.reloadTimer);
    this.timer = undefined;
    this.reloadTimer = undefined;
  }
}
