/**
 * The storage contract (Jaeger style: one integration suite, run against every backend).
 * Every `EventStore` must pass it: `sqlite-store.test.ts` (temp dir) and
 * `es-store.int.test.ts` (real Elasticsearch). One store per suite; each test writes
 * under its own names, so tests never see each other's data.
 *
 * `refresh` (optional) makes everything written so far visible to the reader methods
 * (`getEvents`, `search`, the detection searches): Elasticsearch is near-real-time there
 * (≤ 1 s), the embedded store is immediate. `eventsOfInstances`, `getInstance` and
 * `instancesByKeys` must be read-your-writes WITHOUT it — the suite never refreshes before
 * calling them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventTypes, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { foldInstance } from '../../src/domain/instance/fold.ts';
import type { InstanceState } from '../../src/domain/instance/instance-state.ts';
import { isRetriable } from '../../src/shared/errors.ts';
import type { EventStore, InstanceEvents } from '../../src/ports/event-store.ts';
import { makeEvent } from '../helpers/events.ts';
import { history, keyOf, plus, tag } from './store-contract-fixtures.ts';
import { describeChangeContract } from './store-contract-changes.ts';
import { describeChangedWindowContract } from './store-contract-changed-window.ts';
import { describeDetectionContract } from './store-contract-detection.ts';
import { describeOpenInstancesContract } from './store-contract-open-instances.ts';
import { describeRecentScanContract } from './store-contract-recent-scan.ts';
import { describeSearchContract } from './store-contract-search.ts';

export interface StoreUnderTest {
  /** A store that is not prepared yet (the suite calls `prepare`). */
  store: EventStore;
  /** Closes the store and deletes everything it wrote. */
  cleanup: () => Promise<void>;
  refresh?: () => Promise<void>;
}

export interface ContractContext {
  store: () => EventStore;
  refresh: () => Promise<void>;
  /** The pipeline's path: write events, read all events of their instances, fold, write states. */
  ingest: (events: readonly FlowtrailEvent[]) => Promise<InstanceState[]>;
}

const NO_FAILURES = { retriable: [], rejected: [] };
const CONFLICT = { type: 'conflicting_duplicate', reason: expect.any(String) };

const ids = (events: readonly FlowtrailEvent[] | undefined): string[] =>
  (events ?? []).map((e) => e.id).sort();

