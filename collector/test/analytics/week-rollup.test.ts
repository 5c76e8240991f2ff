/**
 * The week rollup (domain/analytics/week-rollup.ts) gives exactly the heat map and the
 * graph of the hour buckets it folds, for any UTC offset and both dimensions, and stays
 * exact as buckets are replaced and removed in any order — the property the stores rely
 * on when they keep it current batch by batch instead of re-folding every hour.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import {
  addBucket,
  emptyBucket,
  type AnalyticsBucket,
} from '../../src/domain/analytics/analytics-bucket.ts';
import { sumBuckets } from '../../src/domain/analytics/bucket-sum.ts';
import { contributionOf } from '../../src/domain/analytics/analytics-contribution.ts';
import { deltaBuckets } from '../../src/domain/analytics/analytics-delta.ts';
import {
  WeekRollup,
  weekSlotOf,
  WEEK_HOURS,
  type WeekView,
} from '../../src/domain/analytics/week-rollup.ts';
import { aggregatedHeatmap, offsetHoursOf } from '../../src/domain/views/aggregated-heatmap.ts';
import { aggregatedGraph } from '../../src/domain/views/process-graph.ts';
import { historyArb } from '../instance/history-arbitrary.ts';

const PROCESS = 'order';

/**
 * Hour buckets of several instances' histories, each history's buckets moved to a random
 * hour over five weeks, so that several hours share a week slot; one bucket per hour.
 */
const hourBucketsArb: fc.Arbitrary<AnalyticsBucket[]> = fc
  .array(
    fc.record({
      history: historyArb,
      hour: fc.integer({ min: 0, max: 5 * WEEK_HOURS }),
    }),
    { minLength: 1, maxLength: 6 },
  )
  .map((parts) => {
    const byHour = new Map<number, AnalyticsBucket>();
    for (const { history, hour } of parts) {
      const events: FlowtrailEvent[] = history;
      for (const bucket of deltaBuckets(contributionOf(events).delta)) {
        const at = 400_000 + hour + (bucket.hour % 3);
        const sum = byHour.get(at) ?? emptyBucket(PROCESS, at);
        addBucket(sum, { ...bucket, process: PROCESS, hour: at });
        byHour.set(at, sum);
      }
    }
    return [...byHour.values()];
  });

const offsetArb = fc.constantFrom(0, 60, -300, 330, 840, -720);

/** The views of a week view equal those of `buckets`: from its slots and from its sums. */
function expectViewOf(view: WeekView, buckets: readonly AnalyticsBucket[], offset: number) {
  for (const dimension of ['hour', 'weekday'] as const) {
    const options = { dimension, utcOffsetMinutes: offset };
    const expected = aggregatedHeatmap(buckets, options);
    expect(aggregatedHeatmap(view.slots, options, view.firstHours)).toEqual(expected);
    const sums = view.heatBuckets(dimension, offsetHoursOf(options));
    expect(sums.length).toBeLessThanOrEqual(dimension === 'hour' ? 24 : 7);
    expect(aggregatedHeatmap(sums, options, view.firstHours)).toEqual(expected);
  }
  expect(view.total.length).toBeLessThanOrEqual(1);
  for (const mode of ['auto', 'interval', 'complete'] as const) {
    const expected = aggregatedGraph(buckets, PROCESS, { mode });
    expect(aggregatedGraph(view.slots, PROCESS, { mode })).toEqual(expected);
    expect(aggregatedGraph(view.total, PROCESS, { mode })).toEqual(expected);
  }
}

function expectSameViews(rollup: WeekRollup, buckets: readonly AnalyticsBucket[], offset: number) {
  const view = rollup.view();
  expectViewOf(view, buckets, offset);
  expect(view.instances).toBe(buckets.reduce((sum, b) => sum + b.graph.instances, 0));
  expect(view.slots.length).toBeLessThanOrEqual(WEEK_HOURS);
  for (const slot of view.slots) expect(slot.hour).toBe(weekSlotOf(slot.hour));
}

