/**
 * The loaded process definitions: every version of every process, looked up by
 * (process, version?) — without a version, the latest. Immutable: `withDefinition`
 * returns a new registry (the HTTP API's "put" builds on it).
 *
 * Events carry no definition version, so detection applies the latest version of a
 * process to all of its instances (`forInstance`) — to the instances of the systems it
 * names, when it names `sources` (applies-to.ts); older versions stay listed for the API
 * and for a future per-instance version attribute.
 */
import { canonicalJson } from '../instance/canonical-json.ts';
import { DefinitionError, type DefinitionProblem } from './definition-error.ts';
import type { ProcessDefinition } from './definition-schema.ts';
import { appliesToSource } from './applies-to.ts';

export interface DefinitionRegistry {
  /** The given version of a process, or its latest when `version` is omitted. */
  get(process: string, version?: number): ProcessDefinition | undefined;
  /** All versions of a process, oldest first. */
  versions(process: string): readonly ProcessDefinition[];
  /** Process names, sorted. */
  processes(): readonly string[];
  /** The latest version of every process, sorted by process. */
  latest(): readonly ProcessDefinition[];
  /**
   * What detection applies to an instance: the latest version of its process if that
   * applies to the instance's source system, else none (an older version that would
   * apply is not used: the latest is the process's definition).
   */
  forInstance(instance: { process: string; source: string }): ProcessDefinition | undefined;
}

/** The definition without where it came from: two files may define the same thing. */
function contentOf(definition: ProcessDefinition): string {
  const { origin: _origin, ...content } = definition;
  return canonicalJson(content);
}

function conflict(kept: ProcessDefinition, other: ProcessDefinition): DefinitionProblem {
  return {
    origin: other.origin,
    path: '/version',
    message: `version ${kept.version} of process ${kept.process} is already defined differently in ${kept.origin}`,
  };
}

function build(byProcess: ReadonlyMap<string, readonly ProcessDefinition[]>): DefinitionRegistry {
  const names = [...byProcess.keys()].sort();
  return {
    get(process, version) {
      const versions = byProcess.get(process) ?? [];
      if (version === undefined) return versions[versions.length - 1];
      return versions.find((definition) => definition.version === version);
    },
    versions: (process) => byProcess.get(process) ?? [],
    processes: () => names,
    latest: () => names.map((name) => byProcess.get(name)?.at(-1) as ProcessDefinition),
    forInstance({ process, source }) {
      const latest = byProcess.get(process)?.at(-1);
      return latest !== undefined && appliesToSource(latest, source) ? latest : undefined;
    },
  };
}

/** Adds definitions; the problems list (process, version) pairs defined differently twice. */
function insert(
  byProcess: Map<string, ProcessDefinition[]>,
  definitions: readonly ProcessDefinition[],
): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  for (const definition of definitions) {
    const versions = byProcess.get(definition.process) ?? [];
    const kept = versions.find((v) => v.version === definition.version);
    if (kept !== undefined) {
      if (contentOf(kept) !== contentOf(definition)) problems.push(conflict(kept, definition));
      continue;
    }
    versions.push(definition);
    versions.sort((a, b) => a.version - b.version);
    byProcess.set(definition.process, versions);
  }
  return problems;
}

/**
 * A registry of the given definitions. Throws `DefinitionError` (not retriable) when a
 * (process, version) is defined twice with different content; identical copies are one.
 */
export function createRegistry(definitions: readonly ProcessDefinition[]): DefinitionRegistry {
  const byProcess = new Map<string, ProcessDefinition[]>();
  const problems = insert(byProcess, definitions);
  if (problems.length > 0) throw new DefinitionError(problems);
  return build(byProcess);
}

/** A new registry with one more definition (same conflict rule as `createRegistry`). */
export function withDefinition(
  registry: DefinitionRegistry,
  definition: ProcessDefinition,
): DefinitionRegistry {
  const all = registry.processes().flatMap((name) => registry.versions(name));
  return createRegistry([...all, definition]);
}

/**
 * A new registry with more definitions that never fails: a definition conflicting with
 * one already in `registry` (or earlier in `definitions`) is skipped — the first one
 * wins — and reported among the problems. Used to merge stored definitions into the
 * ones read from files (the file wins).
 */
export function mergeDefinitions(
  registry: DefinitionRegistry,
  definitions: readonly ProcessDefinition[],
): { registry: DefinitionRegistry; problems: DefinitionProblem[] } {
  const byProcess = new Map<string, ProcessDefinition[]>(
    registry.processes().map((name) => [name, [...registry.versions(name)]]),
  );
  const problems = insert(byProcess, definitions);
  return { registry: build(byProcess), problems };
}

export const emptyRegistry: DefinitionRegistry = build(new Map());

/**
 * The processes whose EFFECTIVE definition (the latest version, which detection applies)
 * differs between two registries: added, removed, or another latest content (where it
 * came from does not count). Sorted.
 */
export function changedProcesses(before: DefinitionRegistry, after: DefinitionRegistry): string[] {
  const content = (registry: DefinitionRegistry, process: string): string | undefined => {
    const definition = registry.get(process);
    return definition === undefined ? undefined : contentOf(definition);
  };
  const names = new Set([...before.processes(), ...after.processes()]);
  return [...names].filter((name) => content(before, name) !== content(after, name)).sort();
}
