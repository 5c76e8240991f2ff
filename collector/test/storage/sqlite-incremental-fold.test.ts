/**
 * The incremental fold on the embedded store (batch-transaction.ts with an
 * `IncrementalBatchFold` from BatchIngester): a touched instance's stored fold summary is
 * continued with only its newly inserted events, re-folded where that is impossible, and
 * whatever happens the stored state is the fold of the stored events. Also the summary
 * rule (a summary always describes exactly the stored events) and schema version 6.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { instanceKeyOf, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { compareEvents } from '../../src/domain/instance/event-order.ts';
import { foldInstance } from '../../src/domain/instance/fold.ts';
import { derivedFold } from '../../src/domain/instance/continued-fold.ts';
import { isIngestSummary } from '../../src/domain/ingest/ingest-summary.ts';
import type { InstanceState } from '../../src/domain/instance/instance-state.ts';
import { EVENT_STORE_SCHEMA_VERSION } from '../../src/adapters/sqlite/event-store-schema.ts';
import { databasePath } from '../../src/adapters/sqlite/sqlite-database.ts';
import { SqliteEventStore } from '../../src/adapters/sqlite/sqlite-event-store.ts';
import type { BatchIngesterDeps } from '../../src/app/ingest/batch-ingester.ts';
import type { Metrics } from '../../src/shared/metrics.ts';
import { historyArb, redeliveredArb } from '../instance/history-arbitrary.ts';
import { history } from './store-contract-fixtures.ts';
import { parseDefinitionYaml } from '../../src/domain/definitions/parse-definition.ts';
import { createRegistry } from '../../src/domain/definitions/registry.ts';
import { DetectionModel } from '../../src/app/detection/detection-model.ts';
import { asMessages, splitAt, testIngester } from '../helpers/batches.ts';

const dirs: string[] = [];
const stores: SqliteEventStore[] = [];

async function openStore(dataDir?: string): Promise<{ store: SqliteEventStore; dataDir: string }> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'flowtrail-incremental-'));
  if (dataDir === undefined) dirs.push(dir);
  const store = new SqliteEventStore({ dataDir: dir });
  stores.push(store);
  await store.prepare();
  return { store, dataDir: dir };
}

async function closeAll(): Promise<void> {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** The raw summary column of an instance (a second connection, read-only). */
function storedSummary(dataDir: string, key: string): string | null | undefined {
  const db = new Database(databasePath(dataDir), { readonly: true });
  try {
    const row = db.prepare('SELECT fold_summary AS s FROM instances WHERE key = ?').get(key) as
      { s: string | null } | undefined;
    return row?.s;
  } finally {
    db.close();
  }
}

function execRaw(dataDir: string, sql: string, ...args: unknown[]): void {
  const db = new Database(databasePath(dataDir));
  try {
    db.prepare(sql).run(...args);
  } finally {
    db.close();
  }
}

/**
 * The events of a history moved to instance `name`, ids prefixed with it: the identity
 * (source, id) of one run never meets another run's in the shared store.
 */
function asInstance(events: readonly FlowtrailEvent[], name: string): FlowtrailEvent[] {
  return events.map((event) => ({
    ...structuredClone(event),
    id: `${name}.${event.id}`,
    ftinstance: name,
  }));
}

