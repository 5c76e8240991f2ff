/**
 * A mergeable quantile sketch (DDSketch with fixed, log-spaced buckets and no collapsing):
 * bucket i holds values in (γ^(i-1), γ^i], γ = (1+α)/(1-α), and stands for 2γ^i/(γ+1),
 * which is within a relative error α = 1 % of every value in it. Values under 1 ms count
 * in `zero`. Size follows the value range (≈1,200 buckets for 1 ms … 1 year), never the
 * number of values. Plain JSON, pure.
 *
 * Counts are exact integers, so sketches add AND subtract exactly (`addSketch` with a
 * weight of -1 takes back what was added): the pre-aggregated analytics rely on that to
 * replace an instance's old contribution by its new one (analytics-contribution.ts).
 *
 * Two percentile estimates:
 * - `sketchPercentile` (rank-based, the upper neighbour): within α of the sample at that
 *   rank, so a learned deadline errs long (learned-deadlines.ts);
 * - `sketchQuantile` (linear interpolation between the two closest ranks, numpy's
 *   default, like `percentile` in views/heatmap.ts): a convex combination of two values
 *   each within α, so within α = 1 % of the exact interpolated percentile.
 */

/** Relative accuracy of every percentile estimate. */
export const RELATIVE_ACCURACY = 0.01;
const GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);
const MIN_VALUE_MS = 1;

/** A mergeable histogram: `buckets` are [index, count] pairs sorted by index. */
export interface Sketch {
  count: number;
  /** Values below 1 ms. */
  zero: number;
  buckets: [number, number][];
}

export const emptySketch = (): Sketch => ({ count: 0, zero: 0, buckets: [] });

export function bucketIndex(valueMs: number): number {
  return Math.ceil(Math.log(valueMs) / LOG_GAMMA);
}

/** The value a bucket stands for: within α of every value in it. */
export function bucketValue(index: number): number {
  return (2 * GAMMA ** index) / (GAMMA + 1);
}

/** Adds `weight` (may be negative) to the bucket of `index`, in place; drops empty buckets. */
function addToBucket(buckets: [number, number][], index: number, weight: number): void {
  let lo = 0;
  let hi = buckets.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((buckets[mid] as [number, number])[0] < index) lo = mid + 1;
    else hi = mid;
  }
  const found = buckets[lo];
  if (found !== undefined && found[0] === index) {
    found[1] += weight;
    if (found[1] === 0) buckets.splice(lo, 1);
  } else if (weight !== 0) {
    buckets.splice(lo, 0, [index, weight]);
  }
}

/** Counts one value (ms; below 1 ms, negative or NaN as 0) `weight` times, in place. */
export function addValue(sketch: Sketch, valueMs: number, weight = 1): void {
  sketch.count += weight;
  if (!(valueMs >= MIN_VALUE_MS)) sketch.zero += weight;
  else addToBucket(sketch.buckets, bucketIndex(valueMs), weight);
}

/** Below this many pairs in `other`, `addSketch` inserts them one by one. */
const MERGE_FROM_PAIRS = 8;

/**
 * Adds `weight` × `other` into `target`, in place (weight -1 subtracts exactly). A few
 * pairs (an instance's change) are inserted one by one; more (a bucket into a sum of
 * buckets) are merged in one linear pass into a new pairs array, instead of a search and
 * an array splice per pair. `target`'s pairs may be changed; `other`'s never are, and
 * never end up shared with `target`.
 */
export function addSketch(target: Sketch, other: Sketch, weight = 1): void {
  target.count += weight * other.count;
  target.zero += weight * other.zero;
  const theirs = other.buckets;
  if (theirs.length < MERGE_FROM_PAIRS) {
    for (const [index, count] of theirs) addToBucket(target.buckets, index, weight * count);
    return;
  }
  const ours = target.buckets;
  const merged: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < ours.length && j < theirs.length) {
    const mine = ours[i] as [number, number];
    const [index, count] = theirs[j] as [number, number];
    if (mine[0] < index) {
      merged.push(mine);
      i++;
    } else if (index < mine[0]) {
      if (count !== 0) merged.push([index, weight * count]);
      j++;
    } else {
      mine[1] += weight * count;
      if (mine[1] !== 0) merged.push(mine);
      i++;
      j++;
    }
  }
  for (; i < ours.length; i++) merged.push(ours[i] as [number, number]);
  for (; j < theirs.length; j++) {
    const [index, count] = theirs[j] as [number, number];
    if (count !== 0) merged.push([index, weight * count]);
  }
  target.buckets = merged;
}

export function mergeSketches(a: Sketch, b: Sketch): Sketch {
  const merged: Sketch = {
    count: a.count,
    zero: a.zero,
    buckets: a.buckets.map(([i, n]) => [i, n]),
  };
  addSketch(merged, b);
  return merged;
}

