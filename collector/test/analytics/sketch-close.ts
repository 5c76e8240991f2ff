/**
 * Compares an answer computed from sketches with one computed exactly: every number
 * under a `median…Ms` / `p95…Ms` key within the sketches' 1 % relative bound
 * (domain/analytics/sketch.ts), everything else (counts, totals, means, names) equal.
 */
import { expect } from 'vitest';
import { RELATIVE_ACCURACY } from '../../src/domain/analytics/sketch.ts';

const ESTIMATED = /^(median|p95)[A-Za-z]*Ms$/;

function compare(actual: unknown, expected: unknown, path: string, key: string): void {
  if (typeof expected === 'number' && ESTIMATED.test(key)) {
    expect(typeof actual, path).toBe('number');
    expect(Math.abs((actual as number) - expected), path).toBeLessThanOrEqual(
      RELATIVE_ACCURACY * Math.abs(expected) + 1e-6,
    );
    return;
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), path).toBe(true);
    expect((actual as unknown[]).length, `${path}.length`).toBe(expected.length);
    expected.forEach((item, i) => compare((actual as unknown[])[i], item, `${path}[${i}]`, key));
    return;
  }
  if (typeof expected === 'object' && expected !== null) {
    expect(typeof actual === 'object' && actual !== null, path).toBe(true);
    const got = actual as Record<string, unknown>;
    expect(Object.keys(got).sort(), path).toEqual(Object.keys(expected).sort());
    for (const [name, value] of Object.entries(expected)) {
      compare(got[name], value, `${path}.${name}`, name);
    }
    return;
  }
  expect(actual, path).toEqual(expected);
}

/** `actual` equals `expected` up to the sketches' error on estimated percentiles. */
export function expectSketchClose(actual: unknown, expected: unknown): void {
  compare(actual, expected, '$', '');
}

/** One estimated percentile within the sketches' 1 % relative bound of the exact one. */
export function expectWithinSketch(actual: number | undefined, expected: number, label = ''): void {
  compare(actual, expected, label, 'medianMs');
}
