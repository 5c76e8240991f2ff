/**
 * Properties of step samples and heat maps: independent of event order and re-delivery,
 * every attempt counted once — also one seen only by its end (a complete-only log's first
 * event), which counts in the hour it ended, with no duration — both over samples and
 * over the pre-aggregated buckets the product reads.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EventTypes, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { bucketOf, percentile, stepHeatmap } from '../../src/domain/views/heatmap.ts';
import { aggregatedHeatmap } from '../../src/domain/views/aggregated-heatmap.ts';
import { contributionOf } from '../../src/domain/analytics/analytics-contribution.ts';
import { deltaBuckets } from '../../src/domain/analytics/analytics-delta.ts';
import { stepSamples } from '../../src/domain/instance/step-samples.ts';
import { INSTANCE, PROCESS, SOURCE } from './event-builders.ts';
import { historyArb, redeliveredArb, timeArb } from './history-arbitrary.ts';

const bucketsOf = (events: readonly FlowtrailEvent[]) => deltaBuckets(contributionOf(events).delta);

/** A step no history of historyArb has, seen only by its completion. */
const ONLY_COMPLETED = 'confirm-receipt';
const completedOnly = (time: string): FlowtrailEvent => ({
  specversion: '1.0',
  id: 'only-completed',
  source: SOURCE,
  type: EventTypes.stepCompleted,
  time,
  ftprocess: PROCESS,
  ftinstance: INSTANCE,
  ftstep: ONLY_COMPLETED,
  data: {},
});

describe('step samples and heat maps', () => {
  it('any permutation and re-delivery of the events gives the same samples and heat map', () => {
    const arb = historyArb.chain((events) => fc.tuple(fc.constant(events), redeliveredArb(events)));
    fc.assert(
      fc.property(arb, ([events, redelivered]) => {
        expect(stepSamples(redelivered)).toStrictEqual(stepSamples(events));
        for (const dimension of ['hour', 'weekday'] as const) {
          expect(stepHeatmap(stepSamples(redelivered), { dimension })).toStrictEqual(
            stepHeatmap(stepSamples(events), { dimension }),
          );
        }
      }),
      { numRuns: 200 },
    );
  });

  it('one sample per step.started, and cell counts add up to every attempt', () => {
    fc.assert(
      fc.property(historyArb, (events) => {
        const samples = stepSamples(events);
        const ids = new Set(
          events.filter((e) => e.type === EventTypes.stepStarted).map((e) => e.id),
        );
        expect(samples.filter((s) => s.startedAt !== undefined)).toHaveLength(ids.size);
        // Started attempts and those that only ended: each counted once, on both paths.
        const maps = [
          stepHeatmap(samples, { dimension: 'hour' }),
          aggregatedHeatmap(bucketsOf(events), { dimension: 'hour' }),
        ];
        for (const map of maps) {
          expect(map.cells.reduce((sum, c) => sum + c.count, 0)).toBe(samples.length);
          expect(map.bottlenecks.reduce((sum, r) => sum + r.count, 0)).toBe(samples.length);
          expect([...map.steps].sort()).toEqual([...new Set(samples.map((s) => s.step))].sort());
        }
      }),
      { numRuns: 200 },
    );
  });

  it('a step seen only by its completion is counted, in its hour, without a duration', () => {
    const arb = fc.tuple(historyArb, timeArb).chain(([history, time]) => {
      const events = [...history, completedOnly(time)];
      return fc.tuple(fc.constant(events), redeliveredArb(events), fc.constant(time));
    });
    fc.assert(
      fc.property(arb, ([events, redelivered, time]) => {
        for (const dimension of ['hour', 'weekday'] as const) {
          const map = aggregatedHeatmap(bucketsOf(redelivered), { dimension });
          // Any order, any copies: the same heat map as one delivery in order.
          expect(map).toStrictEqual(aggregatedHeatmap(bucketsOf(events), { dimension }));
          expect(map.steps).toContain(ONLY_COMPLETED);
          const cells = map.cells.filter((c) => c.step === ONLY_COMPLETED);
          expect(cells).toStrictEqual([
            { step: ONLY_COMPLETED, bucket: bucketOf(time, { dimension }), count: 1 },
          ]);
          expect(map.bottlenecks.find((r) => r.step === ONLY_COMPLETED)).toStrictEqual({
            step: ONLY_COMPLETED,
            count: 1,
            totalMs: 0,
          });
          const samples = stepHeatmap(stepSamples(redelivered), { dimension });
          expect(samples.cells.filter((c) => c.step === ONLY_COMPLETED)).toStrictEqual(cells);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('percentile: linear interpolation like numpy, bounded by min and max', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([10, 20, 30, 40, 50], 95)).toBeCloseTo(48);
    expect(percentile([], 50)).toBeUndefined();
    fc.assert(
      fc.property(
        fc.array(fc.integer(), { minLength: 1 }),
        fc.integer({ min: 0, max: 100 }),
        (xs, p) => {
          const sorted = [...xs].sort((a, b) => a - b);
          const value = percentile(sorted, p) as number;
          expect(value).toBeGreaterThanOrEqual(sorted[0] as number);
          expect(value).toBeLessThanOrEqual(sorted[sorted.length - 1] as number);
        },
      ),
    );
  });

  it('pairs start, wait and end of one attempt', () => {
    const base = {
      specversion: '1.0' as const,
      source: 's',
      ftprocess: 'p',
      ftinstance: 'i',
      ftstep: 'pay',
      data: {},
    };
    const samples = stepSamples([
      { ...base, id: '3', type: EventTypes.stepCompleted, time: '2026-01-05T10:10:00Z' },
      {
        ...base,
        id: '1',
        type: EventTypes.stepStarted,
        time: '2026-01-05T10:00:00Z',
        ftowner: 'team-a',
      },
      { ...base, id: '2', type: EventTypes.stepWaiting, time: '2026-01-05T10:01:00Z' },
    ]);
    expect(samples).toEqual([
      {
        process: 'p',
        step: 'pay',
        startedAt: '2026-01-05T10:00:00Z',
        endedAt: '2026-01-05T10:10:00Z',
        outcome: 'completed',
        durationMs: 600_000,
        waitingMs: 540_000,
        owner: 'team-a',
      },
    ]);
    const map = stepHeatmap(samples, { dimension: 'weekday' });
    expect(map.cells).toEqual([
      {
        step: 'pay',
        bucket: 0,
        count: 1,
        medianMs: 600_000,
        p95Ms: 600_000,
        medianWaitingMs: 540_000,
      },
    ]);
  });
});
