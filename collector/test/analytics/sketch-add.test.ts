/**
 * `addSketch` (domain/analytics/sketch.ts), both of its paths — a few pairs inserted one by
 * one, more merged in one pass: adding the sketch of some values gives the sketch of all
 * values, subtracting it again gives back exactly the sketch before, and the sketch
 * added is never changed nor shares its pairs with the target.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addSketch, sketchOf, type Sketch } from '../../src/domain/analytics/sketch.ts';

const valuesArb = fc.array(
  fc.oneof(fc.double({ min: -5, max: 1e11, noNaN: true }), fc.integer({ min: 0, max: 5000 })),
  { maxLength: 60 },
);

const copy = (sketch: Sketch): Sketch => structuredClone(sketch);

describe('addSketch', () => {
  it('adds and subtracts exactly, leaving the added sketch alone', () => {
    fc.assert(
      fc.property(valuesArb, valuesArb, (xs, ys) => {
        const a = sketchOf(xs);
        const b = sketchOf(ys);
        const bBefore = copy(b);
        const sum = copy(a);
        addSketch(sum, b);
        expect(sum).toStrictEqual(sketchOf([...xs, ...ys]));
        expect(b).toStrictEqual(bBefore);
        for (const pair of sum.buckets) expect(b.buckets.includes(pair)).toBe(false);
        addSketch(sum, b, -1);
        expect(sum).toStrictEqual(a);
        const twice = copy(a);
        addSketch(twice, b, 2);
        expect(twice).toStrictEqual(sketchOf([...xs, ...ys, ...ys]));
      }),
      { numRuns: 400 },
    );
  });
});
