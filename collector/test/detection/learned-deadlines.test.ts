import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StepSample } from '../../src/domain/instance/step-samples.ts';
import {
  emptyLearnedStats,
  learnedDeadlines,
  learnedKey,
  learnedStatsOf,
  mergeLearnedStats,
  percentileRank,
  RELATIVE_ACCURACY,
  sketchOf,
  sketchPercentile,
  type LearnedStats,
} from '../../src/domain/detection/learned-deadlines.ts';

const sample = (
  step: string,
  durationMs: number | undefined,
  waitingMs = 0,
  outcome: StepSample['outcome'] = 'completed',
  process = 'payment',
): StepSample => ({
  process,
  step,
  outcome,
  waitingMs,
  ...(durationMs === undefined ? {} : { durationMs }),
});

const sampleArb: fc.Arbitrary<StepSample> = fc
  .record({
    process: fc.constantFrom('payment', 'shipment'),
    step: fc.constantFrom('authorize', 'capture', 'pick'),
    outcome: fc.constantFrom('completed', 'completed', 'failed', 'open'),
    durationMs: fc.option(fc.nat({ max: 10_000_000 }), { nil: undefined }),
    waitingMs: fc.oneof(fc.constant(0), fc.nat({ max: 5_000_000 })),
  })
  .map(({ durationMs, ...rest }) => ({
    ...rest,
    ...(durationMs === undefined ? {} : { durationMs }),
  }));

const statsArb: fc.Arbitrary<LearnedStats> = fc
  .array(sampleArb, { maxLength: 30 })
  .map(learnedStatsOf);

describe('the percentile sketch', () => {
  it('estimates any percentile within the relative accuracy of the exact sample at its rank', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.nat({ max: 3 }), fc.double({ min: 0, max: 3e10, noNaN: true })), {
          minLength: 1,
          maxLength: 300,
        }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (values, p) => {
          const sorted = [...values].sort((a, b) => a - b);
          const exact = sorted[percentileRank(p, sorted.length)] as number;
          const estimate = sketchPercentile(sketchOf(values), p) as number;
          if (exact < 1) expect(estimate).toBe(0);
          else
            expect(Math.abs(estimate - exact)).toBeLessThanOrEqual(
              exact * RELATIVE_ACCURACY * (1 + 1e-9),
            );
          // …and so it lies within that error of the interpolated percentile's neighbours.
          const rank = (p / 100) * (sorted.length - 1);
          const low = sorted[Math.floor(rank)] as number;
          const high = sorted[Math.ceil(rank)] as number;
          expect(estimate).toBeGreaterThanOrEqual(
            low < 1 ? 0 : low * (1 - RELATIVE_ACCURACY) * (1 - 1e-9),
          );
          expect(estimate).toBeLessThanOrEqual(
            Math.max(high, 1) * (1 + RELATIVE_ACCURACY) * (1 + 1e-9),
          );
        },
      ),
    );
  });

  it('has a size bounded by the value range, not the sample count', () => {
    const values = Array.from({ length: 100_000 }, (_, i) => 1 + ((i * 7919) % 86_400_000));
    expect(sketchOf(values).buckets.length).toBeLessThan(1_000);
    expect(sketchPercentile(sketchOf([]), 99)).toBeUndefined();
  });
});

describe('LearnedStats merging', () => {
  it('is commutative and associative, with the empty stats as identity', () => {
    fc.assert(
      fc.property(statsArb, statsArb, statsArb, (a, b, c) => {
        expect(mergeLearnedStats(a, b)).toEqual(mergeLearnedStats(b, a));
        expect(mergeLearnedStats(mergeLearnedStats(a, b), c)).toEqual(
          mergeLearnedStats(a, mergeLearnedStats(b, c)),
        );
        expect(mergeLearnedStats(a, emptyLearnedStats())).toEqual(a);
      }),
    );
  });

  it('does not depend on how samples are split into batches or ordered', () => {
    fc.assert(
      fc.property(
        fc.array(sampleArb, { maxLength: 40 }).chain((samples) =>
          fc.tuple(
            fc.constant(samples),
            fc.shuffledSubarray(samples, {
              minLength: samples.length,
              maxLength: samples.length,
            }),
            fc.nat({ max: samples.length }),
          ),
        ),
        ([samples, shuffled, cut]) => {
          const batched = mergeLearnedStats(
            learnedStatsOf(shuffled.slice(0, cut)),
            learnedStatsOf(shuffled.slice(cut)),
          );
          expect(batched).toEqual(learnedStatsOf(samples));
        },
      ),
    );
  });

  it('survives a JSON round trip (it is stored as a document)', () => {
    fc.assert(
      fc.property(statsArb, (stats) => {
        expect(JSON.parse(JSON.stringify(stats))).toEqual(stats);
      }),
    );
  });
});