describe('incremental ingest on the SQLite store: properties', () => {
  let shared: Awaited<ReturnType<typeof openStore>> | undefined;
  const sharedStore = async () => (shared ??= await openStore());
  afterAll(closeAll);
  let run = 0;

  it('any split into batches, any order, with duplicates: the state of the full fold', async () => {
    const { store } = await sharedStore();
    const arb = historyArb.chain((events) =>
      fc.tuple(redeliveredArb(events), fc.array(fc.nat({ max: 60 }), { maxLength: 6 })),
    );
    await fc.assert(
      fc.asyncProperty(arb, async ([redelivered, cuts]) => {
        const events = asInstance(redelivered, `p-${run++}`);
        const key = instanceKeyOf(events[0] as FlowtrailEvent);
        const { ingester: ingest, metrics } = testIngester(store);
        const batches = splitAt(events, cuts);
        for (const batch of batches) {
          await ingest.process(asMessages(batch));
          // After every batch: the state is the fold of what is stored.
          expect(await store.getInstance(key)).toStrictEqual(
            foldInstance(await store.getEvents(key)),
          );
        }
        expect(await store.getInstance(key)).toStrictEqual(foldInstance(events));
        const { refolds, continuedFolds } = metrics.snapshot();
        expect(refolds + continuedFolds).toBe(batches.length);
        expect(refolds).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 60 },
    );
  });

  it('events arriving in order are continued after the first batch, replays included', async () => {
    const { store } = await sharedStore();
    const arb = historyArb.chain((events) =>
      fc.tuple(fc.constant(events), fc.array(fc.nat({ max: 60 }), { maxLength: 6 })),
    );
    await fc.assert(
      fc.asyncProperty(arb, async ([history, cuts]) => {
        const events = asInstance(history, `q-${run++}`).sort(compareEvents);
        const key = instanceKeyOf(events[0] as FlowtrailEvent);
        const { ingester: ingest, metrics } = testIngester(store);
        const batches = splitAt(events, cuts);
        for (const [i, batch] of batches.entries()) {
          // A replay of the previous batch's first event: stored already, nothing new.
          const replay = i === 0 ? [] : [(batches[i - 1] as FlowtrailEvent[])[0] as FlowtrailEvent];
          await ingest.process(asMessages([...replay, ...batch]));
        }
        expect(await store.getInstance(key)).toStrictEqual(foldInstance(events));
        expect(metrics.snapshot()).toMatchObject({
          refolds: 1,
          continuedFolds: batches.length - 1,
        });
      }),
      { numRuns: 60 },
    );
  });
});

describe('incremental ingest with the derive step of the detection model', () => {
  afterAll(closeAll);

  it('derivedFold(model.rederive) continues to model.fold of all stored events', async () => {
    const parsed = parseDefinitionYaml(
      `process: order-fulfilment
version: 1
owner: team-ship
steps:
  - name: reserve
    deadline: 30m
    next: [pay]
  - name: pay
    deadline: 2h
    next: [ship]
  - name: ship
    next: []
`,
      'test',
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const model = new DetectionModel(createRegistry([parsed.definition]));
    const { store } = await openStore();
    let run = 0;
    const arb = historyArb.chain((events) =>
      fc.tuple(redeliveredArb(events), fc.array(fc.nat({ max: 60 }), { maxLength: 6 })),
    );
    await fc.assert(
      fc.asyncProperty(arb, async ([redelivered, cuts]) => {
        const events = asInstance(redelivered, `d-${run++}`);
        const key = instanceKeyOf(events[0] as FlowtrailEvent);
        // The wiring the ingest would use: the model's fold as `derive ∘ foldInstance`.
        const { ingester: ingest } = testIngester(store, { fold: derivedFold(model.rederive) });
        for (const batch of splitAt(events, cuts)) await ingest.process(asMessages(batch));
        expect(await store.getInstance(key)).toStrictEqual(model.fold(events));
      }),
      { numRuns: 40 },
    );
  });
});

describe('incremental ingest on the SQLite store', () => {
  afterEach(closeAll);
  const events = history({
    process: 'order',
    instance: 'o-1',
    start: '2024-05-01T10:00:00Z',
    outcome: 'completed',
    step: 'pick',
  });
  const key = instanceKeyOf(events[0] as FlowtrailEvent);
  const head = events.slice(0, 2);
  const tail = events.slice(2);

  /** A new store with `head` ingested, and the ingester (with its metrics) that did it. */
  async function storeWithHead(options: Partial<BatchIngesterDeps> = {}) {
    const opened = await openStore();
    const { ingester: ingest, metrics } = testIngester(opened.store, options);
    await ingest.process(asMessages(head));
    return { ...opened, ingest, metrics };
  }

  /** The stored state is `expected` (the fold of every event), reached by `folds`. */
  async function expectFolded(
    store: SqliteEventStore,
    metrics: Metrics,
    folds: { refolds: number; continuedFolds: number },
    expected: InstanceState = foldInstance(events),
  ): Promise<void> {
    expect(await store.getInstance(key)).toStrictEqual(expected);
    expect(metrics.snapshot()).toMatchObject(folds);
  }

  /** The next batch (the first of `tail`) re-folds and writes a summary; the next continues. */
  async function expectRefoldThenContinued(store: SqliteEventStore, dataDir: string) {
    const { ingester: ingest, metrics } = testIngester(store);
    await ingest.process(asMessages(tail.slice(0, 1)));
    expect(storedSummary(dataDir, key)).not.toBe(null);
    await ingest.process(asMessages(tail.slice(1)));
    await expectFolded(store, metrics, { refolds: 1, continuedFolds: 1 });
  }

  it('writes a summary with the first state and continues it on the next batch', async () => {
    const { store, dataDir, ingest, metrics } = await storeWithHead();
    const summary = storedSummary(dataDir, key);
    expect(isIngestSummary(JSON.parse(summary ?? 'null'))).toBe(true);
    await ingest.process(asMessages(tail));
    await expectFolded(store, metrics, { refolds: 1, continuedFolds: 1 });
    expect(storedSummary(dataDir, key)).not.toBe(summary);
  });

  it('re-folds when an event is older than what the summary summarises', async () => {
    const { store } = await openStore();
    const { ingester: ingest, metrics } = testIngester(store);
    await ingest.process(asMessages(tail));
    await ingest.process(asMessages(head));
    await expectFolded(store, metrics, { refolds: 2, continuedFolds: 0 });
  });

  it('a row without a summary (an older file) re-folds on first touch, then continues', async () => {
    const { store, dataDir } = await storeWithHead();
    execRaw(dataDir, 'UPDATE instances SET fold_summary = NULL');
    await expectRefoldThenContinued(store, dataDir);
  });

  it('upgrades a version-5 file: no summaries, the first touch re-folds and writes one', async () => {
    const first = await storeWithHead();
    const before = await first.store.getInstance(key);
    await first.store.close();
    const db = new Database(databasePath(first.dataDir));
    db.exec(`ALTER TABLE instances DROP COLUMN fold_summary;
             UPDATE schema_versions SET version = 5 WHERE component = 'events'`);
    db.close();

    const { store, dataDir } = await openStore(first.dataDir);
    const check = new Database(databasePath(dataDir), { readonly: true });
    expect(
      check.prepare("SELECT version FROM schema_versions WHERE component = 'events'").get(),
    ).toEqual({ version: EVENT_STORE_SCHEMA_VERSION });
    check.close();
    expect(EVENT_STORE_SCHEMA_VERSION).toBe(7);
    expect(await store.getInstance(key)).toStrictEqual(before);
    expect(storedSummary(dataDir, key)).toBe(null);
    await expectRefoldThenContinued(store, dataDir);
  });

  it('a damaged summary, or one of another version, is re-folded', async () => {
    const { store, dataDir, ingest, metrics } = await storeWithHead();
    execRaw(dataDir, "UPDATE instances SET fold_summary = '{not json'");
    await ingest.process(asMessages(tail.slice(0, 1)));
    execRaw(dataDir, "UPDATE instances SET fold_summary = json_set(fold_summary, '$.fold.v', 99)");
    await ingest.process(asMessages(tail.slice(1)));
    await expectFolded(store, metrics, { refolds: 3, continuedFolds: 0 });
  });

  it('events written without a summary (writeEvents) drop it: the next batch re-folds', async () => {
    const { store, dataDir, ingest, metrics } = await storeWithHead();
    await store.writeEvents(tail.slice(0, 1)); // no state written: the summary is behind
    expect(storedSummary(dataDir, key)).toBe(null);
    await ingest.process(asMessages(tail.slice(1)));
    await expectFolded(store, metrics, { refolds: 2, continuedFolds: 0 });
  });

  it('a state written for the same events keeps the summary; for other events drops it', async () => {
    const { store, dataDir, ingest, metrics } = await storeWithHead();
    const state = (await store.getInstance(key)) as InstanceState;
    // A deadline re-derivation: same events, same eventCount.
    await store.writeStates([{ ...state, nextDeadline: '2024-05-01T11:00:00Z' }]);
    expect(storedSummary(dataDir, key)).not.toBe(null);
    await ingest.process(asMessages(tail.slice(0, 1)));
    expect(metrics.snapshot()).toMatchObject({ refolds: 1, continuedFolds: 1 });
    await store.writeStates([{ ...state, eventCount: 5 }]); // claims other events
    expect(storedSummary(dataDir, key)).toBe(null);
  });

  it('continues with the derive step of a derivedFold; an opaque fold always re-folds', async () => {
    const mark = (state: InstanceState): InstanceState => ({
      ...state,
      nextDeadline: `${state.eventCount}`.padStart(2, '0') + '-marked',
    });
    const derived = await storeWithHead({ fold: derivedFold(mark) });
    await derived.ingest.process(asMessages(tail));
    const marked = mark(foldInstance(events));
    await expectFolded(derived.store, derived.metrics, { refolds: 1, continuedFolds: 1 }, marked);

    const opaque = await storeWithHead({ fold: (list) => mark(foldInstance(list)) });
    await opaque.ingest.process(asMessages(tail));
    await expectFolded(opaque.store, opaque.metrics, { refolds: 2, continuedFolds: 0 }, marked);
    expect(storedSummary(opaque.dataDir, key)).toBe(null);
  });

  it('incremental: false re-folds every batch (the baseline)', async () => {
    const { store, ingest, metrics } = await storeWithHead({ incremental: false });
    await ingest.process(asMessages(tail));
    await expectFolded(store, metrics, { refolds: 2, continuedFolds: 0 });
  });

  it('a fold that throws writes no state and drops the summary; the next batch re-folds', async () => {
    const { store, dataDir } = await storeWithHead();
    const failing = testIngester(store, {
      fold: derivedFold(() => {
        throw new Error('boom');
      }),
    });
    await failing.ingester.process(asMessages(tail.slice(0, 1)));
    expect(failing.metrics.snapshot()).toMatchObject({ foldFailures: 1, statesWritten: 0 });
    expect(storedSummary(dataDir, key)).toBe(null);
    const { ingester: ingest, metrics } = testIngester(store);
    await ingest.process(asMessages(tail.slice(1)));
    await expectFolded(store, metrics, { refolds: 1, continuedFolds: 0 });
  });

  it('the start-up repair keeps working on summaries it does not write', async () => {
    const { store, dataDir } = await storeWithHead();
    await store.writeEvents(tail); // as an interrupted batch of an older version left it
    const report = await store.repairStaleStates(1000, (keys, byKey) =>
      keys.flatMap((k) => (byKey.has(k) ? [foldInstance(byKey.get(k) ?? [])] : [])),
    );
    expect(report).toEqual({ checked: 1, stale: 1, repaired: 1 });
    expect(await store.getInstance(key)).toStrictEqual(foldInstance(events));
    expect(storedSummary(dataDir, key)).toBe(null);
  });
});
