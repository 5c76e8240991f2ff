/**
 * The embedded store's in-process cache of parsed analytics buckets, per process
 * (`analyticsBuckets` of sqlite-event-store.ts). At 10 million events a heat map or graph
 * read of one process spent most of its time reading ~700 bucket rows (several MiB of
 * JSON) and parsing them again on every call; the cache keeps them parsed.
 *
 * Exactly current, never merely "fresh enough":
 * - valid only at the `analytics_status.generation` it was filled or last updated at
 *   (triggers bump it on every bucket write, by any connection or process,
 *   analytics-schema.ts); any other generation empties it before it answers;
 * - the store's own batch writes update it instead (`commit`): `mergeAnalytics` records
 *   the rows it wrote and the generation before and after in a `StagedAnalytics`, which
 *   the store commits only once the transaction committed — a rolled-back batch leaves
 *   cache and file as they were (and the generation where the cache has it);
 * - what it hands out is frozen (deep), so no caller can change it by accident.
 * Bounded: at most `maxBytes` of bucket JSON (the rows' text length, a proxy for the
 * parsed size), least recently read processes evicted first; a process larger than the
 * bound is read through. The sketches' `[index, count]` pairs are interned (frozen and
 * shared), which keeps the parsed buckets near their JSON size in memory.
 *
 * Each cached process also keeps its buckets folded onto a week (`week`,
 * domain/analytics/week-rollup.ts), built at its first week read and then changed bucket by
 * bucket as commits replace hours: the heat map and graph merge ≤ 168 buckets instead of
 * every hour. Its size (≤ 168 buckets, sketches bounded by their value range) is not
 * counted in `maxBytes`.
 */
import type { AnalyticsBucket } from '../../domain/analytics/analytics-bucket.ts';
import { WeekRollup, type WeekView } from '../../domain/analytics/week-rollup.ts';

/** The bucket rows one transaction wrote (`text` undefined: deleted), and the generations. */
export class StagedAnalytics {
  /** Generation before the first and after the last write (undefined: nothing written). */
  before: number | undefined;
  after: number | undefined;
  readonly writes: { process: string; hour: number; text: string | undefined }[] = [];
}

/** One process's cached buckets, by hour, with their row sizes. */
interface Entry {
  hours: number[];
  buckets: AnalyticsBucket[];
  sizes: number[];
  bytes: number;
  /** Built at the first `week` read of the process, then kept current by `put`. */
  rollup?: WeekRollup;
}

/** Interned pairs at most (then pairs are frozen but not shared). */
const MAX_PAIRS = 200_000;

