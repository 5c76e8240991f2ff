/**
 * Time → x for the timeline chart, with long idle stretches collapsed: an instance that
 * ran for days mostly waits, and a linear axis would squeeze every step into slivers
 * between long empty spans. A stretch between two consecutive moments something happened
 * (a bar or wait starting or ending, a message sent or received, an alert marker) that is
 * longer than `minGapMs(span)` — an hour, or a tenth of the whole span if more — is drawn
 * `COLLAPSED_W` pixels wide, with a break on the axis; the rest of the plot is linear over
 * the remaining time. Bars that span a collapsed stretch are drawn across it. Pure.
 */
export const COLLAPSED_W = 28;

/** The shortest idle stretch that collapses, for a timeline of `spanMs`. */
export const minGapMs = (spanMs: number): number => Math.max(3_600_000, spanMs / 10);

export interface CollapsedGap {
  startMs: number;
  endMs: number;
  /** Where it is drawn: from `x0` to `x0 + COLLAPSED_W`. */
  x0: number;
}

export interface TimeScale {
  x: (ms: number) => number;
  /** The time at an x (inside a collapsed stretch: its start). */
  timeAt: (px: number) => number;
  gaps: CollapsedGap[];
}

/**
 * The scale of [t0, t1] (t1 > t0) onto [left, left + width], given the moments something
 * happened (any order; outside [t0, t1] ignored).
 */
export function timeScale(
  t0: number,
  t1: number,
  moments: readonly number[],
  left: number,
  width: number,
): TimeScale {
  const points = [...new Set([t0, t1, ...moments.filter((m) => m >= t0 && m <= t1)])].sort(
    (a, b) => a - b,
  );
  const threshold = minGapMs(t1 - t0);
  const idle: { startMs: number; endMs: number }[] = [];
  for (let i = 1; i < points.length; i++) {
    const [a, b] = [points[i - 1] as number, points[i] as number];
    if (b - a > threshold) idle.push({ startMs: a, endMs: b });
  }
  // Never let the breaks take more than half of the plot, and keep some time to draw: a
  // timeline that is nothing but idle (two moments far apart) stays linear.
  let collapsed = idle.slice(0, Math.floor(width / 2 / COLLAPSED_W));
  let idleMs = collapsed.reduce((sum, g) => sum + (g.endMs - g.startMs), 0);
  if (t1 - t0 - idleMs < (t1 - t0) / 100) {
    collapsed = [];
    idleMs = 0;
  }
  const perMs = (width - collapsed.length * COLLAPSED_W) / Math.max(1, t1 - t0 - idleMs);
  const gaps: CollapsedGap[] = [];
  let offset = left;
  let from = t0;
  for (const g of collapsed) {
    offset += (g.startMs - from) * perMs;
    gaps.push({ ...g, x0: offset });
    offset += COLLAPSED_W;
    from = g.endMs;
  }
  const x = (ms: number): number => {
    let px = left;
    let at = t0;
    for (const g of gaps) {
      if (ms <= g.startMs) break;
      if (ms < g.endMs) return g.x0 + ((ms - g.startMs) / (g.endMs - g.startMs)) * COLLAPSED_W;
      px = g.x0 + COLLAPSED_W;
      at = g.endMs;
    }
    return px + (ms - at) * perMs;
  };
  const timeAt = (px: number): number => {
    let base = left;
    let at = t0;
    for (const g of gaps) {
      if (px < g.x0) break;
      if (px < g.x0 + COLLAPSED_W) return g.startMs;
      base = g.x0 + COLLAPSED_W;
      at = g.endMs;
    }
    return at + (px - base) / perMs;
  };
  return { x, timeAt, gaps };
}
