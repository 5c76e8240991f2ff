/**
 * The Elasticsearch store's analytics cache (adapters/elasticsearch/es-analytics-cache.ts)
 * on the REAL server: kept current incrementally from the compactor's visible pages, its
 * week view and buckets always equal the rollup of the bucket documents — compared after
 * every batch with the reference buckets of the events stored so far (`WeekRollup.of` of
 * them), with a fresh store's first (full) read and with an uncached search — while
 * batches are compacted by this store or by another instance (another process), with
 * rebuilds from scratch in between, a compactor that crashed before it made its page
 * visible, a `visible` document of an old epoch left in a rebuilt index, buckets that
 * became empty, documents from before they had a page, and a bound smaller than a process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Client } from '@elastic/elasticsearch';
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { emptyBucket, type AnalyticsBucket } from '../../src/domain/analytics/analytics-bucket.ts';
import { WeekRollup, type WeekView } from '../../src/domain/analytics/week-rollup.ts';
import { aggregatedHeatmap } from '../../src/domain/views/aggregated-heatmap.ts';
import { aggregatedGraph } from '../../src/domain/views/process-graph.ts';
import { ElasticsearchEventStore } from '../../src/adapters/elasticsearch/es-event-store.ts';
import { AnalyticsCompactor } from '../../src/adapters/elasticsearch/es-analytics-compactor.ts';
import { bucketDocumentId, readBuckets } from '../../src/adapters/elasticsearch/es-analytics.ts';
import { analyticsIndex } from '../../src/adapters/elasticsearch/index-names.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { redeliveredArb } from '../instance/history-arbitrary.ts';
import { asMessages, splitAt, testIngester } from '../helpers/batches.ts';
import { testElasticsearch } from '../helpers/servers.ts';
import { crashingClient } from '../helpers/crashing-client.ts';
import { processHistoriesArb } from '../helpers/process-histories.ts';
import { expectedBuckets } from '../analytics/expected-buckets.ts';
import { esContractTarget, type EsContractTarget } from './es-contract-target.ts';

let target: EsContractTarget<ElasticsearchEventStore>;
let other: ElasticsearchEventStore;
let admin: Client;
beforeAll(async () => {
  target = await esContractTarget(
    'analytics-cache',
    (client, options) => new ElasticsearchEventStore(client, options),
  );
  await target.store.prepare();
  other = await target.openAnother();
  admin = testElasticsearch();
});
afterAll(async () => {
  await other?.close();
  await admin?.close();
  await target?.cleanup();
});

/** Histories of a few instances under a process of their own (one per run). */
const historiesArb = processHistoriesArb('c', 4);

const distinct = (events: readonly FlowtrailEvent[]): FlowtrailEvent[] => [
  ...new Map(events.map((event) => [event.id, event])).values(),
];

/** The heat maps (two offsets, both dimensions), graphs and counts a week view gives. */
function viewsOf(view: WeekView | undefined, process: string): unknown {
  if (view === undefined) return undefined;
  const heatmaps = [0, 330].flatMap((utcOffsetMinutes) =>
    (['hour', 'weekday'] as const).map((dimension) =>
      aggregatedHeatmap(view.slots, { dimension, utcOffsetMinutes }, view.firstHours),
    ),
  );
  const graphs = (['auto', 'interval', 'complete'] as const).map((mode) =>
    aggregatedGraph(view.slots, process, { mode }),
  );
  return { heatmaps, graphs, instances: view.instances, firstHours: view.firstHours };
}

/** Opens a store on the same indices (another process), reads once, closes it. */
async function freshRead(process: string): Promise<[AnalyticsBucket[] | undefined, unknown]> {
  const fresh = await target.openAnother();
  try {
    return [
      await fresh.analyticsBuckets({ process }),
      viewsOf(await fresh.analyticsWeek(process), process),
    ];
  } finally {
    await fresh.close();
  }
}

