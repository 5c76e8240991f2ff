/**
 * The Elasticsearch store's in-process cache of analytics buckets, per process, with their
 * week rollup (domain/analytics/week-rollup.ts): what `analyticsWeek` and a process's
 * `analyticsBuckets` of es-event-store.ts answer from. Reading and parsing a process's
 * ≤ 720 hour buckets on every heat map or graph cost more as their sketches filled (251 ms
 * p50 at 2M events); kept here, a read fetches only the buckets written since the last one.
 *
 * Kept current incrementally from Elasticsearch, by any compactor in any process
 * (es-analytics-visibility.ts): a read first reads, in real time, the status and the
 * `visible` page V (all bucket writes of pages ≤ V are searchable); an entry read at page C
 * then searches the process's documents written by a page > C, replaces those hours (a
 * document holds the WHOLE bucket, so versions in between need not be seen; an empty one
 * removes its hour) and moves to max(C, V). The first read of a process reads all its
 * documents (also those from before documents had a page). So every cached hour is at
 * least as new as at page C, never older than what the visible page guarantees.
 *
 * - The entries belong to one epoch of the analytics index: a `visible` of another epoch,
 *   or none (dropped index, upgrade, rebuild), empties the cache; without one a read goes
 *   through uncached. A read whose state changed while it searched (another epoch after
 *   it) is not kept and is done again.
 * - Reads of one process run one after the other (no interleaved updates, one cold read
 *   when several callers arrive at once); reads of different processes run side by side.
 * - Bounded: at most `maxBytes` of bucket JSON (a proxy of the parsed size), least recently
 *   read processes evicted first; a process larger than the bound is read through. The
 *   cached buckets are never handed out (`buckets` copies them; the week rollup hands out
 *   sums of its own), so no caller can change them; freezing them instead cost as much as
 *   a quarter of a process's first read.
 */
import type { Client } from '@elastic/elasticsearch';
import type { AnalyticsBucket } from '../../domain/analytics/analytics-bucket.ts';
import { WeekRollup, type WeekView } from '../../domain/analytics/week-rollup.ts';
import { StorageError } from '../../shared/errors.ts';
import { readBucketDocuments, type BucketDocument } from './es-analytics.ts';
import { readAnalyticsState } from './es-analytics-visibility.ts';

export const DEFAULT_ANALYTICS_CACHE_BYTES = 256 * 2 ** 20;

/** One process's buckets as of (at least) `page`. */
interface Entry {
  hours: Map<number, { bucket: AnalyticsBucket; bytes: number }>;
  rollup: WeekRollup;
  page: number;
  bytes: number;
}

/** A state change seen after a search: the read is done again, at most this often. */
const ATTEMPTS = 3;

export class EsAnalyticsCache {
  /** The epoch the entries belong to. */
  private epoch: string | undefined;
  /** By process, least recently read first. */
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  /** The read of each process in progress (the next one waits for it). */
  private readonly reading = new Map<string, Promise<unknown>>();

  constructor(
    private readonly client: Client,
    private readonly prefix: string,
    private readonly maxBytes = DEFAULT_ANALYTICS_CACHE_BYTES,
  ) {}

  /** The process's buckets folded onto a week; undefined while the analytics are incomplete. */
  async week(process: string): Promise<WeekView | undefined> {
    return (await this.read(process))?.rollup.view();
  }

  /** The process's non-empty buckets in the hour range, by hour (copies). */
  async buckets(
    process: string,
    fromHour = -Infinity,
    toHour = Infinity,
  ): Promise<AnalyticsBucket[] | undefined> {
    const entry = await this.read(process);
    if (entry === undefined) return undefined;
    return [...entry.hours]
      .filter(([hour]) => hour >= fromHour && hour <= toHour)
      .sort(([a], [b]) => a - b)
      .map(([, { bucket }]) => structuredClone(bucket));
  }

  /** Cached processes and bytes (tests, metrics). */
  stats(): { processes: number; bytes: number; epoch: string | undefined } {
    return { processes: this.entries.size, bytes: this.bytes, epoch: this.epoch };
  }

