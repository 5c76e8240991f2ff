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
 * (the first hour each step was counted in): `firstHours` keeps it.
 *
 * Besides the slots it keeps the sums the views read, so that a read merges a bounded
 * number of buckets whatever the history (the heat map's ≤ 24 or ≤ 7 cells per step
 * instead of 168 slots; the graph's one bucket):
 * - `total`: every slot summed (the graph, which ignores hours);
 * - the steps of the slots summed by hour of day (slot mod 24): under a whole-hour UTC
 *   offset o the cell of hour-of-day sum h is (h + o) mod 24, so one set of 24 sums serves
 *   every offset;
 * - the steps summed by weekday, per offset modulo 24 that a reader asked for: the seven
 *   groups of 24 consecutive slots begin where (slot + o) ≡ 0 (mod 24), so they depend on
 *   o mod 24 only (a whole-day shift relabels them). Built at the first read of that
 *   offset, then kept current like the others.
 * Each sum is kept under a representative hour whose heat-map cell under the reader's
 * offset is the sum's own (`heatBucketOfHour` in views/aggregated-heatmap.ts), so the views
 * take them like hour buckets, and the answer is the same as from the slots.
 *
 * Holds its own sums: the buckets handed in are never changed. What `view()` hands out is
 * a snapshot: sums and first hours handed out are copied before their next change (copy
 * on write, copy-on-write-sums.ts), so a reader that holds a view across other work never
 * sees it move. The caller must not change it. Pure.
 */
import { addBucket, addSteps, emptyBucket, type AnalyticsBucket } from './analytics-bucket.ts';
import { sumBuckets } from './bucket-sum.ts';
import { CopyOnWriteSums } from './copy-on-write-sums.ts';

export const WEEK_HOURS = 168;

/** The slot (and representative hour) of an hour since the epoch. */
export const weekSlotOf = (hour: number): number => ((hour % WEEK_HOURS) + WEEK_HOURS) % WEEK_HOURS;

const mod = (n: number, m: number): number => ((n % m) + m) % m;

/** The weekday group (0…6) of a slot under an offset of `shift` = offset mod 24 hours. */
const weekdayGroupOf = (slot: number, shift: number): number =>
  Math.floor(mod(slot + shift, WEEK_HOURS) / 24);

/** A slot in weekday group `group` under `shift`: the group's representative hour. */
const weekdayHourOf = (group: number, shift: number): number => mod(24 * group - shift, WEEK_HOURS);

/** What the views read: the sums of the slots, and the first hour of every counted step. */
export interface WeekView {
  /** By slot; each bucket's `hour` is its slot (0…167). */
  slots: readonly AnalyticsBucket[];
  /** Every slot summed into one bucket (hour 0; none when the rollup is empty). */
  total: readonly AnalyticsBucket[];
  /**
   * The slots' steps summed per heat-map cell under a whole-hour UTC offset: ≤ 24 (hour of
   * day) or ≤ 7 (weekday) buckets, each under an hour whose cell is its own.
   */
  heatBuckets(dimension: 'hour' | 'weekday', offsetHours: number): readonly AnalyticsBucket[];
  /** Step → the first real hour (since the epoch) it had a counted attempt in. */
  firstHours: ReadonlyMap<string, number>;
  /** Instances counted (the sum of the buckets' `graph.instances`). */
  instances: number;
}

/** The sums of the slots that the views read. */
interface DerivedSums {
  total: CopyOnWriteSums<0>;
  byHourOfDay: CopyOnWriteSums<number>;
  /** offset mod 24 → weekday group → steps summed (only the offsets read so far). */
  byWeekday: Map<number, CopyOnWriteSums<number>>;
}

export class WeekRollup {
  private readonly slots: CopyOnWriteSums<number>;
  private readonly derived: DerivedSums;
  /** The hour buckets as handed in (for `firstHours` when a step's first hour empties). */
  private readonly hours = new Map<number, AnalyticsBucket>();
  private firstHours = new Map<string, number>();
  private firstHoursShared = false;
  private instances = 0;
  /** Counts the changes: a weekday sum a reader built is adopted only if none came since. */
  private version = 0;

  /** An empty rollup, or one of summed slots (`of`). */
  constructor(
    private readonly process: string,
    slots?: ReadonlyMap<number, AnalyticsBucket>,
  ) {
    const empty = (slot: number) => emptyBucket(process, slot);
    this.slots = CopyOnWriteSums.of(empty, addBucket, slots ?? []);
    this.derived = this.derive([...(slots?.values() ?? [])]);
  }

  /** The rollup of some buckets of one process (any order; one per hour). */
  static of(process: string, buckets: Iterable<AnalyticsBucket>): WeekRollup {
    const hours = new Map<number, AnalyticsBucket>();
    const bySlot = new Map<number, AnalyticsBucket[]>();
    for (const bucket of buckets) {
      hours.set(bucket.hour, bucket);
      const slot = weekSlotOf(bucket.hour);
      const list = bySlot.get(slot) ?? [];
      list.push(bucket);
      bySlot.set(slot, list);
    }
    // Summed in one pass per slot (bucket-sum.ts), not merged hour by hour.
    const slots = new Map<number, AnalyticsBucket>();
    for (const [slot, list] of bySlot) slots.set(slot, sumBuckets(process, slot, list));
    const rollup = new WeekRollup(process, slots);
    for (const [hour, bucket] of hours) {
      rollup.hours.set(hour, bucket);
      rollup.instances += bucket.graph.instances;
    }
    rollup.firstHours = firstHoursOf(hours.values());
    return rollup;
  }

  /** Replaces the bucket of `hour` by `bucket` (undefined: the hour has none any more). */
  set(hour: number, bucket: AnalyticsBucket | undefined): void {
    const old = this.hours.get(hour);
    if (old === bucket) return;
    this.version += 1;
    if (old !== undefined) {
      this.addToSums(weekSlotOf(hour), old, -1);
      this.instances -= old.graph.instances;
    }
    if (bucket !== undefined) {
      this.addToSums(weekSlotOf(hour), bucket, 1);
      this.instances += bucket.graph.instances;
      this.hours.set(hour, bucket);
    } else {
      this.hours.delete(hour);
    }
    this.updateFirstHours(hour, old, bucket);
  }

  view(): WeekView {
    const slots = this.slots.handOut();
    const derived = this.derived;
    const total = derived.total.handOut();
    const byHourOfDay = derived.byHourOfDay.handOut();
    const byWeekday = new Map(
      [...derived.byWeekday].map(([shift, sums]) => [shift, sums.handOut()]),
    );
    const version = this.version;
    this.firstHoursShared = true;
    return {
      slots,
      total,
      heatBuckets: (dimension, offsetHours) => {
        if (dimension === 'hour') return byHourOfDay;
        const shift = mod(offsetHours, 24);
        let sums = byWeekday.get(shift);
        if (sums === undefined) {
          const built = weekdaySums(this.process, slots, shift);
          sums = built.handOut();
          byWeekday.set(shift, sums);
          // Built from this view's slots: current only if nothing changed since.
          if (this.version === version) derived.byWeekday.set(shift, built);
        }
        return sums;
      },
      firstHours: this.firstHours,
      instances: this.instances,
    };
  }

  private addToSums(slot: number, bucket: AnalyticsBucket, weight: number): void {
    this.slots.addTo(slot, bucket, weight);
    const derived = this.derived;
    derived.total.addTo(0, bucket, weight);
    derived.byHourOfDay.addTo(slot % 24, bucket, weight);
    for (const [shift, sums] of derived.byWeekday)
      sums.addTo(weekdayGroupOf(slot, shift), bucket, weight);
  }

  /** The derived sums of some slots (each bucket's `hour` its slot). */
  private derive(slots: readonly AnalyticsBucket[]): DerivedSums {
    const process = this.process;
    const byHour = new Map<number, AnalyticsBucket[]>();
    for (const slot of slots) {
      const list = byHour.get(slot.hour % 24) ?? [];
      list.push(slot);
      byHour.set(slot.hour % 24, list);
    }
    return {
      total: CopyOnWriteSums.of<0>(() => emptyBucket(process, 0), addBucket, [
        [0, sumBuckets(process, 0, slots)],
      ]),
      byHourOfDay: CopyOnWriteSums.of<number>(
        (h) => emptyBucket(process, h),
        addSteps,
        [...byHour].map(([h, list]) => [h, sumBuckets(process, h, list, 'steps')]),
      ),
      byWeekday: new Map(),
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
        if (cell.count > 0 && this.firstHours.get(step) === hour && !countedIn(bucket, step))
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

/** Whether the bucket counts an attempt of the step (started, or ended without a start). */
const countedIn = (bucket: AnalyticsBucket | undefined, step: string): boolean =>
  (bucket?.steps[step]?.count ?? 0) > 0;

/** Step → the first hour with a counted attempt, over some buckets. */
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

/** The slots' steps summed by weekday group under `shift` (offset mod 24 hours). */
function weekdaySums(
  process: string,
  slots: readonly AnalyticsBucket[],
  shift: number,
): CopyOnWriteSums<number> {
  const byGroup = new Map<number, AnalyticsBucket[]>();
  for (const slot of slots) {
    const group = weekdayGroupOf(slot.hour, shift);
    const list = byGroup.get(group) ?? [];
    list.push(slot);
    byGroup.set(group, list);
  }
  const empty = (group: number) => emptyBucket(process, weekdayHourOf(group, shift));
  return CopyOnWriteSums.of(
    empty,
    addSteps,
    [...byGroup].map(([group, list]) => [
      group,
      sumBuckets(process, weekdayHourOf(group, shift), list, 'steps'),
    ]),
  );
}