/** The cached store answers exactly the rollup of `expected`, as a fresh and an uncached read do. */
async function expectCurrent(
  store: ElasticsearchEventStore,
  process: string,
  expected: readonly AnalyticsBucket[],
): Promise<void> {
  const reference = viewsOf(WeekRollup.of(process, expected).view(), process);
  expect(await store.analyticsBuckets({ process })).toStrictEqual(expected);
  expect(viewsOf(await store.analyticsWeek(process), process)).toStrictEqual(reference);
  expect(await readBuckets(admin, target.prefix, { process })).toStrictEqual(expected);
  const [buckets, views] = await freshRead(process);
  expect(buckets).toStrictEqual(expected);
  expect(views).toStrictEqual(reference);
}

/** A client whose `index` of the `visible` document fails: a crash after the refresh. */
const crashingBeforeVisible = (): Client =>
  crashingClient('index', ([request]) => request.id === 'visible');

describe('the Elasticsearch analytics cache', () => {
  it('after any batches, compacted here or elsewhere, with rebuilds between, equals the stored buckets', async () => {
    await fc.assert(
      fc.asyncProperty(
        historiesArb.chain((events) =>
          fc.tuple(
            fc.constant(events),
            redeliveredArb(events),
            fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
            fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
            fc.nat({ max: 8 }),
          ),
        ),
        async ([events, redelivered, cuts, elsewhere, rebuildAt]) => {
          const process = events[0]?.ftprocess as string;
          const stored: FlowtrailEvent[] = [];
          const batches = splitAt(redelivered, cuts);
          for (const [i, batch] of batches.entries()) {
            // This batch ingested and compacted by this store or by another process.
            const writer = elsewhere[i % elsewhere.length] === true ? other : target.store;
            await testIngester(writer).ingester.process(asMessages(batch));
            stored.push(...batch);
            if (i === rebuildAt) await writer.catchUpAnalytics({ fromScratch: true });
            await writer.compactAnalytics();
            await expectCurrent(target.store, process, expectedBuckets(distinct(stored)));
          }
          await expectCurrent(target.store, process, expectedBuckets(events));
        },
      ),
      { numRuns: 10 },
    );
  });

  it('a crash before the visible write only delays; the next run makes the page visible', async () => {
    const events = fc.sample(historiesArb, { numRuns: 1, seed: 31 })[0] as FlowtrailEvent[];
    const process = events[0]?.ftprocess as string;
    const half = Math.max(1, Math.floor(events.length / 2));
    const ingest = testIngester(target.store).ingester;
    await ingest.process(asMessages(events.slice(0, half)));
    await target.store.compactAnalytics();
    const before = expectedBuckets(events.slice(0, half));
    await expectCurrent(target.store, process, before);
    await ingest.process(asMessages(events.slice(half)));
    const crashing = crashingBeforeVisible();
    await expect(new AnalyticsCompactor(crashing, target.prefix).compactAll()).rejects.toThrow(
      'crash at index',
    );
    await crashing.close();
    // Refreshed but not declared visible: the cache stays at the older visible page.
    expect(await target.store.analyticsBuckets({ process })).toStrictEqual(before);
    // Caught up (no page to apply), the next run still makes the page visible.
    expect(await target.store.compactAnalytics()).toBe(0);
    await expectCurrent(target.store, process, expectedBuckets(events));
  });

  it('ignores a visible page of an old epoch written into a rebuilt index', async () => {
    const events = fc.sample(historiesArb, { numRuns: 1, seed: 32 })[0] as FlowtrailEvent[];
    const process = events[0]?.ftprocess as string;
    const half = Math.max(1, Math.floor(events.length / 2));
    await testIngester(target.store).ingester.process(asMessages(events.slice(0, half)));
    await target.store.compactAnalytics();
    await expectCurrent(target.store, process, expectedBuckets(events.slice(0, half)));
    const index = analyticsIndex(target.prefix);
    const old = (await admin.get<{ page: number; epoch: string }>({ index, id: 'visible' }))
      ._source;
    await other.catchUpAnalytics({ fromScratch: true });
    await testIngester(other).ingester.process(asMessages(events.slice(half)));
    await other.compactAnalytics();
    // A compactor that read the old checkpoint before the drop publishes it afterwards.
    await admin.index({ index, id: 'visible', document: { kind: 'visible', ...old } });
    await expectCurrent(target.store, process, expectedBuckets(events));
    // The next run replaces it; the cache follows.
    await other.compactAnalytics();
    await expectCurrent(target.store, process, expectedBuckets(events));
    expect(target.store.analyticsCacheStats().processes).toBeGreaterThan(0);
  });

  it('a bucket that became empty leaves the week; documents without a page are read at first', async () => {
    // Documents written by hand on a prefix of their own, as a compactor would.
    const own = await esContractTarget(
      'analytics-cache-docs',
      (client, options) => new ElasticsearchEventStore(client, options),
    );
    try {
      await own.store.prepare();
      const process = 'p-direct';
      const history = fc.sample(historiesArb, { numRuns: 1, seed: 33 })[0] as FlowtrailEvent[];
      const [a, b = a] = expectedBuckets(history) as [AnalyticsBucket, AnalyticsBucket?];
      const at = (hour: number, from: AnalyticsBucket = a): AnalyticsBucket => ({
        ...structuredClone(from),
        process,
        hour,
      });
      const [h0, h1, h2] = [500_000, 500_001, 500_168];
      const index = analyticsIndex(own.prefix);
      const write = async (bucket: AnalyticsBucket, page?: number): Promise<void> => {
        await admin.index({
          index,
          id: bucketDocumentId(process, bucket.hour),
          document: { kind: 'bucket', process, hour: bucket.hour, bucket, page },
        });
      };
      const visible = async (page: number): Promise<void> => {
        await admin.indices.refresh({ index });
        await admin.index({
          index,
          id: 'checkpoint',
          document: { kind: 'checkpoint', through: -1, page, epoch: 'e1' },
        });
        await admin.index({
          index,
          id: 'visible',
          document: { kind: 'visible', page, epoch: 'e1' },
        });
      };
      // h0 written before documents had a page: found by the first read only.
      await write(at(h0));
      await write(at(h1), 7);
      await admin.indices.refresh({ index });
      // No visible page yet: read through.
      expect(await own.store.analyticsBuckets({ process })).toStrictEqual([at(h0), at(h1)]);
      await visible(7);
      expect(await own.store.analyticsBuckets({ process })).toStrictEqual([at(h0), at(h1)]);
      // h2 shares h0's week slot; h1 emptied.
      await write(at(h2, b), 8);
      await write(emptyBucket(process, h1), 8);
      await visible(8);
      const expected = [at(h0), at(h2, b)];
      const reference = viewsOf(WeekRollup.of(process, expected).view(), process);
      expect(await own.store.analyticsBuckets({ process })).toStrictEqual(expected);
      expect(viewsOf(await own.store.analyticsWeek(process), process)).toStrictEqual(reference);
      // The first read of a new store gives the same.
      const fresh = await own.openAnother();
      expect(viewsOf(await fresh.analyticsWeek(process), process)).toStrictEqual(reference);
      await fresh.close();
    } finally {
      await own.cleanup();
    }
  });

  it('reads a process larger than its bound through, and evicts the least recently read', async () => {
    const events = fc.sample(historiesArb, { numRuns: 2, seed: 34 }) as FlowtrailEvent[][];
    for (const history of events)
      await testIngester(target.store).ingester.process(asMessages(history));
    await target.store.compactAnalytics();
    const open = (bytes: number) =>
      new ElasticsearchEventStore(testElasticsearch(), {
        indexPrefix: target.prefix,
        replicas: 0,
        logger: createLogger('silent'),
        analyticsCacheBytes: bytes,
      });
    // The bytes each process takes in a cache (a proxy, measured by the cache itself).
    const sizes: number[] = [];
    const measuring = open(2 ** 30);
    for (const history of events) {
      const before = measuring.analyticsCacheStats().bytes;
      await measuring.analyticsWeek(history[0]?.ftprocess as string);
      sizes.push(measuring.analyticsCacheStats().bytes - before);
    }
    await measuring.close();
    expect(Math.min(...sizes)).toBeGreaterThan(0);
    const tiny = open(1);
    const one = open(Math.max(...sizes));
    try {
      for (const history of events) {
        const process = history[0]?.ftprocess as string;
        await expectCurrent(tiny, process, expectedBuckets(history));
        await expectCurrent(one, process, expectedBuckets(history));
      }
      expect(tiny.analyticsCacheStats().processes).toBe(0);
      expect(one.analyticsCacheStats().processes).toBe(1);
    } finally {
      await tiny.close();
      await one.close();
    }
  });
});
