import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EventTypes } from '@flowtrail/sdk/protocol';
import { percentile, stepHeatmap } from '../../src/domain/views/heatmap.ts';
import { stepSamples } from '../../src/domain/instance/step-samples.ts';
import { historyArb, redeliveredArb } from './history-arbitrary.ts';

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

  it('one sample per step.started, and cell counts add up to the started samples', () => {
    fc.assert(
      fc.property(historyArb, (events) => {
        const samples = stepSamples(events);
        const ids = new Set(
          events.filter((e) => e.type === EventTypes.stepStarted).map((e) => e.id),
        );
        expect(samples.filter((s) => s.startedAt !== undefined)).toHaveLength(ids.size);
        const map = stepHeatmap(samples, { dimension: 'hour' });
        const cellTotal = map.cells.reduce((sum, c) => sum + c.count, 0);
        expect(cellTotal).toBe(ids.size);
        expect(map.bottlenecks.reduce((sum, r) => sum + r.count, 0)).toBe(ids.size);
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
