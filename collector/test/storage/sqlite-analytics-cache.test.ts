/**
 * The embedded store's cache of parsed analytics buckets (adapters/sqlite/analytics-cache.ts)
 * is exact: whatever happened to the file since the cache was filled — batches through
 * the cached store, a batch whose transaction failed and rolled back, a batch written by
 * another connection (another process on the data directory), `catchUpAnalytics` from
 * scratch, a file upgraded from analytics schema version 1 — the cached store's buckets
 * equal a fresh uncached read of the file AND the analytics of one fold over the stored
 * events, and so does the week rollup the cache keeps current commit by commit. Real
 * SQLite files, the real ingest path (BatchIngester).
 */
import { execRaw } from '../helpers/sqlite-raw.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { databasePath } from '../../src/adapters/sqlite/sqlite-database.ts';
import { SqliteEventStore } from '../../src/adapters/sqlite/sqlite-event-store.ts';
import { historyArb } from '../instance/history-arbitrary.ts';
import { asMessages, splitAt, testIngester } from '../helpers/batches.ts';
import { expectedBuckets } from '../analytics/expected-buckets.ts';
import type { AnalyticsBucket } from '../../src/domain/analytics/analytics-bucket.ts';
import { WeekRollup } from '../../src/domain/analytics/week-rollup.ts';

const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function open(dataDir: string): Promise<SqliteEventStore> {
  const store = new SqliteEventStore({ dataDir });
  await store.prepare();
  return store;
}

/** Two to four instances of two processes: each history its own instance and event ids. */
const historiesArb = fc.array(historyArb, { minLength: 2, maxLength: 4 }).map((histories) =>
  histories.flatMap((events, n) =>
    events.map((event) => ({
      ...event,
      id: `${n}-${event.id}`,
      ftinstance: `i-${n}`,
      ftprocess: n % 2 === 0 ? 'orders' : 'returns',
    })),
  ),
);

/** Every event stored in the file (what the analytics must describe). */
async function storedEvents(store: SqliteEventStore): Promise<FlowtrailEvent[]> {
  const events: FlowtrailEvent[] = [];
  for await (const instance of store.scanInstanceEvents({})) events.push(...instance.events);
  return events;
}

const bySlot = (slots: readonly AnalyticsBucket[]) => [...slots].sort((a, b) => a.hour - b.hour);

/** The cached store answers like a freshly opened one and like the fold of the stored events. */
async function expectExact(store: SqliteEventStore, dataDir: string): Promise<void> {
  const fresh = await open(dataDir);
  try {
    const want = expectedBuckets(await storedEvents(fresh));
    for (const process of ['orders', 'returns']) {
      // The week rollup, kept current batch by batch since the first of these reads,
      // equals the rollup of the expected buckets built at once.
      const week = await store.analyticsWeek(process);
      const wantWeek = WeekRollup.of(
        process,
        want.filter((b) => b.process === process),
      ).view();
      expect(bySlot(week?.slots ?? []), process).toStrictEqual(bySlot(wantWeek.slots));
      expect(week?.firstHours, process).toStrictEqual(wantWeek.firstHours);
      expect(week?.instances, process).toBe(wantWeek.instances);
      const cached = await store.analyticsBuckets({ process });
      expect(cached, process).toStrictEqual(await fresh.analyticsBuckets({ process }));
      expect(cached, process).toStrictEqual(want.filter((b) => b.process === process));
      // A range is a slice of the cached hours.
      const hours = (cached ?? []).map((b) => b.hour);
      const [fromHour, toHour] = [hours[1] ?? 0, hours.at(-2) ?? 0];
      expect(await store.analyticsBuckets({ process, fromHour, toHour })).toStrictEqual(
        (cached ?? []).filter((b) => b.hour >= fromHour && b.hour <= toHour),
      );
    }
  } finally {
    await fresh.close();
  }
}

