/**
 * `SketchSum` (domain/analytics/sketch.ts), the dense sum the heat map and the process
 * graph merge hour buckets with: for any sketches, in any order, it gives exactly the
 * sketch `addSketch` into an empty one gives (same pairs, counts, zero).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addSketch, emptySketch, sketchOf, SketchSum } from '../../src/domain/analytics/sketch.ts';

const valuesArb = fc.array(
  fc.oneof(fc.double({ min: -5, max: 1e11, noNaN: true }), fc.integer({ min: 0, max: 5000 })),
  { maxLength: 40 },
);

describe('SketchSum', () => {
  it('equals addSketch of the same sketches', () => {
    fc.assert(
      fc.property(fc.array(valuesArb, { maxLength: 12 }), (lists) => {
        const sketches = lists.map((values) => sketchOf(values));
        const sum = new SketchSum();
        const want = emptySketch();
        for (const sketch of sketches) {
          sum.add(sketch);
          addSketch(want, sketch);
        }
        expect(sum.sketch()).toStrictEqual(want);
      }),
      { numRuns: 300 },
    );
  });

  it('an empty sum is the empty sketch', () => {
    expect(new SketchSum().sketch()).toStrictEqual(emptySketch());
  });
});
