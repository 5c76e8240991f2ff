/**
 * The analytics buckets a store should hold for some events: one analytics fold per
 * instance over all its events (domain/analytics/analytics-contribution.ts), summed, by
 * process then hour — the reference the store and CLI tests compare with.
 */
import { instanceKeyOf, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import type { AnalyticsBucket } from '../../src/domain/analytics/analytics-bucket.ts';
import { contributionOf } from '../../src/domain/analytics/analytics-contribution.ts';
import { addDelta, deltaBuckets, emptyDelta } from '../../src/domain/analytics/analytics-delta.ts';

export function expectedBuckets(events: readonly FlowtrailEvent[]): AnalyticsBucket[] {
  const byInstance = new Map<string, FlowtrailEvent[]>();
  for (const event of events) {
    const key = instanceKeyOf(event);
    const list = byInstance.get(key);
    if (list === undefined) byInstance.set(key, [event]);
    else list.push(event);
  }
  const total = emptyDelta();
  for (const list of byInstance.values()) addDelta(total, contributionOf(list).delta);
  return deltaBuckets(total);
}
