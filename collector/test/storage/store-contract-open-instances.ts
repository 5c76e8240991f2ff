/**
 * What re-deriving stored deadlines after a definition change needs of a store
 * (sweep/deadline-rederivation.ts): the walk over open instances, and versioned rewrites.
 *
 * - openInstanceKeys({process?, limit, after?}): keys of non-terminal instances (of the
 *   process when given), in key order, `limit` per page after the key cursor; a full page
 *   carries `next` (its last key), the next page may then be empty; following `next`
 *   yields each instance that stays open exactly once, also when states are rewritten
 *   between pages. Terminal instances are left out by their status. A `limit` outside
 *   1..MAX_DETECTION_PAGE is a non-retriable error.
 * - A state rewritten at the same `eventCount` with another `nextDeadline` replaces the
 *   stored one and is re-indexed (`overdueInstances` sees it); one with a smaller
 *   `eventCount` (re-derived from a state a new event superseded meanwhile) does not.
 *
 * A search on Elasticsearch: the suite refreshes after every write (`ingest` does).
 */
import { describe, expect, it } from 'vitest';
import { EventTypes, instanceKey, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { foldInstance } from '../../src/domain/instance/fold.ts';
import { isRetriable } from '../../src/shared/errors.ts';
import { MAX_DETECTION_PAGE, type OpenInstanceKeysQuery } from '../../src/ports/event-store.ts';
import { makeEvent } from '../helpers/events.ts';
import type { ContractContext } from './store-contract.ts';
import { history, plus, tag, type Outcome } from './store-contract-fixtures.ts';

const NO_FAILURES = { retriable: [], rejected: [] };
const START = '2031-03-01T10:00:00Z';

export function describeOpenInstancesContract(ctx: ContractContext): void {
  const { store, refresh, ingest } = ctx;

  describe('openInstanceKeys', () => {
    const t = tag();
    const process = `open-${t}`;
    const other = `open2-${t}`;
    const key = (name: string, of = process): string =>
      instanceKey({ source: 'shop', process: of, instance: name });
    /** The history of one instance; event ids unique in the whole store. */
    const run = (instance: string, outcome: Outcome, of = process): FlowtrailEvent[] =>
      history({ process: of, instance, start: START, outcome, step: 'work' }).map((event) => ({
        ...event,
        id: `${of}-${event.id}`,
      }));
    /** Every page of a walk, following `next` until it is absent. */
    const walk = async (query: Omit<OpenInstanceKeysQuery, 'after'>): Promise<string[][]> => {
      const pages: string[][] = [];
      let after: string | undefined;
      do {
        const page = await store().openInstanceKeys({
          ...query,
          ...(after !== undefined ? { after } : {}),
        });
        expect(page.keys.length).toBeLessThanOrEqual(query.limit);
        if (page.next !== undefined) {
          expect(page.keys).toHaveLength(query.limit);
          expect(page.next).toBe(page.keys[page.keys.length - 1]);
        } else expect(page.keys.length).toBeLessThan(query.limit);
        pages.push(page.keys);
        after = page.next;
        expect(pages.length).toBeLessThan(1000);
      } while (after !== undefined);
      return pages;
    };
    const mine = (keys: readonly string[]): string[] => keys.filter((k) => k.includes(t));
    const open = [key('a-run'), key('b-wait'), key('f/ü g'), key('g-run')];

    it('setup', async () => {
      const cancelled = run('e-cancel', 'running');
      cancelled.push(
        makeEvent({
          process,
          instance: 'e-cancel',
          id: `e-cancel-${t}-end`,
          type: EventTypes.processCancelled,
          time: plus(START, 60),
        }),
      );
      await ingest([
        ...run('g-run', 'running'),
        ...run('a-run', 'running'),
        ...run('b-wait', 'waiting'),
        ...run('c-done', 'completed'),
        ...run('d-fail', 'failed'),
        ...cancelled,
        ...run('f/ü g', 'running'),
        ...run('a-run', 'running', other),
        ...run('x-done', 'completed', other),
      ]);
      // A terminal state the fold did not make: the store must go by the status.
      const ended = { ...foldInstance(run('h-ended', 'running')), status: 'failed' as const };
      expect(await store().writeStates([ended])).toEqual(NO_FAILURES);
      await refresh();
    });

    it('lists the open instances of a process in key order, keys only, in pages', async () => {
      expect(await walk({ process, limit: 2 })).toEqual([open.slice(0, 2), open.slice(2, 4), []]);
      expect(await walk({ process, limit: 3 })).toEqual([open.slice(0, 3), open.slice(3)]);
      expect((await walk({ process, limit: 10 })).flat()).toEqual(open);
      const states = await store().instancesByKeys(open);
      expect(states.map((s) => s.status)).toEqual(['running', 'waiting', 'running', 'running']);
    });

    it('lists the open instances of every process without one, each exactly once', async () => {
      const all = (await walk({ limit: 50 })).flat();
      expect(all).toEqual([...all].sort());
      expect(new Set(all).size).toBe(all.length);
      expect(mine(all)).toEqual([...open, key('a-run', other)].sort());
      expect(mine((await walk({ limit: 1 })).flat())).toEqual(mine(all));
    });

    it('starts after the cursor, which need not be a stored key', async () => {
      const after = await store().openInstanceKeys({ process, limit: 10, after: key('b') });
      expect(after).toEqual({ keys: [key('b-wait'), key('f/ü g'), key('g-run')] });
      expect(await store().openInstanceKeys({ process, limit: 10, after: key('g-run') })).toEqual({
        keys: [],
      });
      expect(await store().openInstanceKeys({ process: `none-${t}`, limit: 10 })).toEqual({
        keys: [],
      });
    });

    it('drops an instance that ended, keeps one rewritten between pages once', async () => {
      const first = await store().openInstanceKeys({ process, limit: 1 });
      expect(first.keys).toEqual([key('a-run')]);
      // a-run (already listed) moves on; g-run (still ahead) ends; f/ü g is rewritten.
      await ingest([
        makeEvent({
          process,
          instance: 'a-run',
          id: `a-run-${t}-touch`,
          type: 'shop.touched',
          time: plus(START, 90),
        }),
        makeEvent({
          process,
          instance: 'g-run',
          id: `g-run-${t}-end`,
          type: EventTypes.processCompleted,
          time: plus(START, 90),
        }),
        makeEvent({
          process,
          instance: 'f/ü g',
          id: `f-${t}-touch`,
          type: 'shop.touched',
          time: plus(START, 90),
        }),
      ]);
      const rest: string[] = [];
      let after = first.next;
      while (after !== undefined) {
        const page = await store().openInstanceKeys({ process, limit: 1, after });
        rest.push(...page.keys);
        after = page.next;
      }
      expect(rest).toEqual([key('b-wait'), key('f/ü g')]);
    });

    it('re-indexes a deadline rewritten at the same version, never replaces a fuller state', async () => {
      const due = (state: { key: string }) =>
        store()
          .overdueInstances('2031-03-01T11:00:00Z', MAX_DETECTION_PAGE)
          .then((states) => states.some((s) => s.key === state.key));
      const [state] = await ingest(run('r-re', 'waiting'));
      if (state === undefined) throw new Error('no state');
      expect(state.nextDeadline).toBeUndefined();
      // What the re-derivation writes: the stored state, same eventCount, a new deadline.
      const rederived = { ...state, nextDeadline: '2031-03-01T10:01:00Z' };
      expect(await store().writeStates([rederived])).toEqual(NO_FAILURES);
      expect(await store().getInstance(state.key)).toEqual(rederived);
      await refresh();
      expect(await due(state)).toBe(true);

      // A fold from a new event lands first; the re-derivation of the older state is late.
      const [moved] = await ingest([
        makeEvent({
          process,
          instance: 'r-re',
          id: `r-re-${t}-done`,
          type: EventTypes.stepCompleted,
          step: 'work',
          time: plus(START, 120),
        }),
      ]);
      expect(moved?.eventCount).toBe(state.eventCount + 1);
      const late = { ...state, nextDeadline: '2031-03-01T10:00:30Z' };
      expect(await store().writeStates([late])).toEqual(NO_FAILURES);
      expect(await store().getInstance(state.key)).toEqual(moved);
      await refresh();
      expect(await due(state)).toBe(false);
    });

    it('rejects a limit outside 1..MAX_DETECTION_PAGE with a non-retriable error', async () => {
      const notRetriable = (err: unknown): boolean => !isRetriable(err);
      for (const limit of [0, -1, 1.5, MAX_DETECTION_PAGE + 1]) {
        await expect(store().openInstanceKeys({ process, limit })).rejects.toSatisfy(notRetriable);
      }
      expect((await store().openInstanceKeys({ process, limit: MAX_DETECTION_PAGE })).keys).toEqual(
        [key('a-run'), key('b-wait'), key('f/ü g'), key('r-re')],
      );
    });
  });
}
