/**
 * A change to the pre-aggregated analytics: buckets (analytics-bucket.ts) by (process,
 * hour), each holding what to ADD to the stored bucket (counts may be negative: an
 * instance's old contribution taken back). Deltas of many instances add up into one per
 * batch, which a store merges into its buckets in the batch's transaction. Pure.
 */
import {
  addBucket,
  emptyBucket,
  isAnalyticsBucket,
  isEmptyBucket,
  type AnalyticsBucket,
} from './analytics-bucket.ts';

export type AnalyticsDelta = Map<string, AnalyticsBucket>;

export const bucketId = (process: string, hour: number): string => `${process}\u0000${hour}`;

export const emptyDelta = (): AnalyticsDelta => new Map();

/** The bucket of (process, hour) in `delta`, created empty when missing. */
export function bucketIn(delta: AnalyticsDelta, process: string, hour: number): AnalyticsBucket {
  const id = bucketId(process, hour);
  let bucket = delta.get(id);
  if (bucket === undefined) {
    bucket = emptyBucket(process, hour);
    delta.set(id, bucket);
  }
  return bucket;
}

/** `target += weight × other`, in place; buckets that end up empty are removed. */
export function addDelta(target: AnalyticsDelta, other: AnalyticsDelta, weight = 1): void {
  for (const bucket of other.values()) {
    const kept = bucketIn(target, bucket.process, bucket.hour);
    addBucket(kept, bucket, weight);
    if (isEmptyBucket(kept)) target.delete(bucketId(bucket.process, bucket.hour));
  }
}

/** The non-empty buckets of a delta, by process then hour. */
export function deltaBuckets(delta: AnalyticsDelta): AnalyticsBucket[] {
  return [...delta.values()]
    .filter((bucket) => !isEmptyBucket(bucket))
    .sort((a, b) => (a.process < b.process ? -1 : a.process > b.process ? 1 : a.hour - b.hour));
}

/**
 * A delta from its stored form (`deltaBuckets`, parsed JSON); undefined when it is not
 * a list of buckets (a damaged document: the caller re-derives it).
 */
export function deltaOfBuckets(value: unknown): AnalyticsDelta | undefined {
  if (!Array.isArray(value)) return undefined;
  const delta = emptyDelta();
  for (const bucket of value) {
    if (!isAnalyticsBucket(bucket)) return undefined;
    addDelta(delta, new Map([[bucketId(bucket.process, bucket.hour), bucket]]));
  }
  return delta;
}
