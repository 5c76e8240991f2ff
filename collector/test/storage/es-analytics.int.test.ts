/**
 * The Elasticsearch store's pre-aggregated analytics (adapters/elasticsearch/
 * es-analytics*.ts) on the REAL server, through the real ingest path (BatchIngester):
 * after any batches, in any order, with replays, and one compaction, the buckets are
 * exactly the analytics of one fold over each instance's stored events (the same
 * reference as the SQLite store's test), and the heat map and graph read from them equal
 * the ones built by scanning; a compaction that crashed at any step is completed by the
 * next one without counting anything twice; a store whose states predate the
 * contributions scans until `catchUpAnalytics`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Client } from '@elastic/elasticsearch';
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { ElasticsearchEventStore } from '../../src/adapters/elasticsearch/es-event-store.ts';
import { AnalyticsCompactor } from '../../src/adapters/elasticsearch/es-analytics-compactor.ts';
import {
  analyticsIndex,
  contributionsIndex,
  includedIndex,
} from '../../src/adapters/elasticsearch/index-names.ts';
import { processHeatmap } from '../../src/app/queries/process-heatmap.ts';
import { processGraphOf } from '../../src/app/queries/process-views.ts';
import type { EventScanner } from '../../src/ports/event-store.ts';
import { redeliveredArb } from '../instance/history-arbitrary.ts';
import { asMessages, splitAt, testIngester } from '../helpers/batches.ts';
import { elasticsearchUrl, testElasticsearch } from '../helpers/servers.ts';
import { crashingClient } from '../helpers/crashing-client.ts';
import { processHistoriesArb } from '../helpers/process-histories.ts';
import { expectedBuckets } from '../analytics/expected-buckets.ts';
import { esContractTarget, type EsContractTarget } from './es-contract-target.ts';
import { runAnalytics } from '../../src/tools/cli/analytics-command.ts';

let target: EsContractTarget<ElasticsearchEventStore>;
let admin: Client;
beforeAll(async () => {
  target = await esContractTarget(
    'analytics',
    (client, options) => new ElasticsearchEventStore(client, options),
  );
  await target.store.prepare();
  admin = testElasticsearch();
});
afterAll(async () => {
  await admin?.close();
  await target?.cleanup();
});

/** Histories of a few instances under a process of their own (one per run). */
const historiesArb = processHistoriesArb('r', 3);

async function expectBuckets(events: readonly FlowtrailEvent[]): Promise<void> {
  const process = events[0]?.ftprocess as string;
  expect(await target.store.analyticsBuckets({ process })).toStrictEqual(expectedBuckets(events));
}

/** The store as before analytics: contributions and buckets dropped; reads then scan. */
async function forgetAnalytics(events: readonly FlowtrailEvent[]): Promise<void> {
  await admin.indices.delete({
    index: [
      contributionsIndex(target.prefix),
      analyticsIndex(target.prefix),
      includedIndex(target.prefix),
    ],
  });
  await target.store.prepare();
  const process = events[0]?.ftprocess as string;
  expect(await target.store.analyticsBuckets({ process })).toBeUndefined();
}

const scanOnly = (store: ElasticsearchEventStore): EventScanner => ({
  scanInstanceEvents: (filter) => store.scanInstanceEvents(filter),
});

/** A client whose `n`-th bulk request (from 1) fails: a compactor that crashes there. */
const crashingAt = (n: number): Client => crashingClient('bulk', (_, call) => call === n);

