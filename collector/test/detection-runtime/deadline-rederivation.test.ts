/**
 * Re-deriving stored deadlines after a definition change (sweep/deadline-rederivation.ts)
 * on the real embedded store, with the real detection model: bounded walks that resume,
 * restart on a new change, write only what changed, never replace a state folded from a
 * newer event, converge when two collectors walk at once, and retry a failed page.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InstanceState } from '../../src/domain/instance/instance-state.ts';
import { createRegistry } from '../../src/domain/definitions/registry.ts';
import { learnedKey } from '../../src/domain/detection/learned-deadlines.ts';
import { isRetriable } from '../../src/shared/errors.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { SqliteDefinitionStore } from '../../src/adapters/sqlite/sqlite-definition-store.ts';
import { SqliteEventStore } from '../../src/adapters/sqlite/sqlite-event-store.ts';
import {
  DeadlineRederiver,
  type RederivationStore,
} from '../../src/app/detection/deadline-rederivation.ts';
import { DetectionModel } from '../../src/app/detection/detection-model.ts';
import { makeEvent } from '../helpers/events.ts';
import { definitionOf, pickHistory, waitingInPick } from './definition-fixtures.ts';

const logger = createLogger('silent');
const START = '2024-06-01T08:00:00.000Z';
/** Start of `pick` (+1 s) plus `minutes`. */
const pickPlus = (minutes: number) =>
  new Date(Date.parse(START) + 1000 + minutes * 60_000).toISOString();

let dir: string;
let events: SqliteEventStore;
let definitions: SqliteDefinitionStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flowtrail-rederive-'));
  events = new SqliteEventStore({ dataDir: dir });
  definitions = new SqliteDefinitionStore({ dataDir: dir });
  await events.prepare();
  await definitions.prepare();
});

afterEach(async () => {
  await events.close();
  await definitions.close();
  await rm(dir, { recursive: true, force: true });
});

/** A collector's view: a model over the shared definition store, a rederiver it feeds. */
function collector(store: RederivationStore = events, ready?: () => boolean) {
  const model = new DetectionModel(createRegistry([]), { store: definitions, logger });
  const rederiver = new DeadlineRederiver({
    store,
    rederive: model.rederive,
    ...(ready !== undefined ? { ready } : {}),
    logger,
  });
  model.onDeadlinesChanged((processes) => rederiver.enqueue(processes));
  return { model, rederiver };
}

/** The ingest path: store events, fold all events of their instances, store states. */
async function ingest(model: DetectionModel, list: readonly FlowtrailEvent[]): Promise<void> {
  await events.writeEvents(list);
  const byKey = await events.eventsOfInstances([...new Set(list.map((e) => keyOf(e)))]);
  await events.writeStates([...byKey.values()].map((all) => model.fold(all)));
}

const learnedMs = (model: DetectionModel) =>
  model.learned().get(learnedKey('late', 'pick'))?.deadlineMs ?? Number.NaN;
const pickPlusLearned = (model: DetectionModel) => pickPlus(learnedMs(model) / 60_000);

const keyOf = (e: FlowtrailEvent) => `shop/${e.ftprocess}/${encodeURIComponent(e.ftinstance)}`;
const deadlines = async (keys: readonly string[]) =>
  (await events.instancesByKeys(keys)).map((s) => s.nextDeadline);
const lateKeys = (n: number) => Array.from({ length: n }, (_, i) => `shop/late/l-${i + 1}`);

async function openLate(model: DetectionModel, n: number): Promise<void> {
  const list = Array.from({ length: n }, (_, i) => waitingInPick('late', `l-${i + 1}`, START));
  await ingest(model, list.flat());
}