/** First index whose hour is >= `hour`. */
function lowerBound(hours: readonly number[], hour: number): number {
  let lo = 0;
  let hi = hours.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((hours[mid] as number) < hour) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class AnalyticsCache {
  /** Generation the cached buckets are exact at (undefined: none yet). */
  private generation: number | undefined;
  /** By process, least recently read first. */
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private readonly pairs = new Map<number, readonly [number, number]>();

  constructor(
    private readonly maxBytes: number,
    /** Parses one stored row; undefined for a damaged one (skipped, as the SQL read does). */
    private readonly parse: (text: string) => AnalyticsBucket | undefined,
  ) {}

  /** The cached buckets of `process` with `fromHour <= hour <= toHour`, if cached at `generation`. */
  read(
    process: string,
    generation: number,
    fromHour: number,
    toHour: number,
  ): AnalyticsBucket[] | undefined {
    const entry = this.touch(process, generation);
    if (entry === undefined) return undefined;
    return entry.buckets.slice(
      lowerBound(entry.hours, fromHour),
      lowerBound(entry.hours, toHour + 1),
    );
  }

  /** The cached buckets of `process` folded onto a week, if cached at `generation`. */
  week(process: string, generation: number): WeekView | undefined {
    const entry = this.touch(process, generation);
    if (entry === undefined) return undefined;
    entry.rollup ??= WeekRollup.of(process, entry.buckets);
    return entry.rollup.view();
  }

  /** Caches every stored row of `process` (by hour), read at `generation`, if it fits. */
  fill(
    process: string,
    generation: number,
    rows: readonly { hour: number; bucket: string }[],
  ): void {
    if (generation !== this.generation) this.clear();
    this.generation = generation;
    const entry: Entry = { hours: [], buckets: [], sizes: [], bytes: 0 };
    for (const row of rows) {
      entry.bytes += row.bucket.length;
      if (entry.bytes > this.maxBytes) return;
      const bucket = this.parse(row.bucket);
      if (bucket === undefined) continue;
      entry.hours.push(row.hour);
      entry.buckets.push(this.frozen(bucket));
      entry.sizes.push(row.bucket.length);
    }
    this.remove(process);
    this.entries.set(process, entry);
    this.bytes += entry.bytes;
    this.evict();
  }

  /** Applies a committed transaction's writes (or empties the cache if it missed others). */
  commit(staged: StagedAnalytics): void {
    if (staged.before === undefined || staged.after === undefined) return;
    if (staged.before !== this.generation) {
      this.clear();
      this.generation = undefined;
      return;
    }
    for (const { process, hour, text } of staged.writes) {
      const entry = this.entries.get(process);
      if (entry !== undefined) this.put(entry, hour, text);
    }
    this.generation = staged.after;
    this.evict();
  }

  /** The entry of `process` if cached at `generation`, marked most recently read. */
  private touch(process: string, generation: number): Entry | undefined {
    if (generation !== this.generation) {
      this.clear();
      this.generation = generation;
      return undefined;
    }
    const entry = this.entries.get(process);
    if (entry === undefined) return undefined;
    this.entries.delete(process);
    this.entries.set(process, entry);
    return entry;
  }

  clear(): void {
    this.entries.clear();
    this.pairs.clear();
    this.bytes = 0;
  }

  private put(entry: Entry, hour: number, text: string | undefined): void {
    const i = lowerBound(entry.hours, hour);
    const found = entry.hours[i] === hour;
    const bucket = text === undefined ? undefined : this.parse(text);
    if (found) {
      const size = entry.sizes[i] as number;
      entry.bytes -= size;
      this.bytes -= size;
      entry.hours.splice(i, 1);
      entry.buckets.splice(i, 1);
      entry.sizes.splice(i, 1);
    }
    if (text === undefined || bucket === undefined) {
      entry.rollup?.set(hour, undefined);
      return;
    }
    const frozen = this.frozen(bucket);
    entry.rollup?.set(hour, frozen);
    entry.hours.splice(i, 0, hour);
    entry.buckets.splice(i, 0, frozen);
    entry.sizes.splice(i, 0, text.length);
    entry.bytes += text.length;
    this.bytes += text.length;
  }

  private remove(process: string): void {
    const entry = this.entries.get(process);
    if (entry === undefined) return;
    this.bytes -= entry.bytes;
    this.entries.delete(process);
  }

  /** Drops the least recently read processes until the cache is within its bound. */
  private evict(): void {
    for (const process of this.entries.keys()) {
      if (this.bytes <= this.maxBytes) return;
      this.remove(process);
    }
  }

  /** Deep-frozen, with `[index, count]` pairs shared from the pool. */
  private frozen<T>(value: T): T {
    if (typeof value !== 'object' || value === null) return value;
    if (Array.isArray(value)) {
      const [a, b] = value as unknown[];
      if (value.length === 2 && typeof a === 'number' && typeof b === 'number') {
        return this.pair(a, b) as T;
      }
      for (let i = 0; i < value.length; i++) value[i] = this.frozen(value[i]);
      return Object.freeze(value);
    }
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = this.frozen(record[key]);
    return Object.freeze(value);
  }

  private pair(a: number, b: number): readonly [number, number] {
    const internable =
      Number.isInteger(a) && a >= 0 && a < 4096 && Number.isInteger(b) && b >= 0 && b < 2 ** 40;
    if (!internable) return Object.freeze([a, b] as [number, number]);
    const key = b * 4096 + a;
    let pair = this.pairs.get(key);
    if (pair === undefined) {
      pair = Object.freeze([a, b] as [number, number]);
      if (this.pairs.size < MAX_PAIRS) this.pairs.set(key, pair);
    }
    return pair;
  }
}
