/**
 * The process definitions detection applies: the YAML files (read once at start by
 * main/, adapters/files/read-definition-dir.ts) merged with the definitions stored
 * through the HTTP API (a `DefinitionStore`), re-read at start and every `reloadEveryMs`
 * so that every collector applies a definition put through any collector; a put through
 * this collector applies at once. A file and a stored definition follow the registry's
 * rules: the same content is one definition, different content under one version is
 * logged and the file wins. Listeners of `onChanged` hear which processes' effective
 * definition changed (a put here, a reload that finds one another collector stored).
 */
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
import type { Logger } from '../../shared/logger.ts';
import type { DefinitionStore, PutDefinitionResult } from '../../ports/definition-store.ts';
import { Listeners } from './listeners.ts';

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

export class DefinitionCatalog {
  private registryNow: DefinitionRegistry;
  private reloadTimer: ReturnType<typeof setInterval> | undefined;
  /** Put through this collector: applied even before the store lists them. */
  private readonly putHere: ProcessDefinition[] = [];
  /** Problems already logged (a reload every 10 s must not repeat them). */
  private readonly reported = new Set<string>();
  private readonly listeners: Listeners<readonly string[]>;

  constructor(
    private readonly fileRegistry: DefinitionRegistry = emptyRegistry,
    private readonly options: DefinitionSourceOptions = {},
  ) {
    this.registryNow = fileRegistry;
    this.listeners = new Listeners(options.logger, 'deadline change listener failed');
  }

  /**
   * The files' registry merged with the stored definitions; a store that cannot be read
   * now is logged and re-read by the reload timer.
   */
  static async load(
    files: DefinitionRegistry,
    options: DefinitionSourceOptions = {},
  ): Promise<DefinitionCatalog> {
    const catalog = new DefinitionCatalog(files, options);
    if (options.store !== undefined) {
      await catalog.reloadFromStore().catch((err: unknown) => {
        options.logger?.warn({ err }, 'stored process definitions not loaded; retrying');
      });
    }
    return catalog;
  }

  registry = (): DefinitionRegistry => this.registryNow;
  /** Whether definitions can be put (a definition store is configured). */
  acceptsDefinitions = (): boolean => this.options.store !== undefined;

  /** Calls `listener` with the processes whose effective definition changed; returns the unsubscribe. */
  onChanged(listener: (processes: readonly string[]) => void): () => void {
    return this.listeners.add(listener);
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
    if (changed.length > 0)
      this.listeners.tell(changed, { processes: changed, cause: 'definitions' });
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

  /** Stops the reload timer. */
  stop(): void {
    if (this.reloadTimer !== undefined) clearInterval(this.reloadTimer);
    this.reloadTimer = undefined;
  }
}
