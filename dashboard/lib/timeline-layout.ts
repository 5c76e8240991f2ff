/**
 * The timeline chart's geometry: time → x over the plot, the lanes stacked from the top,
 * and each lane's bars and waits packed into as few rows as do not overlap. Pure; the
 * collector computes the timeline, this only scales it to the SVG's coordinates.
 */
import type { Timeline } from '@/lib/types';
import { timeScale, type CollapsedGap } from '@/lib/timeline-scale';

export const LABEL_W = 150;
export const PLOT_W = 1000;
export const ROW_H = 24;
export const PAD = 10;
export const AXIS_H = 26;
/** The narrowest bar or wait drawn. */
export const MIN_W = 3;

export interface Item {
  kind: 'bar' | 'wait';
  start: number;
  end: number;
  row: number;
  index: number;
}

export interface LaneLayout {
  lane: Timeline['lanes'][number];
  items: Item[];
  top: number;
  height: number;
  mid: number;
}

export interface TimelineLayout {
  t0: number;
  t1: number;
  /** Time → x in the SVG (long idle stretches collapsed: timeline-scale.ts). */
  x: (iso: string) => number;
  /** The collapsed idle stretches, for the axis to mark. */
  collapsed: CollapsedGap[];
  lanes: LaneLayout[];
  laneOf: Map<string, LaneLayout>;
  totalH: number;
  ticks: number[];
}

/** The props of each layer the chart draws over the lanes. */
export interface TimelineLayerProps {
  timeline: Timeline;
  layout: TimelineLayout;
}

function pack(items: Omit<Item, 'row'>[]): Item[] {
  const rowsEnd: number[] = [];
  return items
    .slice()
    .sort((a, b) => a.start - b.start || a.end - b.end)
    .map((it) => {
      let row = rowsEnd.findIndex((end) => end <= it.start);
      if (row === -1) {
        row = rowsEnd.length;
        rowsEnd.push(it.end);
      } else rowsEnd[row] = it.end;
      return { ...it, row };
    });
}

export function layoutTimeline(timeline: Timeline): TimelineLayout {
  const t0 = Date.parse(timeline.start);
  const t1 = Math.max(Date.parse(timeline.end), t0 + 1000);
  const moments: number[] = [];
  for (const s of [...timeline.bars, ...timeline.waits]) {
    moments.push(Date.parse(s.start));
    if (s.end !== undefined) moments.push(Date.parse(s.end));
  }
  for (const a of timeline.arrows) {
    if (a.from) moments.push(Date.parse(a.from.time));
    if (a.to) moments.push(Date.parse(a.to.time));
  }
  for (const m of timeline.markers) moments.push(Date.parse(m.time));
  const scale = timeScale(t0, t1, moments, LABEL_W, PLOT_W);
  const x = (iso: string) => scale.x(Date.parse(iso));
  const endIso = new Date(t1).toISOString();

  let y = AXIS_H;
  const lanes = timeline.lanes.map((lane) => {
    const items = pack([
      ...timeline.bars.flatMap((b, index) =>
        b.lane === lane.system
          ? [
              {
                kind: 'bar' as const,
                index,
                start: x(b.start),
                end: Math.max(x(b.end ?? endIso), x(b.start) + MIN_W) + 2,
              },
            ]
          : [],
      ),
      ...timeline.waits.flatMap((w, index) =>
        w.lane === lane.system
          ? [
              {
                kind: 'wait' as const,
                index,
                start: x(w.start),
                end: Math.max(x(w.end ?? endIso), x(w.start) + MIN_W) + 2,
              },
            ]
          : [],
      ),
    ]);
    const rows = Math.max(1, ...items.map((i) => i.row + 1));
    const top = y;
    const height = rows * ROW_H + 2 * PAD;
    y += height;
    return { lane, items, top, height, mid: top + height / 2 };
  });
  const laneOf = new Map(lanes.map((l) => [l.lane.system, l]));
  const totalH = y + 4;
  // Six ticks evenly over the plot (a tick that falls in a break shows the break's start).
  const ticks = [
    ...new Set(Array.from({ length: 6 }, (_, i) => scale.timeAt(LABEL_W + (PLOT_W * i) / 5))),
  ];
  return { t0, t1, x, collapsed: scale.gaps, lanes, laneOf, totalH, ticks };
}
