/** Definitions of the detection scenario's processes: their steps and allowed order. */
import type { DetectionDefinition } from '../../../src/domain/detection/consistency-context.ts';

export const SCENARIO_DEFINITIONS: readonly DetectionDefinition[] = [
  {
    process: 'order',
    version: 1,
    start: ['validate-order'],
    steps: [
      { name: 'validate-order', next: ['reserve-stock'] },
      { name: 'reserve-stock', next: ['await-payment'] },
      { name: 'await-payment', next: ['ship-order'] },
      { name: 'ship-order', next: [] },
    ],
  },
  {
    process: 'payment',
    version: 1,
    start: ['authorize'],
    steps: [
      { name: 'authorize', next: ['capture'] },
      { name: 'capture', next: [] },
    ],
  },
  {
    process: 'shipment',
    version: 1,
    start: ['pick'],
    steps: [
      { name: 'pick', next: ['pack'] },
      { name: 'pack', next: ['hand-over'] },
      { name: 'hand-over', next: [] },
    ],
  },
];