describe('DeadlineRederiver', () => {
  it('rewrites the open instances of a changed process, at most `budget` per step', async () => {
    const { model, rederiver } = collector();
    await openLate(model, 7);
    await ingest(model, [
      ...waitingInPick('late', 'l-done', START, true),
      ...waitingInPick('other', 'o-1', START),
    ]);
    const untouched = await events.instancesByKeys(['shop/late/l-done', 'shop/other/o-1']);
    expect(await deadlines(lateKeys(7))).toEqual(Array(7).fill(undefined));

    await model.putDefinition(definitionOf('late', 1, '5m'));
    expect(rederiver.pending()).toEqual(['late']);
    expect(await rederiver.step(3)).toEqual({ visited: 3, rewritten: 3, pending: 1 });
    expect(await deadlines(lateKeys(7))).toEqual([
      ...Array(3).fill(pickPlus(5)),
      ...Array(4).fill(undefined),
    ]);
    expect(await rederiver.step(3)).toEqual({ visited: 3, rewritten: 3, pending: 1 });
    expect(await rederiver.step(3)).toEqual({ visited: 1, rewritten: 1, pending: 0 });
    expect(await deadlines(lateKeys(7))).toEqual(Array(7).fill(pickPlus(5)));
    expect(await events.instancesByKeys(['shop/late/l-done', 'shop/other/o-1'])).toEqual(untouched);
    const overdue = await events.overdueInstances(pickPlus(60), 100);
    expect(overdue.map((s) => s.key)).toEqual(lateKeys(7));

    // Idempotent: the same walk again writes nothing.
    rederiver.enqueue(['late']);
    expect(await rederiver.step(100)).toEqual({ visited: 7, rewritten: 0, pending: 0 });
    expect(await rederiver.step(100)).toEqual({ visited: 0, rewritten: 0, pending: 0 });
  });

  it('rewrites the open instances of a process whose learned deadline moved', async () => {
    const { model, rederiver } = collector();
    const settings = { perProcess: 100, horizonMs: 86_400_000 };
    const now = Date.parse(START) + 3_600_000;
    await openLate(model, 3);
    await ingest(model, waitingInPick('other', 'o-1', START));
    const other = await events.instancesByKeys(['shop/other/o-1']);
    expect(await deadlines(lateKeys(3))).toEqual([undefined, undefined, undefined]);

    // `pick` of `late` learns 20 min from history: its open instances get that deadline.
    const learn = (seconds: number) =>
      model.refreshLearned(pickHistory(START, [{ process: 'late', seconds }]), settings, now);
    await learn(1200);
    expect(rederiver.pending()).toEqual(['late']);
    expect(await rederiver.step(100)).toEqual({ visited: 3, rewritten: 3, pending: 0 });
    expect(await deadlines(lateKeys(3))).toEqual(Array(3).fill(pickPlusLearned(model)));
    expect(learnedMs(model)).toBeCloseTo(1_200_000, -5); // within the sketch's 1 %
    expect(await events.instancesByKeys(['shop/other/o-1'])).toEqual(other);
    // A drift of 5 % starts no walk; halving it does.
    await learn(1260);
    expect(rederiver.pending()).toEqual([]);
    await learn(600);
    expect(await rederiver.step(100)).toEqual({ visited: 3, rewritten: 3, pending: 0 });
    expect(await deadlines(lateKeys(3))).toEqual(Array(3).fill(pickPlusLearned(model)));
    expect(learnedMs(model)).toBeCloseTo(600_000, -5);
    expect((await events.overdueInstances(pickPlus(15), 100)).map((s) => s.key)).toEqual(
      lateKeys(3),
    );
  });

  it('moves a lengthened deadline out of the overdue query, and clears a removed one', async () => {
    const { model, rederiver } = collector();
    await model.putDefinition(definitionOf('late', 1, '1m'));
    await rederiver.step(100);
    await openLate(model, 2);
    expect(await deadlines(lateKeys(2))).toEqual([pickPlus(1), pickPlus(1)]);
    expect(await events.overdueInstances(pickPlus(10), 100)).toHaveLength(2);

    await model.putDefinition(definitionOf('late', 2, '1h'));
    expect(await rederiver.step(100)).toEqual({ visited: 2, rewritten: 2, pending: 0 });
    expect(await deadlines(lateKeys(2))).toEqual([pickPlus(60), pickPlus(60)]);
    expect(await events.overdueInstances(pickPlus(10), 100)).toEqual([]);

    await model.putDefinition(definitionOf('late', 3));
    expect(await rederiver.step(100)).toEqual({ visited: 2, rewritten: 2, pending: 0 });
    expect(await deadlines(lateKeys(2))).toEqual([undefined, undefined]);
  });

  it('restarts a walk from the first key when the process changes again, also mid-page', async () => {
    let during: (() => Promise<unknown>) | undefined;
    const store: RederivationStore = {
      openInstanceKeys: async (query) => {
        const page = await events.openInstanceKeys(query);
        const hook = during;
        during = undefined;
        await hook?.();
        return page;
      },
      instancesByKeys: (keys) => events.instancesByKeys(keys),
      writeStates: (states) => events.writeStates(states),
    };
    const { model, rederiver } = collector(store);
    await openLate(model, 4);
    await model.putDefinition(definitionOf('late', 1, '5m'));
    expect(await rederiver.step(2)).toMatchObject({ visited: 2, pending: 1 });

    await model.putDefinition(definitionOf('late', 2, '10m'));
    expect(await rederiver.step(100)).toEqual({ visited: 4, rewritten: 4, pending: 0 });
    expect(await deadlines(lateKeys(4))).toEqual(Array(4).fill(pickPlus(10)));

    // A change that arrives while a page is being read: that page does not move the cursor.
    during = () => model.putDefinition(definitionOf('late', 3, '20m'));
    rederiver.enqueue(['late']);
    expect(await rederiver.step(2)).toEqual({ visited: 2, rewritten: 2, pending: 1 });
    expect(await rederiver.step(100)).toEqual({ visited: 4, rewritten: 2, pending: 0 });
    expect(await deadlines(lateKeys(4))).toEqual(Array(4).fill(pickPlus(20)));
  });

  it('never replaces a state folded from a newer event meanwhile', async () => {
    let armed = false;
    const done = makeEvent({
      process: 'late',
      instance: 'l-1',
      id: 'late-l-1-done',
      type: 'flowtrail.step.completed',
      step: 'pick',
      time: pickPlus(0.5),
    });
    const store: RederivationStore = {
      openInstanceKeys: (query) => events.openInstanceKeys(query),
      instancesByKeys: async (keys) => {
        const states = await events.instancesByKeys(keys);
        // Between the re-derivation's read and its write, l-1's next event is folded.
        if (armed) await ingest(c.model, [done]);
        return states;
      },
      writeStates: (states) => events.writeStates(states),
    };
    const c = collector(store);
    await openLate(c.model, 2);
    const before = await events.getInstance('shop/late/l-1');
    await c.model.putDefinition(definitionOf('late', 1, '5m'));
    armed = true;
    expect(await c.rederiver.step(100)).toEqual({ visited: 2, rewritten: 2, pending: 0 });
    const after = (await events.getInstance('shop/late/l-1')) as InstanceState;
    expect(after.eventCount).toBe((before?.eventCount ?? 0) + 1);
    expect(after).toEqual(c.model.fold(await events.getEvents('shop/late/l-1')));
    expect(after.nextDeadline).toBeUndefined();
    expect(await deadlines(['shop/late/l-2'])).toEqual([pickPlus(5)]);
  });

  it('converges when two collectors re-derive at once', async () => {
    const here = collector();
    const there = collector();
    await openLate(here.model, 9);
    await here.model.putDefinition(definitionOf('late', 1, '5m'));
    await there.model.reloadFromStore();
    expect(there.rederiver.pending()).toEqual(['late']);
    for (let round = 0; round < 10; round++) {
      const [a, b] = await Promise.all([here.rederiver.step(2), there.rederiver.step(3)]);
      if (a.pending + b.pending === 0) break;
    }
    expect(here.rederiver.pending()).toEqual([]);
    expect(there.rederiver.pending()).toEqual([]);
    const all = await events.instancesByKeys(lateKeys(9));
    for (const state of all) {
      expect(state).toEqual(here.model.fold(await events.getEvents(state.key)));
    }
    expect(all.map((s) => s.nextDeadline)).toEqual(Array(9).fill(pickPlus(5)));
  });

  it('waits until ready, and walks changed processes before the walk over every instance', async () => {
    let ready = false;
    const { model, rederiver } = collector(events, () => ready);
    await openLate(model, 3);
    // Sorts before every `late` key: the walk over every instance would read it first.
    await ingest(model, waitingInPick('early', 'e-1', START));
    rederiver.enqueueAll();
    await model.putDefinition(definitionOf('late', 1, '5m'));
    expect(await rederiver.step(100)).toEqual({ visited: 0, rewritten: 0, pending: 2 });
    ready = true;
    expect(await rederiver.step(3)).toEqual({ visited: 3, rewritten: 3, pending: 2 });
    expect(await deadlines(lateKeys(3))).toEqual(Array(3).fill(pickPlus(5)));
    expect(rederiver.pending()).toEqual(['late', undefined]);
    expect(await rederiver.step(100)).toEqual({ visited: 4, rewritten: 0, pending: 0 });
  });

  it('leaves the cursor on a retriable write failure, so the next step does the page again', async () => {
    let failures = 1;
    const store: RederivationStore = {
      openInstanceKeys: (query) => events.openInstanceKeys(query),
      instancesByKeys: (keys) => events.instancesByKeys(keys),
      writeStates: async (states) => {
        if (failures-- > 0) {
          const [item] = states as [InstanceState];
          return { retriable: [{ item, status: 503, error: 'unavailable' }], rejected: [] };
        }
        return events.writeStates(states);
      },
    };
    const { model, rederiver } = collector(store);
    await openLate(model, 3);
    await model.putDefinition(definitionOf('late', 1, '5m'));
    await expect(rederiver.step(2)).rejects.toSatisfy(isRetriable);
    expect(rederiver.pending()).toEqual(['late']);
    expect(await rederiver.step(100)).toEqual({ visited: 3, rewritten: 3, pending: 0 });
    expect(await deadlines(lateKeys(3))).toEqual(Array(3).fill(pickPlus(5)));
  });
});
