/**
 * What only the embedded store has (ports/atomic-batch.ts, adapters/sqlite/
 * batch-transaction.ts): a batch's events and states in one transaction, the decorators
 * keeping that capability, BatchIngester giving the same outcome on both paths, and the
 * start-up repair of states left behind their events (app/ingest/state-repair.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { foldInstance } from '../../src/domain/instance/fold.ts';
import type { InstanceState } from '../../src/domain/instance/instance-state.ts';
import { SqliteEventStore } from '../../src/adapters/sqlite/sqlite-event-store.ts';
import { BatchIngester } from '../../src/app/ingest/batch-ingester.ts';
import { FailFastEventWriter } from '../../src/app/ingest/fail-fast-writer.ts';
import { RetryingEventWriter } from '../../src/app/ingest/retrying-event-store.ts';
import { repairStaleStates } from '../../src/app/ingest/state-repair.ts';
import { NudgingEventWriter } from '../../src/app/live/nudging-writer.ts';
import { isAtomicBatchWriter, type BatchFold } from '../../src/ports/atomic-batch.ts';
import type { EventWriter } from '../../src/ports/event-store.ts';
import type { IncomingMessage } from '../../src/ports/incoming-message.ts';
import type { DeadLetter } from '../../src/ports/dead-letter-sink.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { Metrics } from '../../src/shared/metrics.ts';
import { Retrier } from '../../src/shared/retry/retrier.ts';
import { MemoryWriter } from '../ingest/memory-writer.ts';
import { history, keyOf } from './store-contract-fixtures.ts';

const logger = createLogger('silent');
const dirs: string[] = [];
const stores: SqliteEventStore[] = [];

async function openStore(dataDir?: string): Promise<SqliteEventStore> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'flowtrail-atomic-'));
  if (dataDir === undefined) dirs.push(dir);
  const store = new SqliteEventStore({ dataDir: dir });
  stores.push(store);
  await store.prepare();
  return store;
}

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const foldAll: BatchFold = (keys, byKey) =>
  keys.flatMap((key) => {
    const events = byKey.get(key);
    return events === undefined ? [] : [foldInstance(events)];
  });

function orders(count: number, outcome: 'running' | 'completed' = 'completed'): FlowtrailEvent[][] {
  return Array.from({ length: count }, (_, i) =>
    history({
      process: 'order',
      instance: `o-${i}`,
      start: '2024-05-01T10:00:00Z',
      outcome,
      step: 'pick',
    }),
  );
}

describe('sqlite store: writeBatch', () => {
  it('stores the events and the states folded from all stored events together', async () => {
    const store = await openStore();
    const [events] = orders(1) as [FlowtrailEvent[]];
    await store.writeBatch(events.slice(0, 2), foldAll);
    const bad = { ...events[2], id: 'bad', time: 'not a time' } as FlowtrailEvent;
    const result = await store.writeBatch([...events.slice(2), bad], foldAll);
    expect(result.events.rejected.map((f) => f.item.id)).toEqual(['bad']);
    expect(result.states).toEqual({ retriable: [], rejected: [] });
    const state = await store.getInstance(keyOf(events));
    expect(state).toEqual(foldInstance(events));
  });

  it('applies the identity rules of writeEvents: no-op when the same, 409 when different', async () => {
    const store = await openStore();
    const [events] = orders(1) as [FlowtrailEvent[]];
    const [first, second] = events as [FlowtrailEvent, FlowtrailEvent];
    await store.writeBatch(events.slice(0, 2), foldAll);
    const before = await store.getInstance(keyOf(events));
    const changed = { ...first, data: { changed: true } };
    const elsewhere = { ...second, source: 'erp' };
    const folded: string[][] = [];
    const result = await store.writeBatch([second, changed, elsewhere], (keys, byKey) => {
      folded.push([...keys]);
      return foldAll(keys, byKey);
    });
    expect(result.events.retriable).toEqual([]);
    expect(result.events.rejected).toMatchObject([
      { item: changed, status: 409, error: { type: 'conflicting_duplicate' } },
    ]);
    expect(folded).toEqual([[keyOf(events), keyOf([elsewhere])]]);
    expect(await store.getEvents(keyOf(events))).toEqual(events.slice(0, 2));
    expect(await store.getEvents(keyOf([elsewhere]))).toEqual([elsewhere]);
    expect(await store.getInstance(keyOf(events))).toEqual(before);
  });

  it('rolls the events back when the fold throws', async () => {
    const store = await openStore();
    const [events] = orders(1) as [FlowtrailEvent[]];
    await expect(
      store.writeBatch(events, () => {
        throw new Error('fold broke');
      }),
    ).rejects.toThrow(/fold broke/);
    expect(await store.getEvents(keyOf(events))).toEqual([]);
    expect(await store.getInstance(keyOf(events))).toBeUndefined();
  });

  it('keeps the capability through every decorator, and only where the store has it', async () => {
    const store = await openStore();
    const retrier = new Retrier({
      bounds: { minMs: 1, maxMs: 1 },
      logger,
      metrics: new Metrics(),
    });
    let nudges = 0;
    const chain = new FailFastEventWriter(
      new NudgingEventWriter(new RetryingEventWriter(store, retrier), () => nudges++),
    );
    expect(isAtomicBatchWriter(chain)).toBe(true);
    expect(isAtomicBatchWriter(new FailFastEventWriter(new MemoryWriter()))).toBe(false);
    expect(isAtomicBatchWriter(new NudgingEventWriter(new MemoryWriter(), () => {}))).toBe(false);
    expect(isAtomicBatchWriter(new RetryingEventWriter(new MemoryWriter(), retrier))).toBe(false);
    const [events] = orders(1) as [FlowtrailEvent[]];
    if (!isAtomicBatchWriter(chain)) throw new Error('unreachable');
    await chain.writeBatch(events, foldAll);
    expect(nudges).toBe(1);
    expect((await store.getInstance(keyOf(events)))?.eventCount).toBe(events.length);
  });
});

/** The three-step path on the same store: the decorator hides `writeBatch`. */
function threeStep(store: SqliteEventStore): EventWriter {
  return {
    writeEvents: (events) => store.writeEvents(events),
    eventsOfInstances: (keys) => store.eventsOfInstances(keys),
    writeStates: (states) => store.writeStates(states),
  };
}

