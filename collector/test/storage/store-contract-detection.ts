/**
 * The detection part of the storage contract (`DetectionReader`): the indexed queries the
 * detection sweeps run instead of scanning every open instance.
 *
 * - overdueInstances(now, limit): non-terminal instances with `nextDeadline` ≤ now (as an
 *   instant), earliest deadline first, then key; at most `limit`.
 * - instancesChangedSince(since, limit, after): `lastEventAt` ≥ since, key order, pages
 *   by key cursor; following `next` yields each instance exactly once.
 * - childrenOf(parent): instances whose `parent` link names that source, process and
 *   instance (any expectation id), key order, never the parent itself.
 * - instancesByKeys(keys): stored states in the order of the keys, unknown keys skipped;
 *   read-your-writes (never refreshed before).
 *
 * Times are in eras no other part of the contract uses (2000 for deadlines, 2099 for
 * changes), so queries over the whole store see only this file's instances; assertions
 * still filter by this run's process names where another writer could interfere.
 */
import { describe, expect, it } from 'vitest';
import { EventTypes, instanceKey, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { foldInstance } from '../../src/domain/instance/fold.ts';
import type { InstanceState } from '../../src/domain/instance/instance-state.ts';
import { isRetriable } from '../../src/shared/errors.ts';
import { makeEvent } from '../helpers/events.ts';
import type { ContractContext } from './store-contract.ts';
import { plus, tag } from './store-contract-fixtures.ts';

const NO_FAILURES = { retriable: [], rejected: [] };

const keys = (states: readonly InstanceState[]): string[] => states.map((s) => s.key);

interface Init {
  process: string;
  instance: string;
  source?: string;
  start: string;
  /** `data` of process.started (parent link, process deadline). */
  started?: Record<string, unknown>;
  /** Deadline of the step's attempt (step.started `data.deadline`). */
  stepDeadline?: string;
  /** Deadline of a wait (step.waiting `data.deadline`). */
  waitDeadline?: string;
  completed?: boolean;
}

/** process.started (+0 s), step.started (+10 s), maybe step.waiting (+20 s), maybe the end (+30/+40 s). */
function events(init: Init): FlowtrailEvent[] {
  let n = 0;
  const event = (type: string, seconds: number, extra: { step?: string; data?: object } = {}) =>
    makeEvent({
      process: init.process,
      instance: init.instance,
      ...(init.source !== undefined ? { source: init.source } : {}),
      id: `${init.process}-${init.instance}-${++n}`,
      type,
      time: plus(init.start, seconds),
      ...(extra.step !== undefined ? { step: extra.step } : {}),
      data: { ...extra.data },
    });
  const list = [
    event(EventTypes.processStarted, 0, { data: init.started ?? {} }),
    event(EventTypes.stepStarted, 10, {
      step: 'work',
      data: init.stepDeadline !== undefined ? { deadline: init.stepDeadline } : {},
    }),
  ];
  if (init.waitDeadline !== undefined) {
    list.push(
      event(EventTypes.stepWaiting, 20, {
        step: 'work',
        data: { for: 'reply', deadline: init.waitDeadline },
      }),
    );
  }
  if (init.completed === true) {
    list.push(event(EventTypes.stepCompleted, 30, { step: 'work' }));
    list.push(event(EventTypes.processCompleted, 40));
  }
  return list;
}

export function describeDetectionContract(ctx: ContractContext): void {
  const { store, refresh, ingest } = ctx;

  describe('detection: overdueInstances', () => {
    const t = tag();
    const process = `due-${t}`;
    const start = '2000-01-01T09:00:00Z';
    const now = '2000-01-01T10:05:00Z';
    const byName: Record<string, InstanceState> = {};
    const mine = (states: readonly InstanceState[]): string[] =>
      keys(states.filter((s) => s.process === process));
    const key = (name: string): string => instanceKey({ source: 'shop', process, instance: name });

    it('setup', async () => {
      const inits: Init[] = [
        // 10:00:05Z, tied with c-tie: the key decides
        { process, instance: 'b-step', start, stepDeadline: '2000-01-01T10:00:05Z' },
        { process, instance: 'c-tie', start, stepDeadline: '2000-01-01T12:00:05+02:00' },
        // 10:00:02Z written as +02:00 (a larger string than the others, an earlier instant)
        { process, instance: 'z-wait', start, waitDeadline: '2000-01-01T12:00:02+02:00' },
        // exactly `now`, written as +01:00: overdue (≤)
        { process, instance: 'd-now', start, stepDeadline: '2000-01-01T11:05:00+01:00' },
        // the process's own deadline, 10:03:00.5Z
        {
          process,
          instance: 'e-proc',
          start,
          started: { deadline: '2000-01-01T10:03:00.500Z' },
        },
        // future: 10:05:00.001Z, and a string smaller than `now`'s instant in -03:00
        { process, instance: 'a-future', start, stepDeadline: '2000-01-01T10:05:00.001Z' },
        { process, instance: 'f-future', start, stepDeadline: '2000-01-01T07:06:00-03:00' },
        // terminal: the fold drops its nextDeadline
        {
          process,
          instance: 'g-done',
          start,
          stepDeadline: '2000-01-01T09:30:00Z',
          completed: true,
        },
        // no deadline at all
        { process, instance: 'h-none', start },
      ];
      const states = await ingest(inits.flatMap(events));
      for (const state of states) byName[state.instance] = state;
      expect(byName['z-wait']?.nextDeadline).toBe('2000-01-01T12:00:02+02:00');
      expect(byName['g-done']?.nextDeadline).toBeUndefined();

      // A terminal state that still carries a past nextDeadline (not one the fold makes):
      // the store itself must leave terminal instances out.
      const failed = foldInstance(
        events({ process, instance: 'i-failed', start, stepDeadline: '2000-01-01T09:00:30Z' }),
      );
      const terminal: InstanceState = { ...failed, status: 'failed', endedAt: start };
      expect(terminal.nextDeadline).toBe('2000-01-01T09:00:30Z');
      expect(await store().writeStates([terminal])).toEqual(NO_FAILURES);
      await refresh();
    });

    it('lists non-terminal instances due by now, earliest deadline first, then by key', async () => {
      const overdue = await store().overdueInstances(now, 100);
      expect(mine(overdue)).toEqual([
        key('z-wait'),
        key('b-step'),
        key('c-tie'),
        key('e-proc'),
        key('d-now'),
      ]);
      expect(overdue.find((s) => s.key === key('z-wait'))).toEqual(byName['z-wait']);
    });

    it('sees nothing before the earliest deadline, and everything once all are due', async () => {
      expect(mine(await store().overdueInstances('2000-01-01T10:00:01.999Z', 100))).toEqual([]);
      const later = mine(await store().overdueInstances('2000-01-02T00:00:00+05:00', 100));
      expect(later).toEqual([
        key('z-wait'),
        key('b-step'),
        key('c-tie'),
        key('e-proc'),
        key('d-now'),
        key('a-future'),
        key('f-future'),
      ]);
    });

    it('returns at most `limit`, the earliest ones', async () => {
      expect(keys(await store().overdueInstances(now, 2))).toEqual([key('z-wait'), key('b-step')]);
      expect(keys(await store().overdueInstances(now, 1))).toEqual([key('z-wait')]);
      expect(await store().overdueInstances(now, 0)).toEqual([]);
    });

    it('drops an instance once its state moves on (the field is re-indexed on write)', async () => {
      const [state] = await ingest([
        makeEvent({
          process,
          instance: 'b-step',
          id: `${process}-b-step-done`,
          type: EventTypes.stepCompleted,
          step: 'work',
          time: '2000-01-01T10:04:00Z',
        }),
      ]);
      expect(state?.nextDeadline).toBeUndefined();
      expect(mine(await store().overdueInstances(now, 100))).toEqual([
        key('z-wait'),
        key('c-tie'),
        key('e-proc'),
        key('d-now'),
      ]);
    });

    it('rejects a malformed time or limit with a non-retriable error', async () => {
      const notRetriable = (err: unknown): boolean => !isRetriable(err);
      await expect(store().overdueInstances('soon', 10)).rejects.toSatisfy(notRetriable);
      await expect(store().overdueInstances(now, -1)).rejects.toSatisfy(notRetriable);
      await expect(store().overdueInstances(now, 1.5)).rejects.toSatisfy(notRetriable);
      await expect(store().instancesChangedSince('later', 10)).rejects.toSatisfy(notRetriable);
      await expect(store().instancesChangedSince(now, 0)).rejects.toSatisfy(notRetriable);
    });
  });

  describe('detection: instancesChangedSince', () => {
    const t = tag();
    const process = `chg-${t}`;
    const since = '2099-01-01T10:00:00Z';
    // lastEventAt = start + 10 s (process.started, step.started)
    const starts: Record<string, string> = {
      old: '2099-01-01T09:00:00Z',
      // last event 09:59:59Z written as +02:00: a larger string than `since`, an earlier instant
      'old-offset': '2099-01-01T11:59:49+02:00',
      // last event exactly `since`, written as -03:00
      exact: '2099-01-01T06:59:50-03:00',
      n1: '2099-01-01T10:00:00Z',
      n2: '2099-01-01T10:05:00Z',
      n3: '2099-01-01T11:00:00+01:00',
      n4: '2099-01-02T00:00:00Z',
      n5: '2099-01-01T10:00:01Z',
      n6: '2099-01-03T00:00:00Z',
    };
    const key = (name: string): string => instanceKey({ source: 'shop', process, instance: name });
    const changed = ['exact', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6'].map(key).sort();

    it('setup', async () => {
      await ingest(
        Object.entries(starts).flatMap(([instance, start]) => events({ process, instance, start })),
      );
    });

    it('pages through every changed instance exactly once, in key order', async () => {
      const seen: string[] = [];
      let after: string | undefined;
      let pages = 0;
      for (;;) {
        const page = await store().instancesChangedSince(since, 3, after);
        expect(page.instances.length).toBeLessThanOrEqual(3);
        seen.push(...keys(page.instances));
        pages++;
        if (page.next === undefined) {
          expect(page.instances.length).toBeLessThan(3);
          break;
        }
        expect(page.next).toBe(page.instances[page.instances.length - 1]?.key);
        after = page.next;
        expect(pages).toBeLessThan(100);
      }
      expect(seen).toEqual([...seen].sort());
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.filter((k) => k.includes(process))).toEqual(changed);
      expect(pages).toBeGreaterThanOrEqual(3);
    });

    it('returns whole states, and a full last page carries a cursor to an empty one', async () => {
      const first = await store().instancesChangedSince('2099-01-02T12:00:00Z', 1);
      expect(first.instances).toHaveLength(1);
      expect(first.instances[0]?.key).toBe(key('n6'));
      expect(first.instances[0]?.lastEventAt).toBe('2099-01-03T00:00:10Z');
      expect(first.next).toBe(key('n6'));
      expect(await store().instancesChangedSince('2099-01-02T12:00:00Z', 1, first.next)).toEqual({
        instances: [],
      });
      expect(await store().instancesChangedSince('2100-01-01T00:00:00Z', 10)).toEqual({
        instances: [],
      });
    });

    it('still yields each instance once when states are rewritten between pages', async () => {
      const firstPage = await store().instancesChangedSince(since, 2);
      expect(firstPage.next).toBeDefined();
      const seen = keys(firstPage.instances);
      // Move an instance already returned, and one still ahead, later in time.
      const [doneKey] = seen;
      const ahead = changed.find((k) => !seen.includes(k)) as string;
      for (const k of [doneKey as string, ahead]) {
        const instance = decodeURIComponent(k.split('/')[2] as string);
        await ingest([
          makeEvent({
            process,
            instance,
            id: `${process}-${instance}-later`,
            type: 'shop.touched',
            time: '2099-02-01T00:00:00Z',
          }),
        ]);
      }
      let after = firstPage.next;
      while (after !== undefined) {
        const page = await store().instancesChangedSince(since, 2, after);
        seen.push(...keys(page.instances));
        after = page.next;
      }
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.filter((k) => k.includes(process))).toEqual(changed);
    });
  });

  describe('detection: childrenOf', () => {
    const t = tag();
    const order = `order-${t}`;
    const start = '2024-08-01T10:00:00Z';
    const parent = (instance: string, extra: object = {}) => ({
      parent: { source: 'shop', process: order, instance, ...extra },
    });
    const inits: Init[] = [
      { process: order, instance: 'o-1', start },
      { process: order, instance: 'o-2', start },
      // a parent whose instance id needs encoding in the key
      { process: order, instance: 'o/3 ü', start },
      // children of o-1 in two other systems, one with an expectation id
      { source: 'payment', process: `pay-${t}`, instance: 'p-1', start, started: parent('o-1') },
      {
        source: 'shipping',
        process: `ship-${t}`,
        instance: 's-1',
        start,
        started: parent('o-1', { expectationId: 'ship-it' }),
      },
      // child of o-2
      { source: 'payment', process: `pay-${t}`, instance: 'p-2', start, started: parent('o-2') },
      // child of o/3 ü
      { source: 'payment', process: `pay-${t}`, instance: 'p-3', start, started: parent('o/3 ü') },
      // near misses: another instance with a prefix of o-1's id, the same instance id in
      // another process, in another source
      { source: 'payment', process: `pay-${t}`, instance: 'x-1', start, started: parent('o-10') },
      {
        source: 'payment',
        process: `pay-${t}`,
        instance: 'x-2',
        start,
        started: { parent: { source: 'shop', process: `other-${t}`, instance: 'o-1' } },
      },
      {
        source: 'payment',
        process: `pay-${t}`,
        instance: 'x-3',
        start,
        started: { parent: { source: 'shop2', process: order, instance: 'o-1' } },
      },
      // links to itself: no child of its own
      { process: order, instance: 'o-self', start, started: parent('o-self') },
    ];
    const byName: Record<string, InstanceState> = {};

    it('setup', async () => {
      for (const state of await ingest(inits.flatMap(events))) byName[state.instance] = state;
      expect(byName['s-1']?.parent?.expectationId).toBe('ship-it');
    });

    it('finds exactly the children of each parent, in key order, as whole states', async () => {
      const of = (instance: string) =>
        store().childrenOf({ source: 'shop', process: order, instance });
      expect(await of('o-1')).toEqual([byName['p-1'], byName['s-1']]);
      expect(await of('o-2')).toEqual([byName['p-2']]);
      expect(await of('o/3 ü')).toEqual([byName['p-3']]);
      expect(keys(await of('o-10'))).toEqual([byName['x-1']?.key]);
      expect(await of('o-self')).toEqual([]);
      expect(await of('nobody')).toEqual([]);
      expect(
        await store().childrenOf({ source: 'shop', process: `pay-${t}`, instance: 'p-1' }),
      ).toEqual([]);
    });
  });

  describe('detection: instancesByKeys', () => {
    it('reads its own writes, in the order of the keys, skipping unknown ones', async () => {
      const t = tag();
      const start = '2024-08-02T10:00:00Z';
      const [a, b] = ['a', 'b'].map((instance) =>
        foldInstance(events({ process: `keys-${t}`, instance, start })),
      ) as [InstanceState, InstanceState];
      expect(await store().writeStates([a, b])).toEqual(NO_FAILURES);
      const unknown = `shop/keys-${t}/nobody`;
      expect(await store().instancesByKeys([b.key, unknown, a.key, b.key])).toEqual([b, a]);
      expect(await store().instancesByKeys([unknown])).toEqual([]);
      expect(await store().instancesByKeys([])).toEqual([]);
    });
  });
}
