/**
 * Hand-made events for the heat map and export route tests (SQLite and Elasticsearch),
 * and the heat maps they must give. Process `process`: instances i-1 and i-2 from `shop`
 * (steps check → ship, i-1 waits 50 s inside check), i-4 from `billing` (one invoice
 * step on the next day); i-3 belongs to another process. 2026-11-22 is a Sunday.
 */
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import type { Heatmap } from '../../src/domain/views/heatmap.ts';
import { makeEvent } from '../helpers/events.ts';

export const OTHER_PROCESS_SUFFIX = '-other';

export function analysisEvents(prefix: string, process: string): FlowtrailEvent[] {
  let n = 0;
  const event = (
    instance: string,
    type: string,
    time: string,
    step?: string,
    extra: { source?: string; process?: string; data?: Record<string, unknown> } = {},
  ): FlowtrailEvent =>
    makeEvent({
      id: `${prefix}-${(n += 1)}`,
      type: `flowtrail.${type}`,
      instance,
      process: extra.process ?? process,
      source: extra.source ?? 'shop',
      time: `2026-11-${time}Z`,
      ...(step === undefined ? {} : { step }),
      ...(extra.data === undefined ? {} : { data: extra.data }),
    });
  const billing = { source: 'billing' };
  const other = { process: `${process}${OTHER_PROCESS_SUFFIX}` };
  return [
    event('i-1', 'process.started', '22T09:00:00', undefined, {
      data: { businessKeys: { orderId: 'A-1' } },
    }),
    event('i-1', 'step.started', '22T09:00:00', 'check'),
    event('i-1', 'step.waiting', '22T09:00:10', 'check', { data: { for: 'approval' } }),
    event('i-1', 'step.completed', '22T09:01:00', 'check'),
    event('i-1', 'step.started', '22T10:30:00', 'ship'),
    event('i-1', 'step.completed', '22T10:32:00', 'ship'),
    event('i-1', 'process.completed', '22T10:32:00'),
    event('i-2', 'process.started', '22T09:20:00'),
    event('i-2', 'step.started', '22T09:20:00', 'check'),
    event('i-2', 'step.completed', '22T09:20:30', 'check'),
    event('i-2', 'step.started', '22T23:30:00', 'ship'),
    event('i-2', 'step.completed', '22T23:31:00', 'ship'),
    event('i-3', 'step.started', '22T05:00:00', 'check', other),
    event('i-3', 'step.completed', '22T05:10:00', 'check', other),
    event('i-4', 'step.started', '23T12:00:00', 'invoice', billing),
    event('i-4', 'step.completed', '23T12:00:05', 'invoice', billing),
  ];
}

const bottlenecks: Heatmap['bottlenecks'] = [
  { step: 'ship', count: 2, totalMs: 180_000, medianMs: 90_000, p95Ms: 117_000 },
  { step: 'check', count: 2, totalMs: 90_000, medianMs: 45_000, p95Ms: 58_500 },
  { step: 'invoice', count: 1, totalMs: 5_000, medianMs: 5_000, p95Ms: 5_000 },
];

const cell = (step: string, bucket: number, ms: number) => ({
  step,
  bucket,
  count: 1,
  medianMs: ms,
  p95Ms: ms,
  medianWaitingMs: 0,
});
const checkCell = (bucket: number) => ({
  step: 'check',
  bucket,
  count: 2,
  medianMs: 45_000,
  p95Ms: 58_500,
  medianWaitingMs: 25_000,
});
const hours = Array.from({ length: 24 }, (_, i) => i);
const days = Array.from({ length: 7 }, (_, i) => i);
const steps = ['check', 'ship', 'invoice'];

/** The heat maps of `process`, computed by hand. */
export const expectedHeatmaps: Record<string, Heatmap> = {
  hour: {
    dimension: 'hour',
    steps,
    buckets: hours,
    cells: [
      checkCell(9),
      cell('ship', 10, 120_000),
      cell('ship', 23, 60_000),
      cell('invoice', 12, 5_000),
    ],
    bottlenecks,
  },
  'hour tz=60': {
    dimension: 'hour',
    steps,
    buckets: hours,
    cells: [
      checkCell(10),
      cell('ship', 0, 60_000),
      cell('ship', 11, 120_000),
      cell('invoice', 13, 5_000),
    ],
    bottlenecks,
  },
  weekday: {
    dimension: 'weekday',
    steps,
    buckets: days,
    cells: [
      checkCell(6),
      { step: 'ship', bucket: 6, count: 2, medianMs: 90_000, p95Ms: 117_000, medianWaitingMs: 0 },
      cell('invoice', 0, 5_000),
    ],
    bottlenecks,
  },
  'weekday tz=60': {
    dimension: 'weekday',
    steps,
    buckets: days,
    cells: [
      checkCell(6),
      cell('ship', 0, 60_000),
      cell('ship', 6, 120_000),
      cell('invoice', 0, 5_000),
    ],
    bottlenecks,
  },
};
