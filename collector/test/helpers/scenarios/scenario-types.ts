/** Types of the detection scenario (consistency-scenario.ts). */
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import type { Random } from '../../../src/tools/demo/random.ts';
import type { DetectionDefinition } from '../../../src/domain/detection/consistency-context.ts';
import type { FindingKind } from '../../../src/domain/detection/finding.ts';
import type { ScenarioWriter } from './scenario-writer.ts';

/** A finding the scenario's faults must produce: its kind and instance. */
export interface ExpectedFinding {
  kind: FindingKind;
  instanceKey: string;
  /** The injected fault it comes from (for messages). */
  fault: string;
}

/** What one story wrote: the instances it made and the findings they must give. */
export interface StoryResult {
  keys: string[];
  expected: ExpectedFinding[];
}

/** Writes one order's story; `n` makes its instance ids unique. */
export type Story = (w: ScenarioWriter, rnd: Random, n: string) => StoryResult;

export interface DetectionScenario {
  /** Every event, with re-deliveries of the same id, shuffled. Valid protocol v1 events. */
  events: FlowtrailEvent[];
  /** Exactly the (kind, instance) pairs detection must find at `now` (stuck included). */
  expected: ExpectedFinding[];
  /** Instances of healthy orders: no finding of any kind. */
  healthyKeys: string[];
  /** The instant to detect at (ISO). */
  now: string;
  /** The grace the scenario is built for (ms). */
  graceMs: number;
  /** Definitions of `order`, `payment` and `shipment` (steps and their order). */
  definitions: DetectionDefinition[];
  /** Clock skew of each system, ms. */
  skewMs: Record<string, number>;
}