describe('pre-aggregated analytics on the Elasticsearch store', () => {
  it('any batches, order and replays leave exactly the analytics of the stored events', async () => {
    await fc.assert(
      fc.asyncProperty(
        historiesArb.chain((events) =>
          fc.tuple(
            fc.constant(events),
            redeliveredArb(events),
            fc.array(fc.nat(), { maxLength: 4 }),
          ),
        ),
        async ([events, redelivered, cuts]) => {
          const ingest = testIngester(target.store).ingester;
          for (const batch of splitAt(redelivered, cuts)) await ingest.process(asMessages(batch));
          await target.store.compactAnalytics();
          await expectBuckets(events);
          const process = events[0]?.ftprocess as string;
          await target.refresh();
          for (const dimension of ['hour', 'weekday'] as const) {
            expect(await processHeatmap(target.store, { process, dimension })).toStrictEqual(
              await processHeatmap(scanOnly(target.store), { process, dimension }),
            );
          }
          expect(await processGraphOf(target.store, { process, mode: 'auto' })).toStrictEqual(
            await processGraphOf(scanOnly(target.store), { process, mode: 'auto' }),
          );
        },
      ),
      { numRuns: 12 },
    );
  });

  it('completes a compaction that crashed at any step, counting nothing twice', async () => {
    // Bulks of one page: 1 buckets, 2 included contributions, 3 checkpoint.
    for (const step of [1, 2, 3]) {
      const events = fc.sample(historiesArb, {
        numRuns: 1,
        seed: 20 + step,
      })[0] as FlowtrailEvent[];
      const half = Math.max(1, Math.floor(events.length / 2));
      const ingest = testIngester(target.store).ingester;
      await ingest.process(asMessages(events.slice(0, half)));
      await target.store.compactAnalytics();
      await ingest.process(asMessages(events.slice(half)));
      const crashing = crashingAt(step);
      await expect(new AnalyticsCompactor(crashing, target.prefix).compactAll()).rejects.toThrow(
        `crash at bulk ${step}`,
      );
      await crashing.close();
      expect(await target.store.compactAnalytics()).toBeGreaterThan(0);
      await expectBuckets(events);
      // Nothing left: a further compaction changes nothing.
      await target.store.compactAnalytics();
      await expectBuckets(events);
    }
  });

  it('a store whose states predate the contributions scans until caught up', async () => {
    const events = fc.sample(historiesArb, { numRuns: 1, seed: 7 })[0] as FlowtrailEvent[];
    await testIngester(target.store).ingester.process(asMessages(events.slice(0, -1)));
    await forgetAnalytics(events);
    const report = await target.store.catchUpAnalytics({ pageSize: 2 });
    expect(report.instances).toBeGreaterThan(0);
    await expectBuckets(events.slice(0, -1));
    await testIngester(target.store).ingester.process(asMessages(events.slice(-1)));
    await target.store.compactAnalytics();
    await expectBuckets(events);
    await target.store.catchUpAnalytics({ fromScratch: true, pageSize: 3 });
    await expectBuckets(events);
  });

  it('`flowtrail analytics rebuild --elasticsearch` brings them up to the stored events', async () => {
    const events = fc.sample(historiesArb, { numRuns: 1, seed: 9 })[0] as FlowtrailEvent[];
    await testIngester(target.store).ingester.process(asMessages(events));
    await forgetAnalytics(events);
    const out: string[] = [];
    const err: string[] = [];
    const code = await runAnalytics(['rebuild', '--elasticsearch', '--json'], {
      env: {
        ELASTICSEARCH_URL: elasticsearchUrl,
        FLOWTRAIL_INDEX_PREFIX: target.prefix,
        FLOWTRAIL_INDEX_REPLICAS: '0',
      },
      cwd: '/',
      out: (text) => out.push(text),
      err: (text) => err.push(text),
    });
    expect({ code, err }).toEqual({ code: 0, err: [] });
    expect((JSON.parse(out[0] as string) as { instances: number }).instances).toBeGreaterThan(0);
    await expectBuckets(events);
    expect(
      await runAnalytics(['rebuild', '--elasticsearch', '--data-dir', '/tmp'], {
        env: {},
        cwd: '/',
        out: () => undefined,
        err: (text) => err.push(text),
      }),
    ).toBe(2);
    expect(err.join('\n')).toContain('choose one store');
  });
});
