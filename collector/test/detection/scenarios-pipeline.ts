/** The pure detection pipeline over raw events, as the collector will run it. */
import { instanceKeyOf, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { foldInstance } from '../../src/domain/instance/fold.ts';
import type { InstanceState } from '../../src/domain/instance/instance-state.ts';
import { detectAllInconsistencies } from '../../src/domain/detection/consistency.ts';
import type { DetectionDefinition } from '../../src/domain/detection/consistency.ts';
import { familiesOf } from '../../src/domain/detection/family.ts';
import type { Finding } from '../../src/domain/detection/finding.ts';
import { detectStuck } from '../../src/domain/detection/stuck.ts';

export function groupByInstance(events: readonly FlowtrailEvent[]): Map<string, FlowtrailEvent[]> {
  const groups = new Map<string, FlowtrailEvent[]>();
  for (const event of events) {
    const key = instanceKeyOf(event);
    groups.set(key, [...(groups.get(key) ?? []), event]);
  }
  return groups;
}

export interface PipelineOptions {
  now: string;
  graceMs?: number;
  definitions?: readonly DetectionDefinition[];
}

/** Events → fold per instance → families → consistency rules + stuck. */
export function detectAll(events: readonly FlowtrailEvent[], options: PipelineOptions): Finding[] {
  const groups = groupByInstance(events);
  const states: InstanceState[] = [...groups.values()].map((group) => foldInstance(group));
  const consistency = detectAllInconsistencies(familiesOf(states), { ...options, events: groups });
  const stuck = states
    .sort((a, b) => (a.key < b.key ? -1 : 1))
    .flatMap((state) => detectStuck(state, { now: options.now }));
  return [...consistency, ...stuck];
}

/** `kind instanceKey` pairs, sorted and unique. */
export function pairs(items: readonly { kind: string; instanceKey: string }[]): string[] {
  return [...new Set(items.map((item) => `${item.kind} ${item.instanceKey}`))].sort();
}
