/**
 * The timeline chart's geometry (lib/timeline-layout.ts): time → x over the plot, open
 * bars and waits reaching the timeline's end, lanes stacked, items packed into rows that
 * do not overlap. Hand-made timelines in the API's shape (lib/types.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AXIS_H, LABEL_W, layoutTimeline, MIN_W, PAD, PLOT_W, ROW_H } from '@/lib/timeline-layout';
import type { Timeline, TimelineBar, TimelineWait } from '@/lib/types';

const t = (minute: number): string => new Date(Date.UTC(2024, 2, 1, 10, minute)).toISOString();

function bar(lane: string, start: number, end?: number): TimelineBar {
  return {
    lane,
    instanceKey: `${lane}/p/1`,
    step: `s${start}`,
    start: t(start),
    ...(end === undefined ? {} : { end: t(end) }),
    open: end === undefined,
    status: end === undefined ? 'running' : 'completed',
    attempt: 1,
  };
}

function wait(lane: string, start: number, end?: number): TimelineWait {
  return {
    lane,
    instanceKey: `${lane}/p/1`,
    step: `w${start}`,
    start: t(start),
    ...(end === undefined ? {} : { end: t(end) }),
  };
}

function timeline(
  start: number,
  end: number,
  lanes: string[],
  bars: TimelineBar[],
  waits: TimelineWait[] = [],
): Timeline {
  return {
    rootKey: `${lanes[0] ?? 'none'}/p/1`,
    start: t(start),
    end: t(end),
    instances: [],
    lanes: lanes.map((system) => ({ system, instances: [`${system}/p/1`] })),
    bars,
    waits,
    gaps: [],
    arrows: [],
    links: [],
    markers: [],
  };
}

// Two systems over 30 minutes, the shape of the collector's timeline test
// (collector/test/views/timeline.test.ts): a completed step, a retried one in the
// other system, and an open step that is waiting.
const shopAndPay = timeline(
  0,
  30,
  ['shop', 'pay'],
  [bar('shop', 0, 2), bar('pay', 6, 7), bar('pay', 8, 9), bar('shop', 20)],
  [wait('shop', 21)],
);

describe('layoutTimeline', () => {
  const layout = layoutTimeline(shopAndPay);

  it('maps the timeline linearly onto the plot, right of the labels', () => {
    expect(layout.x(t(0))).toBe(LABEL_W);
    expect(layout.x(t(30))).toBe(LABEL_W + PLOT_W);
    expect(layout.x(t(3))).toBeCloseTo(LABEL_W + PLOT_W / 10);
    expect(layout.ticks).toEqual([0, 6, 12, 18, 24, 30].map((m) => Date.parse(t(m))));
  });

  it('draws a bar from its start to its end and an open bar or wait to the timeline end', () => {
    const [shop, pay] = layout.lanes;
    expect(shop?.items.map((i) => [i.kind, i.index, i.start, i.end])).toEqual([
      ['bar', 0, LABEL_W, LABEL_W + PLOT_W / 15 + 2],
      ['bar', 3, LABEL_W + (PLOT_W * 2) / 3, LABEL_W + PLOT_W + 2],
      ['wait', 0, LABEL_W + PLOT_W * 0.7, LABEL_W + PLOT_W + 2],
    ]);
    expect(pay?.items.map((i) => i.index)).toEqual([1, 2]);
  });

  it('gives overlapping items of a lane their own rows and reuses a row that is free', () => {
    const [shop, pay] = layout.lanes;
    // The open bar and its wait overlap; the first bar ended long before.
    expect(shop?.items.map((i) => i.row)).toEqual([0, 0, 1]);
    expect(pay?.items.map((i) => i.row)).toEqual([0, 0]);
  });

  it('stacks the lanes below the axis, each as high as its rows', () => {
    const [shop, pay] = layout.lanes;
    expect(shop).toMatchObject({ top: AXIS_H, height: 2 * ROW_H + 2 * PAD });
    expect(pay).toMatchObject({ top: AXIS_H + 2 * ROW_H + 2 * PAD, height: ROW_H + 2 * PAD });
    expect(pay?.mid).toBe((pay?.top ?? 0) + (pay?.height ?? 0) / 2);
    expect(layout.laneOf.get('pay')).toBe(pay);
    expect(layout.totalH).toBe((pay?.top ?? 0) + (pay?.height ?? 0) + 4);
  });

  it('draws a lane without items one row high, and never a bar narrower than MIN_W', () => {
    const empty = layoutTimeline(timeline(0, 30, ['shop', 'idle'], [bar('shop', 5, 5)]));
    expect(empty.lanes[1]).toMatchObject({ items: [], height: ROW_H + 2 * PAD });
    const [only] = empty.lanes[0]?.items ?? [];
    expect((only?.end ?? 0) - (only?.start ?? 0)).toBe(MIN_W + 2);
  });

  it('gives a timeline without length one second, so no x is NaN', () => {
    const instant = layoutTimeline(timeline(0, 0, ['shop'], [bar('shop', 0, 0)]));
    expect(instant.t1 - instant.t0).toBe(1000);
    expect(instant.x(t(0))).toBe(LABEL_W);
    expect(instant.lanes[0]?.items[0]?.start).toBe(LABEL_W);
  });
});

describe('layoutTimeline properties', () => {
  const LANES = ['shop', 'pay', 'ship'];
  const MINUTES = 120;
  const item = fc
    .record({
      lane: fc.constantFrom(...LANES),
      start: fc.nat({ max: MINUTES }),
      length: fc.option(fc.nat({ max: MINUTES }), { nil: undefined }),
    })
    .map(({ lane, start, length }) => ({
      lane,
      start,
      end: length === undefined ? undefined : Math.min(MINUTES, start + length),
    }));
  const arbTimeline = fc
    .record({ bars: fc.array(item, { maxLength: 20 }), waits: fc.array(item, { maxLength: 8 }) })
    .map(({ bars, waits }) =>
      timeline(
        0,
        MINUTES,
        LANES,
        bars.map((b) => bar(b.lane, b.start, b.end)),
        waits.map((w) => wait(w.lane, w.start, w.end)),
      ),
    );

  it('places every bar and wait once, in its lane, inside the plot, rows not overlapping', () => {
    fc.assert(
      fc.property(arbTimeline, (tl) => {
        const layout = layoutTimeline(tl);
        const placed = layout.lanes.flatMap((l) => l.items.map((i) => `${i.kind}${i.index}`));
        expect(placed.sort()).toEqual(
          [...tl.bars.map((_, i) => `bar${i}`), ...tl.waits.map((_, i) => `wait${i}`)].sort(),
        );
        for (const lane of layout.lanes) {
          for (const it of lane.items) {
            const source = it.kind === 'bar' ? tl.bars[it.index] : tl.waits[it.index];
            expect(source?.lane).toBe(lane.lane.system);
            expect(it.start).toBeGreaterThanOrEqual(LABEL_W);
            expect(it.start).toBeLessThanOrEqual(LABEL_W + PLOT_W);
            expect(it.end).toBeGreaterThanOrEqual(it.start + MIN_W);
            expect(it.end).toBeLessThanOrEqual(LABEL_W + PLOT_W + MIN_W + 2);
          }
          const rows = new Map<number, { start: number; end: number }[]>();
          for (const it of lane.items) rows.set(it.row, [...(rows.get(it.row) ?? []), it]);
          for (const row of rows.values()) {
            const sorted = row.sort((a, b) => a.start - b.start);
            for (let i = 1; i < sorted.length; i += 1) {
              expect(sorted[i]!.start).toBeGreaterThanOrEqual(sorted[i - 1]!.end);
            }
          }
        }
      }),
    );
  });

  it('maps a later time to a larger x', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.nat({ max: 10_000 }),
        fc.nat({ max: 10_000 }),
        (length, a, b) => {
          const { x } = layoutTimeline(timeline(0, length, ['shop'], []));
          if (a < b) expect(x(t(a))).toBeLessThan(x(t(b)));
          if (a === b) expect(x(t(a))).toBe(x(t(b)));
        },
      ),
    );
  });
});
