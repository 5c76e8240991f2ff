import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/shared/retry/backoff.ts';

const bounds = { minMs: 100, maxMs: 5_000 };

describe('backoffDelay', () => {
  it('doubles the window per attempt, with the delay in [window/2, window]', () => {
    expect(backoffDelay(1, bounds, () => 0)).toBe(50);
    expect(backoffDelay(1, bounds, () => 1)).toBe(100);
    expect(backoffDelay(2, bounds, () => 1)).toBe(200);
    expect(backoffDelay(4, bounds, () => 0)).toBe(400);
  });

  it('is capped at maxMs, even for huge attempt numbers', () => {
    expect(backoffDelay(10, bounds, () => 1)).toBe(5_000);
    expect(backoffDelay(10_000, bounds, () => 1)).toBe(5_000);
    expect(backoffDelay(10_000, bounds, () => 0)).toBe(2_500);
  });

  it('stays within bounds for random jitter', () => {
    for (let attempt = 1; attempt < 20; attempt++) {
      const delay = backoffDelay(attempt, bounds);
      expect(delay).toBeGreaterThanOrEqual(25);
      expect(delay).toBeLessThanOrEqual(5_000);
    }
  });
});
