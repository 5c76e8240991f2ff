/**
 * The process definitions detection applies: the YAML files (read once at start by
 * main/, adapters/files/read-definition-dir.ts) merged with the definitions stored
 * through the HTTP API (a `DefinitionStore`), re-read at start and every `reloadEveryMs`
 * so that every collector applies a definition put through any collector; a put through
 * this collector applies at once. A file and a stored definition follow the registry's
 * rules: the same content is one definition, different content under one version is
 * logged and the file wins. Listeners of `onChanged` hear which processes' effective
 * definition changed (a put here, a reload that finds one another collector stored).
 *
 * Stored definitions can be deleted (one version, or all of a process); a reload drops
 * the ones no longer stored, so a delete through any collector reaches every other one.
 * A put or delete made here while a reload reads the store may be missing from what
 * that reload read (or still in it), so each is kept, with a sequence number, until no
 * reload that began before it is still running, and re-applied to what such a reload read.
 */
import {
  formatProblem,
  type DefinitionProblem,
} from '../../domain/definitions/definition-error.ts';
import {
  DefinitionConflictError,
  DefinitionVersionError,
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

/** A put or delete made here, as a change of the list of stored definitions. */
interface Mutation {
  seq: number;
  apply: (stored: readonly ProcessDefinition[]) => ProcessDefinition[];
}

const isStored = (definition: ProcessDefinition): boolean =>
  definition.origin === STORED_DEFINITION_ORIGIN;

export class DefinitionCatalog {
  private registryNow: DefinitionRegistry;
  private reloadTimer: ReturnType<typeof setInterval> | undefined;
  /** Puts and deletes made here, in order (see the file comment). */
  private recent: Mutation[] = [];
  private sequence = 0;
  /** The `sequence` at the start of each reload still reading the store. */
  private readonly reloadStarts: number[] = [];
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
    await catalog.loadStored();
    return catalog;
  }

  /** The first read of the store; a store that cannot be read now is logged, not thrown. */
  async loadStored(): Promise<void> {
    if (this.options.store === undefined) return;
    await this.reloadFromStore().catch((err: unknown) => {
      this.options.logger?.warn({ err }, 'stored process definitions not loaded; retrying');
    });
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
    const start = this.sequence;
    this.reloadStarts.push(start);
    let stored;
    try {
      stored = await store.listDefinitions();
    } finally {
      this.reloadStarts.splice(this.reloadStarts.indexOf(start), 1);
    }
    let definitions: ProcessDefinition[] = [];
    const problems: DefinitionProblem[] = [];
    for (const entry of stored) {
      const parsed = parseDefinition(entry.definition, STORED_DEFINITION_ORIGIN);
      if (parsed.ok) definitions.push(parsed.definition);
      else {
        const origin = `stored ${entry.process}@${entry.version}`;
        problems.push(...parsed.problems.map((problem) => ({ ...problem, origin })));
      }
    }
    // Read `recent` after the await: a put or delete that finished meanwhile is kept.
    for (const mutation of this.recent) {
      if (mutation.seq > start) definitions = mutation.apply(definitions);
    }
    this.prune();
    const merged = mergeDefinitions(this.fileRegistry, definitions);
    this.report([...problems, ...merged.problems]);
    this.setRegistry(merged.registry);
    return merged.registry;
  }

  /**
   * Stores a definition and applies it at once. Throws `DefinitionConflictError` when
   * the version is already defined differently (in a file or in the store), and
   * `DefinitionVersionError` when it is a new version lower than the process's highest
   * (detection applies the latest only, so it would never apply). The same content
   * under a version already defined is an idempotent put, whichever version it is.
   */
  async putDefinition(definition: ProcessDefinition): Promise<PutDefinitionResult> {
    const store = this.requireStore();
    const local: ProcessDefinition = { ...definition, origin: STORED_DEFINITION_ORIGIN };
    // Compare with what every collector stored, not only with what the last reload saw.
    const registry = await this.reloadFromStore();
    const kept = registry.get(local.process, local.version);
    if (kept !== undefined && definitionContent(kept) !== definitionContent(local)) {
      throw new DefinitionConflictError(local.process, local.version, `defined in ${kept.origin}`);
    }
    const highest = registry.get(local.process);
    if (kept === undefined && highest !== undefined && local.version < highest.version) {
      throw new DefinitionVersionError(
        local.process,
        `version ${local.version} of process ${local.process} is lower than its highest version ${highest.version} (${highest.origin}); publish version ${highest.version + 1} or higher`,
      );
    }
    const result = await store.putDefinition(definitionDocument(local));
    this.record((stored) => [...stored, local]);
    this.setRegistry(mergeDefinitions(this.registryNow, [local]).registry);
    return result;
  }

  /**
   * Deletes one stored version of `process`, or all of its stored versions, and applies
   * that at once; returns how many were removed (0: none stored). Throws
   * `DefinitionVersionError` for a version a file defines, and for a process whose
   * versions are all defined in files (files are changed on disk, not through the API).
   */
  async deleteDefinitions(process: string, version?: number): Promise<number> {
    const store = this.requireStore();
    const file = version === undefined ? undefined : this.fileRegistry.get(process, version);
    if (file !== undefined) {
      throw new DefinitionVersionError(
        process,
        `version ${version} of process ${process} is defined in file ${file.origin}; change the file instead`,
      );
    }
    const removed = await store.deleteDefinitions(process, version);
    const gone = (d: ProcessDefinition): boolean =>
      d.process === process && (version === undefined || d.version === version);
    const apply = (stored: readonly ProcessDefinition[]): ProcessDefinition[] =>
      stored.filter((d) => !gone(d));
    this.record(apply);
    // Applied even when nothing was removed here: another collector may have removed it.
    const storedNow = this.registryNow
      .processes()
      .flatMap((name) => this.registryNow.versions(name));
    this.setRegistry(
      mergeDefinitions(this.fileRegistry, apply(storedNow.filter(isStored))).registry,
    );
    const files = this.fileRegistry.versions(process);
    if (removed === 0 && version === undefined && files.length > 0) {
      const origins = [...new Set(files.map((d) => d.origin))].join(', ');
      throw new DefinitionVersionError(
        process,
        `process ${process} has no stored definitions; its versions are defined in file ${origins}`,
      );
    }
    return removed;
  }

  private requireStore(): DefinitionStore {
    const store = this.options.store;
    if (store === undefined) throw new Error('no definition store configured');
    return store;
  }

  /** Keeps a put or delete made here for the reloads already reading the store. */
  private record(apply: Mutation['apply']): void {
    this.sequence += 1;
    this.recent.push({ seq: this.sequence, apply });
    this.prune();
  }

  /** Forgets the mutations that every running (and later) reload sees in the store. */
  private prune(): void {
    const oldest = Math.min(this.sequence, ...this.reloadStarts);
    this.recent = this.recent.filter((mutation) => mutation.seq > oldest);
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