describe('learnedDeadlines', () => {
  const minutes = (n: number) => n * 60_000;

  it('learns the p99 of completed durations and waits once there are enough samples', () => {
    const samples = [
      ...Array.from({ length: 100 }, (_, i) =>
        sample('capture', minutes(1 + i / 10), i < 50 ? minutes(2) : 0),
      ),
      sample('capture', minutes(500), 0, 'failed'),
      sample('capture', undefined, 0, 'open'),
    ];
    const learned = learnedDeadlines(learnedStatsOf(samples)).get(learnedKey('payment', 'capture'));
    expect(learned).toMatchObject({ durationSamples: 100, waitSamples: 50 });
    expect(learned?.deadlineMs).toBeGreaterThanOrEqual(minutes(10.9) * (1 - RELATIVE_ACCURACY));
    expect(learned?.deadlineMs).toBeLessThanOrEqual(minutes(10.9) * (1 + RELATIVE_ACCURACY) + 1);
    expect(learned?.waitDeadlineMs).toBeGreaterThanOrEqual(minutes(2) * (1 - RELATIVE_ACCURACY));
    expect(learned?.waitDeadlineMs).toBeLessThanOrEqual(minutes(2) * (1 + RELATIVE_ACCURACY) + 1);
  });

  it('applies the factor and the percentile option', () => {
    const samples = Array.from({ length: 40 }, (_, i) => sample('pick', minutes(i + 1)));
    const stats = learnedStatsOf(samples);
    const median = learnedDeadlines(stats, { percentile: 50 }).get(learnedKey('payment', 'pick'));
    const doubled = learnedDeadlines(stats, { percentile: 50, factor: 2 }).get(
      learnedKey('payment', 'pick'),
    );
    expect(median?.deadlineMs).toBeGreaterThan(minutes(20) * 0.98);
    expect(median?.deadlineMs).toBeLessThan(minutes(21) * 1.02);
    // Both are rounded up to whole ms: doubling differs from twice the median by < 2 ms.
    expect(
      Math.abs((doubled?.deadlineMs as number) - 2 * (median?.deadlineMs as number)),
    ).toBeLessThan(2);
  });

  it('respects the minimum number of samples and the floor (properties)', () => {
    fc.assert(
      fc.property(
        fc.array(sampleArb, { maxLength: 60 }),
        fc.integer({ min: 1, max: 30 }),
        fc.nat({ max: 600_000 }),
        fc.double({ min: 0.5, max: 3, noNaN: true }),
        (samples, minSamples, floorMs, factor) => {
          const stats = learnedStatsOf(samples);
          const learned = learnedDeadlines(stats, { minSamples, floorMs, factor });
          for (const entry of stats.steps) {
            const got = learned.get(learnedKey(entry.process, entry.step));
            const enoughDurations = entry.duration.count >= minSamples;
            const enoughWaits = entry.waiting.count >= minSamples;
            expect(got?.deadlineMs !== undefined).toBe(enoughDurations);
            expect(got?.waitDeadlineMs !== undefined).toBe(enoughWaits);
            if (got?.deadlineMs !== undefined)
              expect(got.deadlineMs).toBeGreaterThanOrEqual(floorMs);
            if (got?.waitDeadlineMs !== undefined)
              expect(got.waitDeadlineMs).toBeGreaterThanOrEqual(floorMs);
          }
          for (const got of learned.values()) {
            expect(got.deadlineMs !== undefined || got.waitDeadlineMs !== undefined).toBe(true);
          }
        },
      ),
    );
  });

  it('uses the defaults: p99, factor 1, floor 60 s, 20 samples', () => {
    const fast = Array.from({ length: 19 }, () => sample('authorize', 1_000));
    const stats = learnedStatsOf(fast);
    expect(learnedDeadlines(stats).size).toBe(0);
    const enough = learnedStatsOf([...fast, sample('authorize', 1_000)]);
    expect(learnedDeadlines(enough).get(learnedKey('payment', 'authorize'))).toEqual({
      process: 'payment',
      step: 'authorize',
      deadlineMs: 60_000,
      durationSamples: 20,
      waitSamples: 0,
    });
  });

  it('keeps processes apart', () => {
    const samples = [
      ...Array.from({ length: 20 }, () => sample('pick', minutes(5), 0, 'completed', 'shipment')),
      ...Array.from({ length: 20 }, () => sample('pick', minutes(50), 0, 'completed', 'returns')),
    ];
    const learned = learnedDeadlines(learnedStatsOf(samples));
    expect(learned.get(learnedKey('shipment', 'pick'))?.deadlineMs).toBeLessThan(minutes(6));
    expect(learned.get(learnedKey('returns', 'pick'))?.deadlineMs).toBeGreaterThan(minutes(49));
  });
});
