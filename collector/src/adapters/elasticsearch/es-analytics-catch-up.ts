/**
 * `catchUpAnalytics` of the Elasticsearch store (ports/analytics-store.ts): writes every
 * stored instance's whole contribution, folded from its stored events, in pages of
 * `pageSize` instances (`external_gte` on its event count: a contribution ingest wrote
 * meanwhile from more events wins), lets the compactor add them to the buckets, and then
 * marks the analytics complete. `fromScratch` first drops the buckets and what they
 * include, so the compactor sums every contribution anew. Ingest may go on meanwhile.
 */
import type { Client } from '@elastic/elasticsearch';
import { contributionOf } from '../../domain/analytics/analytics-contribution.ts';
import { deltaBuckets } from '../../domain/analytics/analytics-delta.ts';
import type { AnalyticsCatchUpReport } from '../../ports/analytics-store.ts';
import type { EventScanner } from '../../ports/event-store.ts';
import type { AnalyticsCompactor } from './es-analytics-compactor.ts';
import { prepareAnalytics, writeStatus } from './es-analytics.ts';
import { bulkVersioned } from './es-bulk.ts';
import { toStorageError } from './es-errors.ts';
import { analyticsIndex, contributionsIndex, includedIndex } from './index-names.ts';

export async function catchUpEsAnalytics(
  client: Client,
  prefix: string,
  scanner: EventScanner,
  compactor: AnalyticsCompactor,
  options: { pageSize?: number; fromScratch?: boolean },
): Promise<AnalyticsCatchUpReport> {
  const pageSize = options.pageSize ?? 500;
  if (options.fromScratch === true) {
    try {
      await client.indices.delete({
        index: [analyticsIndex(prefix), includedIndex(prefix)],
        ignore_unavailable: true,
      });
    } catch (err) {
      throw toStorageError('drop analytics', err);
    }
    await prepareAnalytics(client, prefix);
  }
  await writeStatus(client, prefix, false);
  let instances = 0;
  let changed = 0;
  let page: object[] = [];
  const flush = async (): Promise<void> => {
    const outcomes = await bulkVersioned(client, 'write contributions', page);
    page = [];
    changed += outcomes.filter((o) => o.error === undefined).length;
  };
  for await (const { key, events } of scanner.scanInstanceEvents({})) {
    const first = events[0];
    if (first === undefined) continue;
    instances += 1;
    page.push(
      {
        index: {
          _index: contributionsIndex(prefix),
          _id: key,
          // The fold's `eventCount`: distinct ids (one source per instance).
          version: new Set(events.map((event) => event.id)).size,
          version_type: 'external_gte',
        },
      },
      { process: first.ftprocess, buckets: deltaBuckets(contributionOf(events).delta) },
    );
    if (page.length >= 2 * pageSize) await flush();
  }
  if (page.length > 0) await flush();
  await compactor.compactAll();
  await writeStatus(client, prefix, true);
  return { instances, changed };
}