/** A sketch of some values (ms; negative values count as 0). */
export function sketchOf(values: readonly number[]): Sketch {
  const counts = new Map<number, number>();
  let zero = 0;
  for (const value of values) {
    if (!(value >= MIN_VALUE_MS)) zero += 1;
    else {
      const index = bucketIndex(value);
      counts.set(index, (counts.get(index) ?? 0) + 1);
    }
  }
  const buckets = [...counts.entries()].sort((x, y) => x[0] - y[0]);
  return { count: values.length, zero, buckets };
}

export const isEmptySketch = (sketch: Sketch): boolean =>
  sketch.count === 0 && sketch.zero === 0 && sketch.buckets.length === 0;

/** The estimate of the value at 0-based `rank` of the sorted values (0 ≤ rank < count). */
function valueAtRank(sketch: Sketch, rank: number): number {
  if (rank < sketch.zero) return 0;
  let seen = sketch.zero;
  for (const [index, count] of sketch.buckets) {
    seen += count;
    if (rank < seen) return bucketValue(index);
  }
  const last = sketch.buckets.at(-1);
  return last === undefined ? 0 : bucketValue(last[0]);
}

/**
 * Index (0-based, into the sorted values) whose value estimates the p-th percentile:
 * the upper neighbour of the linear-interpolation rank, so a deadline errs long.
 */
export function percentileRank(p: number, count: number): number {
  return Math.min(count - 1, Math.max(0, Math.ceil((p / 100) * (count - 1) - 1e-9)));
}

/** The p-th percentile estimate, within α of the sample at `percentileRank`. */
export function sketchPercentile(sketch: Sketch, p: number): number | undefined {
  if (sketch.count <= 0) return undefined;
  return valueAtRank(sketch, percentileRank(p, sketch.count));
}

/**
 * The p-th percentile by linear interpolation between the closest ranks (numpy's
 * default), within α relative of the exact one; undefined for an empty sketch.
 */
export function sketchQuantile(sketch: Sketch, p: number): number | undefined {
  if (sketch.count <= 0) return undefined;
  const rank = (p / 100) * (sketch.count - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = valueAtRank(sketch, lo);
  const b = hi === lo ? a : valueAtRank(sketch, hi);
  return a + (b - a) * (rank - lo);
}

/**
 * The sum of many sketches (a heat-map cell or a graph edge over hundreds of hour
 * buckets): counts in a dense array by bucket index, so each `[index, count]` pair adds
 * in constant time instead of a search and a sorted insert (`addSketch`), which was most
 * of the cost of a heat map once its buckets grow to hundreds of pairs each. `sketch()`
 * is exactly the sketch `addSketch` of the same sketches into an empty one gives. A sum of
 * one sketch (a cell the store already summed: week-rollup.ts) is that sketch, not copied.
 */
export class SketchSum {
  private count = 0;
  private zero = 0;
  /** counts[i] belongs to bucket index `offset + i`. */
  private counts = new Float64Array(0);
  private offset = 0;
  /** The one sketch added so far (none, or several: undefined). */
  private only: Sketch | undefined;
  private added = 0;

  add(sketch: Sketch): void {
    this.added += 1;
    if (this.added === 1) {
      this.only = sketch;
      return;
    }
    if (this.only !== undefined) {
      const first = this.only;
      this.only = undefined;
      this.addPairs(first);
    }
    this.addPairs(sketch);
  }

  /** The sum; when one sketch was added, that sketch itself (the caller must not change it). */
  sketch(): Sketch {
    if (this.only !== undefined) return this.only;
    const buckets: [number, number][] = [];
    const counts = this.counts;
    for (let i = 0; i < counts.length; i++) {
      const count = counts[i] as number;
      if (count !== 0) buckets.push([i + this.offset, count]);
    }
    return { count: this.count, zero: this.zero, buckets };
  }

  /** The sum as a sketch of its own (never one of those added): one the caller may change. */
  ownSketch(): Sketch {
    const only = this.only;
    if (only === undefined) return this.sketch();
    return { count: only.count, zero: only.zero, buckets: only.buckets.map(([i, n]) => [i, n]) };
  }

  private addPairs(sketch: Sketch): void {
    this.count += sketch.count;
    this.zero += sketch.zero;
    const pairs = sketch.buckets;
    if (pairs.length === 0) return;
    const first = (pairs[0] as [number, number])[0];
    const last = (pairs[pairs.length - 1] as [number, number])[0];
    this.cover(first, last);
    const counts = this.counts;
    const offset = this.offset;
    for (const [index, count] of pairs) {
      const at = index - offset;
      counts[at] = (counts[at] as number) + count;
    }
  }

  /** Grows the array to hold indexes `from`…`to` (sorted sketches: first and last pair). */
  private cover(from: number, to: number): void {
    const length = this.counts.length;
    if (length > 0 && from >= this.offset && to < this.offset + length) return;
    const low = length === 0 ? from : Math.min(from, this.offset);
    const high = length === 0 ? to : Math.max(to, this.offset + length - 1);
    // Some headroom, so a few new extremes do not copy the array each time.
    const start = low - 16;
    const grown = new Float64Array(high - start + 17);
    if (length > 0) grown.set(this.counts, this.offset - start);
    this.counts = grown;
    this.offset = start;
  }
}
