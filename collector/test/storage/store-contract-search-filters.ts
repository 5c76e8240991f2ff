/**
 * The search filters, sort orders and facets of the storage contract (docs/http-api.md).
 * Five instances in three systems, all carrying `batch=B-<tag>` (the scope of every query):
 *
 * | name | key (system/process/instance) | activity (UTC)        | started | duration | owner | step    |
 * |------|-------------------------------|-----------------------|---------|----------|-------|---------|
 * | a    | shop/p/o-1 (message to wms)   | 10:00:00 – 10:00:30   | 10:00   | 30 s     | ann   | pick    |
 * | b    | wms/p/o-1                     | 10:10:00 – 10:10:10   | 10:10   | —        | bob   | pack    |
 * | c    | erp/q/inv-1 (+02:00 times)    | 11:00:00 – 11:05:00   | 11:00   | 300 s    | carol | invoice |
 * | d    | shop/p/o-2 (no process.started)| 09:00:00 – 09:00:00  | —       | —        | bob   | pick    |
 * | e    | shop/p/o-3 (failed)           | 12:00:00 – 12:00:30   | 12:00   | 30 s     | ann   | pick    |
 *
 * a, b and c carry the same `orderId` (the business-key search across systems).
 * Key order: c (erp) < a < d < e (shop) < b (wms).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { EventTypes, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import type { InstanceState } from '../../src/domain/instance/instance-state.ts';
import type { InstanceFacets, InstanceQuery } from '../../src/ports/event-store.ts';
import { makeEvent } from '../helpers/events.ts';
import type { ContractContext } from './store-contract.ts';
import { tag } from './store-contract-fixtures.ts';

export function describeSearchFiltersContract(ctx: ContractContext): void {
  describe('search filters, sorts and facets', () => {
    const t = tag();
    const [shop, wms, erp] = [`shop-${t}`, `wms-${t}`, `erp-${t}`];
    const [p, q] = [`p-${t}`, `q-${t}`];
    const batch = `batch=B-${t}`;
    const orderId = `ORD-${t}`;
    const keys = { batch: `B-${t}` };
    const withOrder = { ...keys, orderId };

    const events = (
      source: string,
      process: string,
      instance: string,
      list: [
        type: string,
        time: string,
        extra?: { step?: string; owner?: string; data?: object },
      ][],
    ): FlowtrailEvent[] =>
      list.map(([type, time, extra], i) =>
        makeEvent({
          id: `${t}-${source}-${instance}-${i}`,
          source,
          process,
          instance,
          type,
          time,
          ...(extra?.step !== undefined ? { step: extra.step } : {}),
          ...(extra?.owner !== undefined ? { owner: extra.owner } : {}),
          ...(extra?.data !== undefined ? { data: extra.data as Record<string, unknown> } : {}),
        }),
      );
    const histories: Record<string, FlowtrailEvent[]> = {
      a: events(shop, p, 'o-1', [
        [EventTypes.processStarted, '2024-07-01T10:00:00Z', { data: { businessKeys: withOrder } }],
        [EventTypes.stepStarted, '2024-07-01T10:00:10Z', { step: 'pick', owner: 'ann' }],
        [
          EventTypes.messageSent,
          '2024-07-01T10:00:15Z',
          { data: { messageId: `m-${t}`, to: wms } },
        ],
        [EventTypes.stepCompleted, '2024-07-01T10:00:20Z', { step: 'pick' }],
        [EventTypes.processCompleted, '2024-07-01T10:00:30Z'],
      ]),
      b: events(wms, p, 'o-1', [
        [EventTypes.processStarted, '2024-07-01T10:10:00Z', { data: { businessKeys: withOrder } }],
        [EventTypes.stepStarted, '2024-07-01T10:10:10Z', { step: 'pack', owner: 'bob' }],
      ]),
      c: events(erp, q, 'inv-1', [
        [
          EventTypes.processStarted,
          '2024-07-01T13:00:00+02:00',
          { data: { businessKeys: withOrder } },
        ],
        [EventTypes.stepStarted, '2024-07-01T13:00:10+02:00', { step: 'invoice', owner: 'carol' }],
        [EventTypes.stepCompleted, '2024-07-01T13:04:00+02:00', { step: 'invoice' }],
        [EventTypes.processCompleted, '2024-07-01T13:05:00+02:00'],
      ]),
      d: events(shop, p, 'o-2', [
        [
          EventTypes.stepStarted,
          '2024-07-01T09:00:00Z',
          { step: 'pick', owner: 'bob', data: { businessKeys: keys } },
        ],
      ]),
      e: events(shop, p, 'o-3', [
        [EventTypes.processStarted, '2024-07-01T12:00:00Z', { data: { businessKeys: keys } }],
        [EventTypes.stepStarted, '2024-07-01T12:00:10Z', { step: 'pick', owner: 'ann' }],
        [
          EventTypes.stepFailed,
          '2024-07-01T12:00:20Z',
          { step: 'pick', data: { error: { message: 'scanner broken' } } },
        ],
        [EventTypes.processFailed, '2024-07-01T12:00:30Z'],
      ]),
    };
    const states = new Map<string, InstanceState>();
    const state = (name: string): InstanceState => {
      const found = states.get(name);
      if (found === undefined) throw new Error(`no state ${name}`);
      return found;
    };
    const names = (page: { instances: InstanceState[] }): string[] =>
      page.instances.map(
        (s) => [...states].find(([, candidate]) => candidate.key === s.key)?.[0] ?? s.key,
      );
    const expectHits = async (query: InstanceQuery, expected: string[]): Promise<void> => {
      const page = await ctx.store().search({ businessKey: batch, ...query });
      expect(names(page)).toEqual(expected);
      expect(page.instances).toEqual(expected.map(state));
      expect(page.total).toBe(expected.length);
      expect(page.facets).toBeUndefined();
    };
    const facetsOf = async (query: InstanceQuery): Promise<InstanceFacets | undefined> =>
      (await ctx.store().search({ businessKey: batch, ...query, facets: true })).facets;

    beforeAll(async () => {
      for (const [name, history] of Object.entries(histories)) {
        const [folded] = await ctx.ingest(history);
        if (folded !== undefined) states.set(name, folded);
      }
    });

    it('folds the fixture as the table says', () => {
      expect(state('a')).toMatchObject({ status: 'completed', durationMs: 30_000 });
      expect(state('a').systems).toEqual([shop, wms].sort());
      expect(state('b')).toMatchObject({ status: 'running', owner: 'bob' });
      expect(state('c')).toMatchObject({ status: 'completed', durationMs: 300_000 });
      expect(state('d').startedAt).toBeUndefined();
      expect(state('e')).toMatchObject({ status: 'failed', durationMs: 30_000 });
    });

    it('a business key finds every instance in every system that carries it', async () => {
      const page = await ctx.store().search({ businessKey: orderId });
      expect(names(page)).toEqual(['c', 'b', 'a']);
      expect(page.instances.map((s) => s.source).sort()).toEqual([erp, shop, wms]);
      await expectHits({ businessKey: `orderId=${orderId}` }, ['c', 'b', 'a']);
    });

    it('filters by exact instance id, in any system', async () => {
      await expectHits({ instance: 'o-1' }, ['b', 'a']);
      await expectHits({ instance: 'inv-1' }, ['c']);
      await expectHits({ instance: 'o-' }, []);
      await expectHits({ instance: 'o-1', system: shop }, ['a']);
    });

    it('filters by system: the source or any involved system', async () => {
      await expectHits({ system: wms }, ['b', 'a']);
      await expectHits({ system: shop }, ['e', 'a', 'd']);
      await expectHits({ system: erp }, ['c']);
      await expectHits({ system: `nowhere-${t}` }, []);
    });

    it('filters by owner (instance or step owner) and by step name', async () => {
      await expectHits({ owner: 'ann' }, ['e', 'a']);
      await expectHits({ owner: 'bob' }, ['b', 'd']);
      await expectHits({ owner: 'carol', process: q }, ['c']);
      await expectHits({ owner: 'Ann' }, []);
      await expectHits({ step: 'pick' }, ['e', 'a', 'd']);
      await expectHits({ step: 'invoice' }, ['c']);
      await expectHits({ step: 'pick', owner: 'bob' }, ['d']);
      await expectHits({ step: 'pic' }, []);
    });

    it('filters by activity overlapping a time range (inclusive, any offset)', async () => {
      await expectHits({ timeFrom: '2024-07-01T10:05:00Z', timeTo: '2024-07-01T11:02:00Z' }, [
        'c',
        'b',
      ]);
      await expectHits({ timeFrom: '2024-07-01T12:00:15Z' }, ['e']);
      await expectHits({ timeTo: '2024-07-01T09:30:00Z' }, ['d']);
      await expectHits({ timeTo: '2024-07-01T10:00:00Z' }, ['a', 'd']);
      await expectHits({ timeFrom: '2024-07-01T14:00:30+02:00' }, ['e']);
      await expectHits({ timeFrom: '2024-07-01T13:00:00Z' }, []);
    });

    it('filters by instance keys; an empty list matches nothing', async () => {
      await expectHits({ keys: [state('a').key, state('c').key, `nope-${t}`] }, ['c', 'a']);
      await expectHits({ keys: [] }, []);
      await expectHits({ keys: [state('b').key], system: shop }, []);
    });

    it('sorts by startedAt, durationMs and lastEventAt; absent values last, ties by key', async () => {
      await expectHits({ sort: { field: 'startedAt', order: 'asc' } }, ['a', 'b', 'c', 'e', 'd']);
      await expectHits({ sort: { field: 'startedAt', order: 'desc' } }, ['e', 'c', 'b', 'a', 'd']);
      await expectHits({ sort: { field: 'durationMs', order: 'asc' } }, ['a', 'e', 'c', 'd', 'b']);
      await expectHits({ sort: { field: 'durationMs', order: 'desc' } }, ['c', 'a', 'e', 'd', 'b']);
      await expectHits({ sort: { field: 'lastEventAt', order: 'asc' } }, ['d', 'a', 'b', 'c', 'e']);
      await expectHits({ sort: { field: 'lastEventAt', order: 'desc' } }, [
        'e',
        'c',
        'b',
        'a',
        'd',
      ]);
    });

    it('pages a sorted result stably', async () => {
      const sort = { field: 'durationMs', order: 'asc' } as const;
      const page = async (from: number) =>
        ctx.store().search({ businessKey: batch, sort, from, size: 2 });
      const pages = [await page(0), await page(2), await page(4)];
      expect(pages.map(names)).toEqual([['a', 'e'], ['c', 'd'], ['b']]);
      expect(pages.map((x) => x.total)).toEqual([5, 5, 5]);
    });

    it('counts facets over the whole filtered set, not the page', async () => {
      expect(await facetsOf({ size: 1 })).toEqual({
        status: [
          { value: 'completed', count: 2 },
          { value: 'running', count: 2 },
          { value: 'failed', count: 1 },
        ],
        process: [
          { value: p, count: 4 },
          { value: q, count: 1 },
        ],
        system: [
          { value: shop, count: 3 },
          { value: wms, count: 2 },
          { value: erp, count: 1 },
        ],
        owner: [
          { value: 'ann', count: 2 },
          { value: 'bob', count: 2 },
          { value: 'carol', count: 1 },
        ],
      });
      const page = await ctx.store().search({ businessKey: batch, facets: true, size: 0 });
      expect(page.total).toBe(5);
      expect(page.instances).toEqual([]);
    });

    it('counts facets of a filtered query, and none when nothing matches', async () => {
      expect(await facetsOf({ system: wms })).toEqual({
        status: [
          { value: 'completed', count: 1 },
          { value: 'running', count: 1 },
        ],
        process: [{ value: p, count: 2 }],
        system: [
          { value: wms, count: 2 },
          { value: shop, count: 1 },
        ],
        owner: [
          { value: 'ann', count: 1 },
          { value: 'bob', count: 1 },
        ],
      });
      const none = { status: [], process: [], system: [], owner: [] };
      expect(await facetsOf({ owner: `nobody-${t}` })).toEqual(none);
      expect(await facetsOf({ keys: [] })).toEqual(none);
    });

    it('refuses a malformed time as a non-retriable error', async () => {
      await expect(ctx.store().search({ timeFrom: 'yesterday' })).rejects.toMatchObject({
        retriable: false,
      });
    });
  });
}
