/**
 * Keyed sums of analytics buckets that readers may hold while they keep changing: what
 * `handOut()` returns is a snapshot, because a sum handed out is cloned before its next
 * change (copy on write) instead of being changed under the reader. The week rollup
 * (week-rollup.ts) keeps its slots and the sums derived from them in these. A sum that
 * becomes empty is dropped. Pure.
 */
import { isEmptyBucket, type AnalyticsBucket } from './analytics-bucket.ts';

/** `target += weight × other` for some part of a bucket (`addBucket`, `addSteps`). */
export type AddBucket = (target: AnalyticsBucket, other: AnalyticsBucket, weight: number) => void;

export class CopyOnWriteSums<K> {
  private readonly sums = new Map<K, AnalyticsBucket>();
  /** Keys whose sum was handed out since it last changed. */
  private readonly shared = new Set<K>();

  /**
   * @param empty the empty sum of a key (its process and representative hour)
   * @param add what of a bucket the sums take (the whole bucket or its steps only)
   */
  constructor(
    private readonly empty: (key: K) => AnalyticsBucket,
    private readonly add: AddBucket,
  ) {}

  /** Adds `weight` × `bucket` to the sum of `key`; the bucket is never changed. */
  addTo(key: K, bucket: AnalyticsBucket, weight = 1): void {
    const kept = this.sums.get(key);
    const sum =
      kept === undefined ? this.empty(key) : this.shared.delete(key) ? structuredClone(kept) : kept;
    this.add(sum, bucket, weight);
    if (isEmptyBucket(sum)) this.sums.delete(key);
    else this.sums.set(key, sum);
  }

  /** The non-empty sums, as snapshots (the caller must not change them). */
  handOut(): AnalyticsBucket[] {
    for (const key of this.sums.keys()) this.shared.add(key);
    return [...this.sums.values()];
  }

  /** Sums built elsewhere (the caller hands them over: it must not keep or change them). */
  static of<K>(
    empty: (key: K) => AnalyticsBucket,
    add: AddBucket,
    sums: Iterable<[K, AnalyticsBucket]>,
  ): CopyOnWriteSums<K> {
    const taken = new CopyOnWriteSums(empty, add);
    for (const [key, sum] of sums) if (!isEmptyBucket(sum)) taken.sums.set(key, sum);
    return taken;
  }
}