function messages(events: readonly unknown[]): IncomingMessage[] {
  return events.map((event, offset) => ({
    topic: 'in',
    partition: 0,
    offset: String(offset),
    key: null,
    value: Buffer.from(typeof event === 'string' ? event : JSON.stringify(event)),
    headers: {},
  }));
}

/**
 * A BatchIngester writing through `writer` to a new store; `letters()`: the reason and
 * offset of every message it dead-lettered so far.
 */
async function ingesterOn(writer: (store: SqliteEventStore) => EventWriter) {
  const store = await openStore();
  const letters: DeadLetter[] = [];
  const metrics = new Metrics();
  const ingester = new BatchIngester({
    writer: writer(store),
    deadLetters: { send: async (l) => void letters.push(...l) },
    fold: foldInstance,
    maxEventBytes: 100_000,
    metrics,
    logger,
  });
  return {
    store,
    ingester,
    metrics,
    letters: () => letters.map((l) => [l.reason, l.message.offset]),
  };
}

describe('BatchIngester on the atomic path', () => {
  it('stores, dead-letters and folds exactly like the three-step path', async () => {
    const batch = [
      ...orders(3).flat(),
      '{ nope',
      { ...(orders(1)[0]?.[0] as object), id: 'late', time: '2024-13-45T99:00:00Z' },
    ];
    const run = async (writer: (store: SqliteEventStore) => EventWriter) => {
      const { store, ingester, metrics, letters } = await ingesterOn(writer);
      const outcome = await ingester.process(messages(batch));
      const states = await store.instancesByKeys(orders(3).map((events) => keyOf(events)));
      return {
        outcome,
        letters: letters(),
        states,
        counters: metrics.snapshot(),
      };
    };
    const atomic = await run((store) => store);
    expect(atomic).toEqual(await run(threeStep));
    expect(atomic.states).toHaveLength(3);
  });
});

