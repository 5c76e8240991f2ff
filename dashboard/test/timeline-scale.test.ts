/** The timeline's time → x with long idle stretches collapsed (lib/timeline-scale.ts). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COLLAPSED_W, minGapMs, timeScale } from '@/lib/timeline-scale';

const H = 3_600_000;
const D = 24 * H;

describe('timeScale', () => {
  it('collapses days of nothing between two busy stretches', () => {
    // Busy 0:00–0:30 on day 0 and 10:00–10:20 on day 3; nothing in between.
    const t0 = 0;
    const t1 = 3 * D + 10 * H + 20 * 60_000;
    const moments = [0, 10 * 60_000, 30 * 60_000, 3 * D + 10 * H, t1];
    const s = timeScale(t0, t1, moments, 100, 1000);
    expect(s.gaps).toHaveLength(1);
    expect(s.gaps[0]).toMatchObject({ startMs: 30 * 60_000, endMs: 3 * D + 10 * H });
    expect(s.x(t0)).toBe(100);
    expect(s.x(t1)).toBeCloseTo(1100);
    // The busy 50 minutes share the plot but the break: 30 / 50 of it, then the break.
    const busy = 1000 - COLLAPSED_W;
    expect(s.x(30 * 60_000)).toBeCloseTo(100 + busy * 0.6);
    expect(s.x(3 * D + 10 * H)).toBeCloseTo(100 + busy * 0.6 + COLLAPSED_W);
    expect(s.timeAt(100 + busy * 0.6 + COLLAPSED_W / 2)).toBe(30 * 60_000);
  });

  it('keeps a short timeline linear', () => {
    const s = timeScale(0, 30 * 60_000, [0, 2 * 60_000, 20 * 60_000], 0, 900);
    expect(s.gaps).toEqual([]);
    expect(s.x(10 * 60_000)).toBeCloseTo(300);
    expect(minGapMs(30 * 60_000)).toBe(H);
    expect(minGapMs(100 * D)).toBe(10 * D);
  });

  it('is monotonic, inside the plot, and inverts outside the breaks', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 30 * D }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 40 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 2, maxLength: 20 }),
        (span, fractions, probes) => {
          const moments = fractions.map((f) => Math.round(f * span));
          const s = timeScale(0, span, moments, 50, 1000);
          const times = probes.map((p) => Math.round(p * span)).sort((a, b) => a - b);
          let last = -Infinity;
          for (const t of times) {
            const px = s.x(t);
            expect(px).toBeGreaterThanOrEqual(last - 1e-9);
            expect(px).toBeGreaterThanOrEqual(50 - 1e-9);
            expect(px).toBeLessThanOrEqual(1050 + 1e-6);
            last = px;
            const inBreak = s.gaps.some((g) => t > g.startMs && t < g.endMs);
            if (!inBreak)
              expect(Math.abs(s.timeAt(px) - t)).toBeLessThanOrEqual(Math.max(2, span * 1e-9));
          }
          expect(s.x(span)).toBeCloseTo(1050, 6);
          expect(s.gaps.length * COLLAPSED_W).toBeLessThanOrEqual(500);
        },
      ),
    );
  });
});
