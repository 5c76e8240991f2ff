/**
 * The recency scan (`scanInstanceEvents({ recent: { since, perProcess } })`), what learned
 * deadlines read (sweep/learned-history.ts):
 *
 * - process by process in bytewise order of the name; within a process newest
 *   `lastEventAt` first, ties by key ascending; at most `perProcess` instances each, so a
 *   busy process never crowds out a quiet one;
 * - only instances whose `lastEventAt` is at or after `since`; `process` / `source` filter;
 * - each instance with all its events, oldest first; `perProcess` 0 yields nothing;
 * - a malformed `since` or a negative / fractional `perProcess` is a non-retriable error.
 *
 * A search on Elasticsearch: the suite refreshes after every write (`ingest` does).
 */
import { describe, expect, it } from 'vitest';
import { instanceKey, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { isRetriable, StorageError } from '../../src/shared/errors.ts';
import type { EventScanFilter, InstanceEvents } from '../../src/ports/event-store.ts';
import type { ContractContext } from './store-contract.ts';
import { history, plus, tag } from './store-contract-fixtures.ts';

/** Later than every other contract test's data, so `since` leaves theirs out. */
const BASE = '2033-05-01T10:00:00Z';

export function describeRecentScanContract(ctx: ContractContext): void {
  const { store, ingest } = ctx;

  describe('scanInstanceEvents: recent', () => {
    const t = tag();
    const busy = `recent-a-${t}`;
    const quiet = `recent-b-${t}`;
    /** Instance `name` of `process` whose last event is `minutes` after BASE (+30 s). */
    const run = (process: string, name: string, minutes: number, source = 'shop') =>
      history({
        process,
        instance: name,
        start: plus(BASE, minutes * 60),
        outcome: 'completed',
        step: 'work',
      }).map((event): FlowtrailEvent => ({ ...event, source, id: `${process}-${event.id}` }));
    const key = (process: string, name: string, source = 'shop') =>
      instanceKey({ source, process, instance: name });
    const scan = async (filter: EventScanFilter): Promise<InstanceEvents[]> => {
      const items: InstanceEvents[] = [];
      for await (const item of store().scanInstanceEvents(filter)) {
        if (item.key.includes(t)) items.push(item);
      }
      return items;
    };
    const keys = (items: readonly InstanceEvents[]) => items.map((item) => item.key);

    it('setup', async () => {
      await ingest([
        // busy: 'old' is the oldest; 'm1' and 'm2' end at the same instant (tie → key).
        ...run(busy, 'a-old', 0),
        ...run(busy, 'b-mid', 10),
        ...run(busy, 'm2', 20),
        ...run(busy, 'm1', 20),
        ...run(busy, 'z-new', 30),
        ...run(quiet, 'only', 5),
        ...run(quiet, 'elsewhere', 15, 'crm'),
      ]);
    });

    it('yields each process newest first, at most perProcess, processes in bytewise order', async () => {
      const items = await scan({ recent: { since: BASE, perProcess: 3 } });
      expect(keys(items)).toEqual([
        key(busy, 'z-new'),
        key(busy, 'm1'),
        key(busy, 'm2'),
        key(quiet, 'elsewhere', 'crm'),
        key(quiet, 'only'),
      ]);
      const all = await scan({ recent: { since: BASE, perProcess: 100 } });
      expect(keys(all).slice(0, 5)).toEqual([
        key(busy, 'z-new'),
        key(busy, 'm1'),
        key(busy, 'm2'),
        key(busy, 'b-mid'),
        key(busy, 'a-old'),
      ]);
      expect(all).toHaveLength(7);
    });

    it('yields every event of an instance, oldest first', async () => {
      const [first] = await scan({ recent: { since: BASE, perProcess: 1 }, process: busy });
      expect(first?.key).toBe(key(busy, 'z-new'));
      expect(first?.events.map((event) => event.id)).toEqual(
        run(busy, 'z-new', 30).map((event) => event.id),
      );
    });

    it('leaves out instances last active before since', async () => {
      const since = plus(BASE, 10 * 60 + 30); // the instant 'b-mid' ended
      const items = await scan({ recent: { since, perProcess: 100 } });
      expect(keys(items)).toEqual([
        key(busy, 'z-new'),
        key(busy, 'm1'),
        key(busy, 'm2'),
        key(busy, 'b-mid'),
        key(quiet, 'elsewhere', 'crm'),
      ]);
    });

    it('filters by process and source', async () => {
      expect(keys(await scan({ recent: { since: BASE, perProcess: 9 }, process: quiet }))).toEqual([
        key(quiet, 'elsewhere', 'crm'),
        key(quiet, 'only'),
      ]);
      expect(keys(await scan({ recent: { since: BASE, perProcess: 9 }, source: 'crm' }))).toEqual([
        key(quiet, 'elsewhere', 'crm'),
      ]);
      expect(await scan({ recent: { since: BASE, perProcess: 0 } })).toEqual([]);
    });

    it('pages through many instances of one process, ties included', async () => {
      const many = `recent-c-${t}`;
      const names = Array.from({ length: 230 }, (_, i) => `i${String(i).padStart(3, '0')}`);
      // Three instants only: pages end inside runs of equal lastEventAt.
      await ingest(names.flatMap((name, i) => run(many, name, 40 + (i % 3))));
      const expected = [2, 1, 0].flatMap((minute) =>
        names.filter((_, i) => i % 3 === minute).map((name) => key(many, name)),
      );
      const items = await scan({ recent: { since: BASE, perProcess: 215 }, process: many });
      expect(keys(items)).toEqual(expected.slice(0, 215));
      expect(items.every((item) => item.events.length === 4)).toBe(true);
    });

    it('rejects a malformed since or perProcess (non-retriable)', async () => {
      for (const recent of [
        { since: 'yesterday', perProcess: 1 },
        { since: BASE, perProcess: -1 },
        { since: BASE, perProcess: 1.5 },
      ]) {
        const error = await scan({ recent }).catch((err: unknown) => err);
        expect(error).toBeInstanceOf(StorageError);
        expect(error).toMatchObject({ statusCode: 400 });
        expect(isRetriable(error)).toBe(false);
      }
    });
  });
}
