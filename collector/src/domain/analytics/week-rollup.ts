/**
 * One process's hour buckets folded onto the 168 hours of a week, kept current as single
 * buckets change: what the heat map and the process graph read, so a read merges at most
 * 168 buckets however many hours (and events) the process holds.
 *
 * Why this is exact for both views:
 * - the heat map's cell of an hour depends only on the hour modulo 168 (hour of day and
 *   weekday under a fixed UTC offset: `heatBucketOfHour` in views/aggregated-heatmap.ts),
 *   so summing every hour ≡ s (mod 168) into slot s, and giving the slot the
 *   representative hour s, puts each count in the cell its hour would have;
 * - the graph sums every bucket whatever its hour (views/process-graph.ts);
 * - buckets add and subtract exactly (`addBucket`: integer counts, sums of integer
 *   milliseconds, sketches of counts), so replacing a bucket is "subtract the old one,
 *   add the new one" and the slot equals the sum of its hours at any time.
 * The one thing a slot loses is the real hour, which the heat map orders its steps by
 * (the first hour each step started in): `firstHours` keeps it.
 *
 * Holds its own sums: the buckets handed in are never changed. What `view()` hands out is
 * a snapshot: a slot or the first hours handed out are copied before the next change
 * (copy on write), so a reader that holds a view across other work never sees it move.
 * The caller must not change it. Pure.
 */
import { addBucket, emptyBucket, isEmptyBucket, type AnalyticsBucket } from './analytics-bucket.ts';

export const WEEK_HOURS = 168;

/** The slot (and representative hour) of an hour since the epoch. */
export const weekSlotOf = (hour: number): number => ((hour % WEEK_HOURS) + WEEK_HOURS) % WEEK_HOURS;

/** What the views read: the non-empty slots and the first hour of every started step. */
export interface WeekView {
  /** By slot; each bucket's `hour` is its slot (0…167). */
  slots: readonly AnalyticsBucket[];
  /** Step → the first real hour (since the epoch) it had a started attempt in. */
  firstHours: ReadonlyMap<string, number>;
  /** Instances counted (the sum of the buckets' `graph.instances`). */
  instances: number;
}

export class WeekRollup {
  private readonly slots = new Map<number, AnalyticsBucket>();
  /** The hour buckets as handed in (for `firstHours` when a step's first hour empties). */
  private readonly hours = new Map<number, AnalyticsBucket>();
  private firstHours = new Map<string, number>();
  private instances = 0;
  /** Slots and first hours handed out by `view()` since they last changed. */
  private readonly shared = new Set<number>();
  private firstHoursShared = false;

  constructor(private readonly process: string) {}

  /** The rollup of some buckets of one process (any order; one per hour). */
  static of(process: string, buckets: Iterable<AnalyticsBucket>): WeekRollup {
    const rollup = new WeekRollup(process);
    for (const bucket of buckets) rollup.set(bucket.hour, bucket);
    return rollup;
  }

  /** Replaces the bucket of `hour` by `bucket` (undefined: the hour has none any more). */
  set(hour: number, bucket: AnalyticsBucket | undefined): void {
    const old = this.hours.get(hour);
    if (old === bucket) return;
    const slot = weekSlotOf(hour);
    const kept = this.slots.get(slot);
    const sum =
      kept === undefined
        ? emptyBucket(this.process, slot)
        : this.shared.delete(slot)
          ? structuredClone(kept)
          : kept;
    if (old !== undefined) {
      addBucket(sum, old, -1);
      this.instances -= old.graph.instances;
    }
    if (bucket !== undefined) {
      addBucket(sum, bucket);
      this.instances += bucket.graph.instances;
      this.hours.set(hour, bucket);
    } else {
      this.hours.delete(hour);
    }
    if (isEmptyBucket(sum)) this.slots.delete(slot);
    else this.slots.set(slot, sum);
    this.updateFirstHours(hour, old, bucket);
  }

  view(): WeekView {
    for (const slot of this.slots.keys()) this.shared.add(slot);
    this.firstHoursShared = true;
    return {
      slots: [...this.slots.values()],
      firstHours: this.firstHours,
      instances: this.instances,
    };
  }

  private updateFirstHours(
    hour: number,
    old: AnalyticsBucket | undefined,
    bucket: AnalyticsBucket | undefined,
  ): void {
    let lost = false;
    if (old !== undefined) {
      for (const [step, cell] of Object.entries(old.steps)) {
        if (cell.count > 0 && this.firstHours.get(step) === hour && !startedIn(bucket, step))
          lost = true;
      }
    }
    if (lost) {
      this.firstHours = firstHoursOf(this.hours.values());
      this.firstHoursShared = false;
      return;
    }
    if (bucket === undefined) return;
    for (const [step, cell] of Object.entries(bucket.steps)) {
      if (cell.count <= 0) continue;
      const seen = this.firstHours.get(step);
      if (seen !== undefined && hour >= seen) continue;
      if (this.firstHoursShared) {
        this.firstHours = new Map(this.firstHours);
        this.firstHoursShared = false;
      }
      this.firstHours.set(step, hour);
    }
  }
}

const startedIn = (bucket: AnalyticsBucket | undefined, step: string): boolean =>
  (bucket?.steps[step]?.count ?? 0) > 0;

/** Step → the first hour with a started attempt, over some buckets. */
export function firstHoursOf(buckets: Iterable<AnalyticsBucket>): Map<string, number> {
  const first = new Map<string, number>();
  for (const bucket of buckets) {
    for (const [step, cell] of Object.entries(bucket.steps)) {
      if (cell.count <= 0) continue;
      const seen = first.get(step);
      if (seen === undefined || bucket.hour < seen) first.set(step, bucket.hour);
    }
  }
  return first;
}
