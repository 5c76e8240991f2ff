/** A DemoRunner whose three systems send to MemoryTransports, and helpers over them. */
import { MemoryTransport, type FlowtrailEvent } from '@flowtrail/sdk';
import { DemoRunner, type RunnerOptions } from '../../src/tools/demo/runner.ts';
import { SYSTEMS, type SystemName } from '../../src/tools/demo/plan.ts';

export const NOW = new Date('2025-03-04T15:00:00.000Z');

export interface MemoryRunner {
  runner: DemoRunner;
  transports: Record<SystemName, MemoryTransport>;
  /** Every event sent by any system, in send order per system. */
  events(): FlowtrailEvent[];
}

export function memoryRunner(
  faultRate: number,
  seed = 'test-seed',
  extra: Partial<RunnerOptions> = {},
): MemoryRunner {
  const transports = Object.fromEntries(SYSTEMS.map((s) => [s, new MemoryTransport()])) as Record<
    SystemName,
    MemoryTransport
  >;
  const runner = new DemoRunner({
    seed,
    runId: 'r1',
    target: 'memory',
    faultRate,
    transportFor: (system) => transports[system],
    ...extra,
  });
  return { runner, transports, events: () => SYSTEMS.flatMap((s) => transports[s].events) };
}
