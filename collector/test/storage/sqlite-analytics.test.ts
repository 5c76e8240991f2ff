/**
 * The embedded store's pre-aggregated analytics (adapters/sqlite/analytics-*.ts) through
 * the real ingest path (BatchIngester on a SqliteEventStore): after any batches, in any
 * order, with replays, the stored buckets are exactly the analytics of one fold over each
 * instance's stored events; a file from before analytics existed reads by scanning until
 * `catchUpAnalytics` ran; a rebuild from scratch and events stored without analytics
 * converge on the same buckets; the heat map and graph read from the buckets equal the
 * ones built by scanning.
 */
import { execRaw } from '../helpers/sqlite-raw.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { instanceKeyOf, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { SqliteEventStore } from '../../src/adapters/sqlite/sqlite-event-store.ts';
import { processHeatmap } from '../../src/app/queries/process-heatmap.ts';
import { processGraphOf } from '../../src/app/queries/process-views.ts';
import type { EventScanner } from '../../src/ports/event-store.ts';
import { historyArb, redeliveredArb } from '../instance/history-arbitrary.ts';
import { asMessages, splitAt, testIngester } from '../helpers/batches.ts';
import { expectedBuckets } from '../analytics/expected-buckets.ts';

const dirs: string[] = [];
const stores: SqliteEventStore[] = [];

async function openStore(dataDir?: string): Promise<{ store: SqliteEventStore; dataDir: string }> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'flowtrail-analytics-'));
  if (dataDir === undefined) dirs.push(dir);
  const store = new SqliteEventStore({ dataDir: dir });
  stores.push(store);
  await store.prepare();
  return { store, dataDir: dir };
}

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Several instances: each history gets its own instance id (and event ids). */
const historiesArb = fc
  .array(historyArb, { minLength: 1, maxLength: 3 })
  .map((histories) =>
    histories.flatMap((events, n) =>
      events.map((event) => ({ ...event, id: `${n}-${event.id}`, ftinstance: `i-${n}` })),
    ),
  );

async function expectBuckets(store: SqliteEventStore, events: readonly FlowtrailEvent[]) {
  const want = expectedBuckets(events);
  for (const process of new Set(events.map((e) => e.ftprocess))) {
    expect(await store.analyticsBuckets({ process }), process).toStrictEqual(
      want.filter((bucket) => bucket.process === process),
    );
  }
}

/** The store as a store without analytics: the queries scan. */
const scanOnly = (store: SqliteEventStore): EventScanner => ({
  scanInstanceEvents: (filter) => store.scanInstanceEvents(filter),
});

describe('pre-aggregated analytics on the SQLite store', () => {
  it('any batches, order and replays leave exactly the analytics of the stored events', async () => {
    await fc.assert(
      fc.asyncProperty(
        historiesArb.chain((events) =>
          fc.tuple(
            fc.constant(events),
            redeliveredArb(events),
            fc.array(fc.nat(), { maxLength: 5 }),
          ),
        ),
        async ([events, redelivered, cuts]) => {
          const { store } = await openStore();
          const ingest = testIngester(store).ingester;
          for (const batch of splitAt(redelivered, cuts)) await ingest.process(asMessages(batch));
          await expectBuckets(store, events);
          const process = events[0]?.ftprocess as string;
          for (const dimension of ['hour', 'weekday'] as const) {
            expect(await processHeatmap(store, { process, dimension })).toStrictEqual(
              await processHeatmap(scanOnly(store), { process, dimension }),
            );
          }
          for (const mode of ['auto', 'complete', 'interval'] as const) {
            expect(await processGraphOf(store, { process, mode })).toStrictEqual(
              await processGraphOf(scanOnly(store), { process, mode }),
            );
          }
          await store.close();
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a file from before analytics scans until caught up, then reads the buckets', async () => {
    const events = fc.sample(historiesArb, { numRuns: 1, seed: 7 })[0] as FlowtrailEvent[];
    const [head, tail] = [events.slice(0, -1), events.slice(-1)];
    const { store, dataDir } = await openStore();
    await testIngester(store).ingester.process(asMessages(head));
    await store.close();
    execRaw(
      dataDir,
      `DROP TABLE analytics_buckets; DROP TABLE analytics_marks; DROP TABLE analytics_status;
       DELETE FROM schema_versions WHERE component = 'analytics';`,
    );
    const reopened = (await openStore(dataDir)).store;
    const process = events[0]?.ftprocess as string;
    expect(await reopened.analyticsBuckets({ process })).toBeUndefined();
    // The heat map still answers, from a scan.
    expect(await processHeatmap(reopened, { process, dimension: 'hour' })).toBeDefined();
    const instances = new Set(head.map((e) => instanceKeyOf(e))).size;
    expect(await reopened.catchUpAnalytics({ pageSize: 1 })).toEqual({
      instances,
      changed: instances,
    });
    await expectBuckets(reopened, head);
    expect(await reopened.catchUpAnalytics({})).toEqual({ instances, changed: 0 });
    await testIngester(reopened).ingester.process(asMessages(tail));
    await expectBuckets(reopened, events);
  });

  it('a rebuild from scratch and events stored without analytics converge', async () => {
    const events = fc.sample(historiesArb, { numRuns: 1, seed: 11 })[0] as FlowtrailEvent[];
    const third = Math.max(1, Math.floor(events.length / 3));
    const { store, dataDir } = await openStore();
    const ingest = testIngester(store).ingester;
    await ingest.process(asMessages(events.slice(0, third)));
    execRaw(dataDir, "UPDATE analytics_buckets SET bucket = '{damaged'");
    await store.catchUpAnalytics({ fromScratch: true, pageSize: 2 });
    await expectBuckets(store, events.slice(0, third));
    // Stored without their analytics: reads scan until the analytics caught up.
    await store.writeEvents(events.slice(third, 2 * third));
    await ingest.process(asMessages(events.slice(2 * third)));
    const process = events[0]?.ftprocess as string;
    expect(await store.analyticsBuckets({ process })).toBeUndefined();
    await store.catchUpAnalytics({});
    await expectBuckets(store, events);
    // Every process at once (what learned deadlines read).
    expect(await store.analyticsBuckets({})).toStrictEqual(expectedBuckets(events));
  });
});
