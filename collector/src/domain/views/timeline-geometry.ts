/**
 * Pixel geometry of a timeline (jaeger-ui style: computed here, rendered by components).
 * Pure. x is linear in time over [timeline.start, timeline.end] → [0, widthPx]; an element
 * without an end (open bar, open wait, lost message) extends to `timeline.end` (= `now`
 * for open instances). A zero-length timeline maps every time to 0.
 */
import { instantOf } from '../instance/event-order.ts';
import type { Timeline } from './timeline-types.ts';

export interface Span {
  x: number;
  width: number;
}

export interface TimelinePixels {
  widthPx: number;
  bars: Span[];
  waits: Span[];
  gaps: Span[];
  /** x of the arrow's ends; a missing end (lost or orphan message) has no x. */
  arrows: { fromX?: number; toX?: number }[];
  markers: { x: number }[];
}

/** Time → x: linear, monotonic (non-decreasing; increasing when the timeline has length). */
export function timeScale(timeline: Pick<Timeline, 'start' | 'end'>, widthPx: number) {
  const start = instantOf(timeline.start);
  const length = instantOf(timeline.end) - start;
  return (time: string): number =>
    length <= 0 ? 0 : ((instantOf(time) - start) / length) * widthPx;
}

/** Same order as the timeline's arrays, element by element. */
export function toPixels(timeline: Timeline, widthPx: number): TimelinePixels {
  const x = timeScale(timeline, widthPx);
  const span = (start: string, end: string | undefined): Span => {
    const from = x(start);
    return { x: from, width: Math.max(0, x(end ?? timeline.end) - from) };
  };
  return {
    widthPx,
    bars: timeline.bars.map((b) => span(b.start, b.end)),
    waits: timeline.waits.map((w) => span(w.start, w.end)),
    gaps: timeline.gaps.map((g) => span(g.start, g.end)),
    arrows: timeline.arrows.map((a) => ({
      ...(a.from === undefined ? {} : { fromX: x(a.from.time) }),
      ...(a.to === undefined ? {} : { toX: x(a.to.time) }),
    })),
    markers: timeline.markers.map((m) => ({ x: x(m.time) })),
  };
}