export function describeStoreContract(
  name: string,
  makeStore: () => Promise<StoreUnderTest>,
): void {
  describe(`storage contract: ${name}`, () => {
    let sut: StoreUnderTest | undefined;
    const store = (): EventStore => {
      if (sut === undefined) throw new Error('store not created');
      return sut.store;
    };
    const refresh = async (): Promise<void> => {
      await sut?.refresh?.();
    };
    const ingest = async (events: readonly FlowtrailEvent[]): Promise<InstanceState[]> => {
      expect(await store().writeEvents(events)).toEqual(NO_FAILURES);
      const keys = [...new Set(events.map((e) => keyOf([e])))];
      const byKey = await store().eventsOfInstances(keys);
      const states = keys.map((key) => foldInstance(byKey.get(key) ?? []));
      expect(await store().writeStates(states)).toEqual(NO_FAILURES);
      await refresh();
      return states;
    };
    const ctx: ContractContext = { store, refresh, ingest };

    beforeAll(async () => {
      sut = await makeStore();
      await sut.store.prepare();
    });
    afterAll(async () => {
      await sut?.cleanup();
    });

    it('prepare is idempotent', async () => {
      await store().prepare();
      await store().prepare();
    });

    it('stores an identity once: an identical copy is a no-op, a different one a 409', async () => {
      const t = tag();
      const [started, stepStarted] = history({
        process: `dup-${t}`,
        instance: `i-${t}`,
        start: '2024-05-01T10:00:00Z',
        outcome: 'running',
        step: 'pick',
      }) as [FlowtrailEvent, FlowtrailEvent];
      expect(await store().writeEvents([started, stepStarted])).toEqual(NO_FAILURES);
      // Replays after a crash: the same content, also in another key order, changes nothing.
      const reordered = Object.fromEntries(Object.entries(started).reverse()) as FlowtrailEvent;
      // (A store may list the replays in `unchanged`: not a failure.)
      expect(await store().writeEvents([started, reordered])).toMatchObject(NO_FAILURES);
      expect(await store().writeEvents([stepStarted, stepStarted])).toMatchObject(NO_FAILURES);

      // A different copy is refused, the stored event untouched — also when its `time`
      // puts it on another day (Elasticsearch: another daily index).
      const rewritten = { ...started, data: { ...started.data, note: 'second copy' } };
      const otherDay = { ...started, time: plus(started.time, 3 * 86_400) };
      const result = await store().writeEvents([rewritten, otherDay]);
      expect(result.retriable).toEqual([]);
      expect(result.rejected).toEqual([
        { item: rewritten, status: 409, error: expect.objectContaining(CONFLICT) },
        { item: otherDay, status: 409, error: expect.objectContaining(CONFLICT) },
      ]);

      // Within one call the first copy is stored, the different later one refused.
      const [, , completed] = history({
        process: `dup-${t}`,
        instance: `i-${t}`,
        start: '2024-05-01T10:00:00Z',
        outcome: 'completed',
        step: 'pick',
      }) as [FlowtrailEvent, FlowtrailEvent, FlowtrailEvent];
      const completedAgain = { ...completed, time: plus(completed.time, 86_400) };
      const inOneCall = await store().writeEvents([completed, completedAgain]);
      expect(inOneCall.rejected).toEqual([
        { item: completedAgain, status: 409, error: expect.objectContaining(CONFLICT) },
      ]);

      const key = keyOf([started]);
      const byKey = await store().eventsOfInstances([key]);
      expect(ids(byKey.get(key))).toEqual([started.id, stepStarted.id, completed.id].sort());
      await refresh();
      expect(await store().getEvents(key)).toEqual([started, stepStarted, completed]);
    });

    it('stores the same id from two sources as two events', async () => {
      const t = tag();
      const id = `shared-${t}`;
      const init = { process: `src-${t}`, instance: `i-${t}`, time: '2024-05-01T10:00:00Z' };
      const shop = makeEvent({ ...init, id, source: 'shop', type: EventTypes.processStarted });
      const erp = makeEvent({
        ...init,
        id,
        source: 'erp',
        type: EventTypes.processStarted,
        data: { businessKeys: { invoice: 'other content' } },
      });
      expect(await store().writeEvents([shop, erp])).toEqual(NO_FAILURES);
      expect(await store().writeEvents([erp])).toMatchObject(NO_FAILURES);
      const [shopKey, erpKey] = [keyOf([shop]), keyOf([erp])];
      expect(shopKey).not.toBe(erpKey);
      const byKey = await store().eventsOfInstances([shopKey, erpKey]);
      expect(byKey).toEqual(
        new Map([
          [shopKey, [shop]],
          [erpKey, [erp]],
        ]),
      );
      await refresh();
      expect(await store().getEvents(shopKey)).toEqual([shop]);
      expect(await store().getEvents(erpKey)).toEqual([erp]);
    });

    it('scanInstanceEvents streams every instance of a process with all its events', async () => {
      const t = tag();
      const histories = ['c', 'a', 'b'].map((name, i) =>
        history({
          process: `scan-${t}`,
          instance: `${name}-${t}`,
          start: i === 1 ? '2024-05-01T12:00:00+02:00' : '2024-05-01T10:00:00Z',
          outcome: 'completed',
          step: 'pick',
        }),
      );
      const other = history({
        process: `other-${t}`,
        instance: `x-${t}`,
        start: '2024-05-01T10:00:00Z',
        outcome: 'running',
        step: 'pick',
      });
      await ingest([...histories.flat().reverse(), ...other]);

      const scanned: InstanceEvents[] = [];
      for await (const item of store().scanInstanceEvents({ process: `scan-${t}` })) {
        scanned.push(item);
      }
      const expected = histories
        .map((events) => ({ key: keyOf(events), events }))
        .sort((x, y) => (x.key < y.key ? -1 : 1));
      expect(scanned).toEqual(expected);
      const bySource: InstanceEvents[] = [];
      for await (const item of store().scanInstanceEvents({
        process: `scan-${t}`,
        source: 'nope',
      })) {
        bySource.push(item);
      }
      expect(bySource).toEqual([]);
    });

    it('eventsOfInstances reads its own writes across batches', async () => {
      const t = tag();
      const [a1, a2] = history({
        process: `ryw-${t}`,
        instance: `a-${t}`,
        start: '2024-05-01T10:00:00Z',
        outcome: 'running',
        step: 'pick',
      }) as [FlowtrailEvent, FlowtrailEvent];
      const [b1] = history({
        process: `ryw-${t}`,
        instance: `b-${t}`,
        start: '2024-05-01T10:00:00Z',
        outcome: 'running',
        step: 'pick',
      }) as [FlowtrailEvent];
      const [a, b] = [keyOf([a1]), keyOf([b1])];
      const unknown = `shop/ryw-${t}/nobody`;

      await store().writeEvents([a1, b1]);
      const first = await store().eventsOfInstances([a, b, unknown]);
      expect([...first.keys()].sort()).toEqual([a, b].sort());
      expect(first.get(a)).toEqual([a1]);
      expect(first.get(b)).toEqual([b1]);

      await store().writeEvents([a2]);
      const second = await store().eventsOfInstances([a, a]);
      expect([...second.keys()]).toEqual([a]);
      expect(ids(second.get(a))).toEqual(ids([a1, a2]));
      expect(await store().eventsOfInstances([])).toEqual(new Map());
    });

    it('getEvents lists oldest first by instant, then by id, whatever the offsets', async () => {
      const t = tag();
      const init = { process: `order-${t}`, instance: `i-${t}`, type: 'shop.custom' };
      const at = (id: string, time: string): FlowtrailEvent =>
        makeEvent({ ...init, id: `${t}-${id}`, time });
      const expected = [
        at('1', '2024-05-01T10:15:00Z'),
        at('2a', '2024-05-01T12:20:00+02:00'), // 10:20Z, same instant as 2b: by id
        at('2b', '2024-05-01T10:20:00Z'),
        at('3', '2024-05-01T12:30:00.500+02:00'), // 10:30:00.5Z
        at('4', '2024-05-01T09:00:00-03:00'), // 12:00Z, the smallest string
      ];
      const other = makeEvent({ ...init, instance: `other-${t}`, time: '2024-05-01T09:00:00Z' });
      await store().writeEvents([...expected.slice(2).reverse(), other]);
      await store().writeEvents(expected.slice(0, 2).reverse());
      await refresh();
      expect(await store().getEvents(keyOf(expected))).toEqual(expected);
    });

    it('answers undefined and [] for an unknown instance key', async () => {
      const key = `shop/none-${tag()}/nobody`;
      expect(await store().getInstance(key)).toBeUndefined();
      expect(await store().getEvents(key)).toEqual([]);
    });

    it('never replaces a state by one folded from fewer events', async () => {
      const t = tag();
      const events = history({
        process: `ver-${t}`,
        instance: `i-${t}`,
        start: '2024-05-02T08:00:00+02:00',
        outcome: 'completed',
        step: 'reserve-stock',
      });
      await store().writeEvents(events);
      const key = keyOf(events);
      const full = foldInstance(events);
      const partial = foldInstance(events.slice(0, 2));
      expect(full.eventCount).toBeGreaterThan(partial.eventCount);

      expect(await store().writeStates([full])).toEqual(NO_FAILURES);
      // A superseded state is not a failure: a fuller state is already stored.
      expect(await store().writeStates([partial])).toEqual(NO_FAILURES);
      expect(await store().getInstance(key)).toEqual(full);

      // The same version replaces (a replay folds the same events again).
      const same = { ...full, owner: 'replayed' };
      expect(await store().writeStates([same])).toEqual(NO_FAILURES);
      expect(await store().getInstance(key)).toEqual(same);

      // Lower after higher in one batch: the higher stays.
      expect(await store().writeStates([full, partial])).toEqual(NO_FAILURES);
      expect(await store().getInstance(key)).toEqual(full);
      await refresh();
      const page = await store().search({ process: `ver-${t}` });
      expect(page).toEqual({ total: 1, instances: [full] });
    });

    it('writing nothing succeeds', async () => {
      expect(await store().writeEvents([])).toEqual(NO_FAILURES);
      expect(await store().writeStates([])).toEqual(NO_FAILURES);
    });

    it('rejects a negative page with a non-retriable error', async () => {
      await expect(store().search({ from: -1 })).rejects.toSatisfy((err) => !isRetriable(err));
      await expect(store().search({ size: -1 })).rejects.toSatisfy((err) => !isRetriable(err));
    });

    describeSearchContract(ctx);
    describeDetectionContract(ctx);
    describeChangedWindowContract(ctx);
    describeOpenInstancesContract(ctx);
    describeRecentScanContract(ctx);
    describeChangeContract(ctx);
  });
}