describe('sumBuckets', () => {
  it('equals addBucket of each into an empty bucket, steps only or all, inputs unchanged', () => {
    fc.assert(
      fc.property(hourBucketsArb, (buckets) => {
        const copy = structuredClone(buckets);
        const all = emptyBucket(PROCESS, 7);
        for (const bucket of buckets) addBucket(all, bucket);
        const sum = sumBuckets(PROCESS, 7, buckets);
        expect(sum).toEqual(all);
        const steps = sumBuckets(PROCESS, 7, buckets, 'steps');
        expect(steps).toEqual({ ...emptyBucket(PROCESS, 7), steps: all.steps });
        // The sum owns its sketches: changing it leaves the inputs as they were.
        addBucket(sum, sum);
        addBucket(steps, steps);
        expect(buckets).toEqual(copy);
      }),
      { numRuns: 150 },
    );
  });
});

describe('week rollup', () => {
  it('gives the heat map and graph of the hour buckets it folds', () => {
    fc.assert(
      fc.property(hourBucketsArb, offsetArb, (buckets, offset) => {
        expectSameViews(WeekRollup.of(PROCESS, buckets), buckets, offset);
      }),
      { numRuns: 150 },
    );
  });

  it('stays exact as buckets are replaced and removed, in any order', () => {
    fc.assert(
      fc.property(
        hourBucketsArb,
        hourBucketsArb,
        offsetArb,
        fc.integer({ min: 0, max: 1_000 }),
        (before, after, offset, seed) => {
          const rollup = WeekRollup.of(PROCESS, before);
          const next = new Map(after.map((b) => [b.hour, b]));
          const hours = [...new Set([...before.map((b) => b.hour), ...next.keys()])];
          // A deterministic shuffle of the hours to change, from the seed.
          hours.sort((a, b) => ((a * 7919 + seed) % 1009) - ((b * 7919 + seed) % 1009) || a - b);
          for (const hour of hours) rollup.set(hour, next.get(hour));
          expectSameViews(rollup, after, offset);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('does not change the buckets handed in', () => {
    fc.assert(
      fc.property(hourBucketsArb, (buckets) => {
        const copy = structuredClone(buckets);
        const rollup = WeekRollup.of(PROCESS, buckets);
        for (const bucket of buckets) rollup.set(bucket.hour, undefined);
        expect(buckets).toEqual(copy);
        expect(rollup.view().slots).toEqual([]);
        expect(rollup.view().instances).toBe(0);
        expect(rollup.view().firstHours.size).toBe(0);
      }),
      { numRuns: 50 },
    );
  });

  it('hands out snapshots: a view does not move when buckets change afterwards', () => {
    fc.assert(
      fc.property(hourBucketsArb, hourBucketsArb, (before, after) => {
        const rollup = WeekRollup.of(PROCESS, before);
        const view = rollup.view();
        const copy = structuredClone({ slots: view.slots, firstHours: view.firstHours });
        for (const bucket of before) rollup.set(bucket.hour, undefined);
        for (const bucket of after) rollup.set(bucket.hour, bucket);
        expect({ slots: view.slots, firstHours: view.firstHours }).toEqual(copy);
        expectSameViews(rollup, after, 0);
      }),
      { numRuns: 50 },
    );
  });

  it('hands out snapshots of its sums too, also those a view builds after changes', () => {
    fc.assert(
      fc.property(hourBucketsArb, hourBucketsArb, offsetArb, offsetArb, (before, after, o1, o2) => {
        const rollup = WeekRollup.of(PROCESS, before);
        // A weekday offset read before the changes: its sums are kept current from then on.
        rollup.view().heatBuckets('weekday', Math.floor(o1 / 60));
        const held = rollup.view();
        for (const bucket of before) rollup.set(bucket.hour, undefined);
        for (const bucket of after) rollup.set(bucket.hour, bucket);
        // o2 is first read after the changes: built from the held view's slots, not adopted.
        expectViewOf(held, before, o2);
        expectViewOf(held, before, o1);
        expectSameViews(rollup, after, o1);
        expectSameViews(rollup, after, o2);
      }),
      { numRuns: 60 },
    );
  });
});