describe('the cache of parsed analytics buckets (SQLite)', () => {
  it('stays exact through batches, a rolled-back batch, another writer and a rebuild', async () => {
    let rolledBack = 0;
    await fc.assert(
      fc.asyncProperty(
        historiesArb,
        fc.array(fc.nat(), { minLength: 4, maxLength: 6 }),
        async (events, cuts) => {
          const dataDir = mkdtempSync(join(tmpdir(), 'flowtrail-analytics-cache-'));
          dirs.push(dataDir);
          const store = await open(dataDir);
          const ingest = testIngester(store).ingester;
          const batches = splitAt(events, cuts);
          const failing = Math.floor(batches.length / 2);
          for (const [n, batch] of batches.entries()) {
            if (n === failing) {
              // Every remaining event in one batch, whose second bucket write aborts the
              // transaction: the first one was made (and recorded for the cache) before
              // the rollback. (A batch that writes one bucket only is simply written.)
              const before = generationOf(dataDir);
              execRaw(
                dataDir,
                `CREATE TRIGGER injected_failure AFTER UPDATE ON analytics_status
                   WHEN NEW.generation >= ${before + 2}
                   BEGIN SELECT RAISE(ABORT, 'injected failure'); END;`,
              );
              const rest = batches.slice(n).flat();
              const failed = await ingest.process(asMessages(rest)).then(
                () => false,
                () => true,
              );
              execRaw(dataDir, 'DROP TRIGGER injected_failure');
              if (failed) {
                rolledBack += 1;
                expect(generationOf(dataDir)).toBe(before);
              }
              await expectExact(store, dataDir);
            }
            if (n === failing + 1) {
              // Another connection writes (a second process on the data directory).
              const other = await open(dataDir);
              await testIngester(other).ingester.process(asMessages(batch));
              await other.close();
            } else {
              await ingest.process(asMessages(batch));
            }
            await expectExact(store, dataDir);
            if (n === failing + 1) {
              await store.catchUpAnalytics({ fromScratch: true, pageSize: 1 });
              await expectExact(store, dataDir);
            }
          }
          await store.close();
        },
      ),
      { numRuns: 15 },
    );
    expect(rolledBack).toBeGreaterThan(0);
  });

  it('hands out frozen buckets: a caller cannot change what the next one reads', async () => {
    const events = fc.sample(historiesArb, { numRuns: 1, seed: 3 })[0] as FlowtrailEvent[];
    const dataDir = mkdtempSync(join(tmpdir(), 'flowtrail-analytics-cache-'));
    dirs.push(dataDir);
    const store = await open(dataDir);
    await testIngester(store).ingester.process(asMessages(events));
    const [bucket] = (await store.analyticsBuckets({ process: 'orders' })) ?? [];
    expect(bucket).toBeDefined();
    expect(() => {
      (bucket as { graph: { instances: number } }).graph.instances += 1;
    }).toThrow(TypeError);
    await expectExact(store, dataDir);
    await store.close();
  });

  it('a file of analytics schema version 1 is upgraded and read exactly', async () => {
    const events = fc.sample(historiesArb, { numRuns: 1, seed: 5 })[0] as FlowtrailEvent[];
    const half = Math.floor(events.length / 2);
    const dataDir = mkdtempSync(join(tmpdir(), 'flowtrail-analytics-cache-'));
    dirs.push(dataDir);
    const first = await open(dataDir);
    await testIngester(first).ingester.process(asMessages(events.slice(0, half)));
    await first.close();
    execRaw(
      dataDir,
      `DROP TRIGGER analytics_buckets_insert; DROP TRIGGER analytics_buckets_update;
       DROP TRIGGER analytics_buckets_delete; ALTER TABLE analytics_status DROP COLUMN generation;
       UPDATE schema_versions SET version = 1 WHERE component = 'analytics';`,
    );
    const store = await open(dataDir);
    await expectExact(store, dataDir);
    const before = generationOf(dataDir);
    await testIngester(store).ingester.process(asMessages(events.slice(half)));
    expect(generationOf(dataDir)).toBeGreaterThan(before);
    await expectExact(store, dataDir);
    await store.close();
  });
});

function generationOf(dataDir: string): number {
  const db = new Database(databasePath(dataDir), { readonly: true });
  try {
    return (db.prepare('SELECT generation FROM analytics_status').get() as { generation: number })
      .generation;
  } finally {
    db.close();
  }
}
