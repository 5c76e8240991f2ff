/**
 * The changed-since walk's query (sweep/changed-walk.ts) in the storage contract:
 *
 * - instancesChangedBetween({since, until, limit, after?}): instances whose `lastEventAt`
 *   (as an instant, whatever its offset) is in [since, until), oldest first, ties by key
 *   descending, `limit` per page after the cursor; a full page carries `next` (its last
 *   instance's `lastEventAt` as `…Z` milliseconds and key), the next page may then be
 *   empty; following `next` yields each instance that stays in the range exactly once, also
 *   when states are rewritten between pages (a rewritten one with a later `lastEventAt` may
 *   come again, at its new place). A malformed instant or a `limit` outside
 *   1..MAX_DETECTION_PAGE is a non-retriable error.
 *
 * Times are in 2098, which no other part of the contract uses, so a range sees only this
 * file's instances. A search on Elasticsearch: `ingest` refreshes after every write.
 */
import { describe, expect, it } from 'vitest';
import { EventTypes, instanceKey } from '@flowtrail/sdk/protocol';
import type { InstanceState } from '../../src/domain/instance/instance-state.ts';
import { isRetriable } from '../../src/shared/errors.ts';
import type { ChangeCursor, ChangedWindowQuery } from '../../src/ports/changed-window.ts';
import { MAX_DETECTION_PAGE } from '../../src/ports/event-store.ts';
import { makeEvent } from '../helpers/events.ts';
import type { ContractContext } from './store-contract.ts';
import { tag } from './store-contract-fixtures.ts';

const SINCE = '2098-01-01T10:00:00Z';
const UNTIL = '2098-01-01T10:00:03Z';

export function describeChangedWindowContract(ctx: ContractContext): void {
  const { store, ingest } = ctx;

  describe('detection: instancesChangedBetween', () => {
    const t = tag();
    const process = `win-${t}`;
    const key = (name: string): string => instanceKey({ source: 'shop', process, instance: name });
    /** One event of `instance` at `time` (its `lastEventAt` unless a later one came). */
    const touch = (instance: string, time: string, n = 1) =>
      ingest([
        makeEvent({
          process,
          instance,
          id: `${process}-${instance}-${n}`,
          type: n === 1 ? EventTypes.processStarted : 'shop.touched',
          time,
        }),
      ]);
    /** Every page of a walk over the window, following `next` until it is absent. */
    const walk = async (limit: number, after?: ChangeCursor): Promise<InstanceState[][]> => {
      const pages: InstanceState[][] = [];
      let cursor = after;
      do {
        const query: ChangedWindowQuery = { since: SINCE, until: UNTIL, limit };
        const page = await store().instancesChangedBetween(
          cursor === undefined ? query : { ...query, after: cursor },
        );
        expect(page.instances.length).toBeLessThanOrEqual(limit);
        const last = page.instances[page.instances.length - 1];
        if (page.next !== undefined) {
          expect(page.instances).toHaveLength(limit);
          expect(page.next).toEqual({
            lastEventAt: new Date(Date.parse(last?.lastEventAt ?? '')).toISOString(),
            key: last?.key,
          });
        } else expect(page.instances.length).toBeLessThan(limit);
        pages.push(page.instances);
        cursor = page.next;
        expect(pages.length).toBeLessThan(100);
      } while (cursor !== undefined);
      return pages;
    };
    const keysOf = (pages: InstanceState[][]): string[] => pages.flat().map((s) => s.key);
    // In the window's order: oldest first, ties (10:00:01Z) by key descending.
    const inWindow = ['since', 'mid', 'tie-c', 'tie-b', 'tie-a', 'last'];

    it('setup', async () => {
      const times: Record<string, string> = {
        before: '2098-01-01T09:59:59.999Z',
        // exactly `since`, written as +02:00
        since: '2098-01-01T12:00:00+02:00',
        mid: '2098-01-01T10:00:00.500Z',
        'tie-a': '2098-01-01T10:00:01Z',
        // the same instant as tie-a, a smaller string
        'tie-b': '2098-01-01T07:00:01-03:00',
        'tie-c': '2098-01-01T10:00:01.000Z',
        last: '2098-01-01T10:00:02.999Z',
        // exactly `until`: outside
        until: '2098-01-01T10:00:03Z',
        later: '2098-01-01T11:00:00Z',
      };
      for (const [instance, time] of Object.entries(times)) await touch(instance, time);
    });

    it('lists the window oldest first, ties by key descending, as whole states', async () => {
      const pages = await walk(100);
      expect(keysOf(pages)).toEqual(inWindow.map(key));
      expect(pages[0]?.[0]?.lastEventAt).toBe('2098-01-01T12:00:00+02:00');
      expect(pages[0]?.[0]?.process).toBe(process);
    });

    it('pages through every instance exactly once, also through a tie, with any limit', async () => {
      for (const limit of [1, 2, 3, 6]) {
        const pages = await walk(limit);
        expect(keysOf(pages)).toEqual(inWindow.map(key));
        expect(pages.length).toBe(Math.floor(inWindow.length / limit) + 1);
      }
      const [first] = await walk(2);
      expect(first?.map((s) => s.key)).toEqual([key('since'), key('mid')]);
      const second = await store().instancesChangedBetween({
        since: SINCE,
        until: UNTIL,
        limit: 2,
        after: { lastEventAt: '2098-01-01T10:00:00.500Z', key: key('mid') },
      });
      expect(second.instances.map((s) => s.key)).toEqual([key('tie-c'), key('tie-b')]);
      expect(second.next).toEqual({ lastEventAt: '2098-01-01T10:00:01.000Z', key: key('tie-b') });
    });

    it('sees nothing in an empty or past window', async () => {
      const none = { since: UNTIL, until: UNTIL, limit: 10 };
      expect(await store().instancesChangedBetween(none)).toEqual({ instances: [] });
      const page = await store().instancesChangedBetween({
        since: '2098-01-01T10:00:01.001Z',
        until: '2098-01-01T10:00:02.999Z',
        limit: 10,
      });
      expect(page).toEqual({ instances: [] });
    });

    it('still yields each instance once when states are rewritten between pages', async () => {
      const first = await store().instancesChangedBetween({ since: SINCE, until: UNTIL, limit: 3 });
      expect(first.instances.map((s) => s.key)).toEqual([key('since'), key('mid'), key('tie-c')]);
      // Move one already returned and one still ahead later; a new one behind the cursor.
      await touch('mid', '2098-01-01T10:00:02.500Z', 2);
      await touch('tie-a', '2098-01-01T10:00:02.500Z', 2);
      await touch('new-behind', '2098-01-01T10:00:00.100Z');
      const rest = keysOf(await walk(2, first.next));
      expect(rest).toEqual([key('tie-b'), key('tie-a'), key('mid'), key('last')]);
    });

    it('rejects a malformed time, cursor or limit with a non-retriable error', async () => {
      const notRetriable = (err: unknown): boolean => !isRetriable(err);
      const query = { since: SINCE, until: UNTIL, limit: 10 };
      const bad: ChangedWindowQuery[] = [
        { ...query, since: 'soon' },
        { ...query, until: 'later' },
        { ...query, limit: 0 },
        { ...query, limit: 1.5 },
        { ...query, limit: MAX_DETECTION_PAGE + 1 },
        { ...query, after: { lastEventAt: 'then', key: key('mid') } },
      ];
      for (const q of bad) {
        await expect(store().instancesChangedBetween(q)).rejects.toSatisfy(notRetriable);
      }
    });
  });
}