  private read(process: string): Promise<Entry | undefined> {
    const before = this.reading.get(process) ?? Promise.resolve();
    const run = before.then(() => this.update(process));
    const settled = run.catch(() => undefined);
    this.reading.set(process, settled);
    void settled.then(() => {
      if (this.reading.get(process) === settled) this.reading.delete(process);
    });
    return run;
  }

  /** The entry of `process` brought up to the visible page (or a read-through one). */
  private async update(process: string): Promise<Entry | undefined> {
    let state = await readAnalyticsState(this.client, this.prefix);
    for (let attempt = 1; ; attempt++) {
      if (!state.complete) return undefined;
      const visible = state.visible;
      if (visible === undefined) {
        // Nothing known to be searchable (no page yet, an upgrade, a dropped index).
        this.clear(undefined);
        return entryOf(process, await readBucketDocuments(this.client, this.prefix, process), 0);
      }
      if (visible.epoch !== this.epoch) this.clear(visible.epoch);
      const cached = this.entries.get(process);
      if (cached !== undefined && visible.page <= cached.page) {
        this.touch(process, cached);
        return cached;
      }
      const documents = await readBucketDocuments(this.client, this.prefix, process, cached?.page);
      const after = await readAnalyticsState(this.client, this.prefix);
      if (after.visible?.epoch !== visible.epoch) {
        // Rebuilt under the search: what it found may be of either index; none of it is kept.
        if (attempt < ATTEMPTS) {
          state = after;
          continue;
        }
        throw new StorageError('elasticsearch analytics were rebuilt during every read', true);
      }
      if (cached === undefined) {
        const entry = entryOf(process, documents, visible.page);
        // Not kept when larger than the bound, or when a read of another process saw a
        // newer epoch meanwhile (then this one is of the old index's last state).
        if (entry.bytes <= this.maxBytes && this.epoch === visible.epoch) {
          this.entries.set(process, entry);
          this.bytes += entry.bytes;
          this.evict();
        }
        return entry;
      }
      const live = this.entries.get(process) === cached;
      const bytes = cached.bytes;
      apply(cached, documents, visible.page);
      if (live) {
        this.bytes += cached.bytes - bytes;
        this.touch(process, cached);
      }
      return cached;
    }
  }

  /** Marks the entry most recently read, then evicts down to the bound. */
  private touch(process: string, entry: Entry): void {
    this.entries.delete(process);
    this.entries.set(process, entry);
    this.evict();
  }

  /** Drops the least recently read processes until the cache is within its bound. */
  private evict(): void {
    for (const [process, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) return;
      this.entries.delete(process);
      this.bytes -= entry.bytes;
    }
  }

  private clear(epoch: string | undefined): void {
    this.entries.clear();
    this.bytes = 0;
    this.epoch = epoch;
  }
}

/** Replaces the entry's hours by the documents written after its page (empty: removed). */
function apply(entry: Entry, documents: readonly BucketDocument[], page: number): void {
  for (const { hour, bucket, bytes } of documents) {
    const old = entry.hours.get(hour);
    if (old !== undefined) entry.bytes -= old.bytes;
    if (bucket === undefined) {
      entry.hours.delete(hour);
      entry.rollup.set(hour, undefined);
      continue;
    }
    entry.hours.set(hour, { bucket, bytes });
    entry.rollup.set(hour, bucket);
    entry.bytes += bytes;
  }
  entry.page = Math.max(entry.page, page);
}

/** An entry of every document read (the first read of a process). */
function entryOf(process: string, documents: readonly BucketDocument[], page: number): Entry {
  const hours = new Map<number, { bucket: AnalyticsBucket; bytes: number }>();
  let bytes = 0;
  for (const { hour, bucket, bytes: size } of documents) {
    const old = hours.get(hour);
    if (old !== undefined) bytes -= old.bytes;
    if (bucket === undefined) hours.delete(hour);
    else {
      hours.set(hour, { bucket, bytes: size });
      bytes += size;
    }
  }
  // Built in one pass (WeekRollup.of), not hour by hour.
  const rollup = WeekRollup.of(
    process,
    [...hours.values()].map(({ bucket }) => bucket),
  );
  return { hours, rollup, page, bytes };
}
