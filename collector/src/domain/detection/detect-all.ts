/**
 * Every rule over a set of instance states, as one pure function of (states, definitions,
 * learned deadlines, now): the consistency rules over the families the states form, and
 * the stuck rule on each state. The collector's sweep calls this with the candidate
 * instances and their families; tests call it with folded scenarios.
 */
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import type { InstanceState } from '../instance/instance-state.ts';
import { parseDuration } from '@flowtrail/sdk/protocol';
import type { DefinitionRegistry } from '../definitions/registry.ts';
import { detectAllInconsistencies, type DetectionDefinition } from './consistency.ts';
import { familiesOf } from './family.ts';
import { findingId, type Finding } from './finding.ts';
import type { LearnedDeadlines } from './learned-deadlines.ts';
import { detectStuck } from './stuck.ts';

export interface DetectAllOptions {
  now: string;
  graceMs: number;
  /** The stuck rule's delivery grace (`StuckContext.deliveryGraceMs`); default: none. */
  stuckGraceMs?: number;
  registry: DefinitionRegistry;
  learned?: LearnedDeadlines;
  /** Events by instance key, when the caller has them (duplicate actions, conformance). */
  events?: ReadonlyMap<string, readonly FlowtrailEvent[]>;
}

/** The consistency rules' view of the latest definitions (expectation deadlines in ms). */
export function detectionDefinitions(registry: DefinitionRegistry): DetectionDefinition[] {
  return registry.latest().map((definition) => ({
    ...definition,
    ...(definition.expectations === undefined
      ? {}
      : {
          expectations: definition.expectations.map((e) => {
            const parsed = parseDuration(e.deadline);
            return { ...e, ...(parsed.ok ? { deadlineMs: parsed.ms } : {}) };
          }),
        }),
  }));
}

export function detectAll(states: readonly InstanceState[], options: DetectAllOptions): Finding[] {
  const consistency = detectAllInconsistencies(familiesOf(states), {
    now: options.now,
    graceMs: options.graceMs,
    definitions: detectionDefinitions(options.registry),
    ...(options.events !== undefined ? { events: options.events } : {}),
  });
  const stuck = [...states]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .flatMap((state) => {
      const definition = options.registry.forInstance(state);
      return detectStuck(state, {
        now: options.now,
        ...(options.stuckGraceMs === undefined ? {} : { deliveryGraceMs: options.stuckGraceMs }),
        ...(definition !== undefined ? { definition } : {}),
        ...(options.learned !== undefined ? { learned: options.learned } : {}),
      });
    });
  const byId = new Map<string, Finding>();
  for (const finding of [...consistency, ...stuck]) byId.set(findingId(finding), finding);
  return [...byId.values()];
}