describe('BatchIngester on the atomic path: identity', () => {
  it('dead-letters conflicting duplicates exactly like the three-step path', async () => {
    const [events] = orders(1) as [FlowtrailEvent[]];
    const [first, second, third] = events as [FlowtrailEvent, FlowtrailEvent, FlowtrailEvent];
    const later = [
      { ...first, data: { changed: true } }, // stored with other content: 409
      second, // a replay: stored the same
      { ...second, source: 'erp' }, // another source: another event
      third,
      { ...third, time: '2024-05-02T10:00:00Z' }, // earlier in this batch, different
    ];
    const run = async (writer: (store: SqliteEventStore) => EventWriter) => {
      const { store, ingester, metrics, letters } = await ingesterOn(writer);
      await ingester.process(messages([first, second]));
      const outcome = await ingester.process(messages(later));
      return {
        outcome,
        letters: letters(),
        events: await store.getEvents(keyOf(events)),
        other: await store.getEvents(keyOf([{ ...second, source: 'erp' }])),
        state: await store.getInstance(keyOf(events)),
        counters: metrics.snapshot(),
      };
    };
    const atomic = await run((store) => store);
    const three = await run(threeStep);
    // The atomic path continues the second batch's fold; the three-step path re-folds.
    const withoutFolds = ({ counters, ...rest }: typeof atomic) => {
      const { continuedFolds, refolds, ...others } = counters;
      return { ...rest, counters: others, folds: continuedFolds + refolds };
    };
    expect(withoutFolds(atomic)).toEqual(withoutFolds(three));
    expect([atomic.counters.continuedFolds, atomic.counters.refolds]).toEqual([1, 2]);
    expect([three.counters.continuedFolds, three.counters.refolds]).toEqual([0, 3]);
    expect(atomic.outcome).toEqual({ indexed: 3, deadLettered: 2, statesWritten: 2 });
    expect(atomic.letters).toEqual([
      ['conflicting-duplicate', '4'],
      ['conflicting-duplicate', '0'],
    ]);
    expect(atomic.events).toEqual([first, second, third]);
    expect(atomic.state?.eventCount).toBe(3);
  });
});

describe('start-up repair of stale states', () => {
  it('re-folds states behind their events (and missing ones) after a reopen', async () => {
    const store = await openStore();
    const dataDir = dirs[0] as string;
    const all = orders(5);
    const [behind, missing, ...fine] = all as [
      FlowtrailEvent[],
      FlowtrailEvent[],
      ...FlowtrailEvent[][],
    ];
    for (const events of fine) await store.writeBatch(events, foldAll);
    // What a SIGKILL between the two steps of the three-step path leaves.
    await store.writeEvents(behind);
    await store.writeStates([foldInstance(behind.slice(0, 2))]);
    await store.writeEvents(missing);
    await store.close();

    const reopened = await openStore(dataDir);
    const report = await repairStaleStates({ store: reopened, fold: foldInstance, logger });
    expect(report).toEqual({ checked: 5, stale: 2, repaired: 2 });
    for (const events of all) {
      const state = (await reopened.getInstance(keyOf(events))) as InstanceState;
      expect(state).toEqual(foldInstance(await reopened.getEvents(keyOf(events))));
      expect(state.eventCount).toBe(events.length);
    }
    expect(await repairStaleStates({ store: reopened, fold: foldInstance, logger })).toEqual({
      checked: 5,
      stale: 0,
      repaired: 0,
    });
  });

  it('checks only the instances of the newest events', async () => {
    const store = await openStore();
    const [old, recent] = orders(2) as [FlowtrailEvent[], FlowtrailEvent[]];
    await store.writeEvents(old);
    await store.writeEvents(recent);
    const report = await repairStaleStates({
      store,
      fold: foldInstance,
      logger,
      newestEvents: recent.length,
    });
    expect(report).toEqual({ checked: 1, stale: 1, repaired: 1 });
    expect(await store.getInstance(keyOf(old))).toBeUndefined();
    expect((await store.getInstance(keyOf(recent)))?.eventCount).toBe(recent.length);
  });
});
