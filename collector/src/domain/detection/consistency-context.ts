/** Options of the consistency rules and what each rule sees of them. Pure. */
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { appliesToSource, type SourceScoped } from '../definitions/applies-to.ts';
import type { ConformanceDefinition } from './conformance.ts';
import type { Now } from './consistency-time.ts';

export const DEFAULT_GRACE_MS = 30_000;

/**
 * The part of a process definition the consistency rules read; `ProcessDefinition`
 * (definitions/definition-schema.ts) satisfies it.
 */
export interface DetectionDefinition extends ConformanceDefinition, SourceScoped {
  /** Expected subprocesses; `deadlineMs` is counted from `expectation.registered`. */
  expectations?: readonly { system: string; process: string; deadlineMs?: number }[];
}

export interface ConsistencyOptions {
  now: Now;
  /** Time a condition must hold before it is a finding. Default 30 s. */
  graceMs?: number;
  /**
   * Process definitions (any versions); the highest version of a process is used, for
   * the instances of the sources it applies to (definitions/applies-to.ts).
   */
  definitions?: readonly DetectionDefinition[];
  /**
   * Events by instance key (any order, duplicates allowed). Needed for duplicate
   * business actions (the state keeps only counts of custom events) and gives
   * nonconformance the full step sequence; without it those rules see the state only.
   */
  events?: ReadonlyMap<string, readonly FlowtrailEvent[]>;
}

export interface RuleContext {
  now: number;
  graceMs: number;
  /** The definition applied to an instance of `process` from `source`. */
  definitionOf(process: string, source: string): DetectionDefinition | undefined;
  eventsOf(key: string): readonly FlowtrailEvent[] | undefined;
}

/**
 * The definition of `process` with the highest version (the first when unversioned), if
 * it applies to instances of `source` (as `DefinitionRegistry.forInstance`).
 */
export function definitionFor(
  definitions: readonly DetectionDefinition[],
  process: string,
  source: string,
): DetectionDefinition | undefined {
  let best: DetectionDefinition | undefined;
  for (const definition of definitions) {
    if (definition.process !== process) continue;
    if (best === undefined || (definition.version ?? 0) > (best.version ?? 0)) best = definition;
  }
  return best !== undefined && appliesToSource(best, source) ? best : undefined;
}
