/**
 * The `search` part of the storage contract. Seven instances in two processes, with
 * last-event times in mixed offsets (so string order differs from time order) and two
 * instances whose last events are the same instant (so the key breaks the tie).
 *
 * Order on every store: lastEventAt (instant) descending, then key ascending.
 * Free text: every word of the query (case-insensitive) must occur in the search text.
 * businessKey: a value under any key name, or `name=value`; exact and case-sensitive.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { InstanceState } from '../../src/domain/instance/instance-state.ts';
import type { InstanceQuery } from '../../src/ports/event-store.ts';
import type { ContractContext } from './store-contract.ts';
import { history, tag, type HistoryInit } from './store-contract-fixtures.ts';
import { describeSearchFiltersContract } from './store-contract-search-filters.ts';

export function describeSearchContract(ctx: ContractContext): void {
  describeSearchFiltersContract(ctx);
  describe('search', () => {
    const t = tag();
    const shop = `shop-${t}`;
    const billing = `billing-${t}`;
    const order = (n: number): string => `ORD-${4710 + n}-${t}`;
    const base = { process: shop, step: 'pick-items' };
    const inits: Record<string, HistoryInit> = {
      // last event 10:00:30Z, written as +02:00 (the largest string of all)
      s1: {
        ...base,
        instance: 'i-1',
        start: '2024-06-01T12:00:00+02:00',
        outcome: 'completed',
        businessKeys: { orderNo: order(1), customer: `CUST-1-${t}` },
      },
      // last event 10:01:30Z
      s2: {
        ...base,
        instance: 'i-2',
        start: '2024-06-01T10:01:00Z',
        outcome: 'failed',
        step: 'charge-card',
        error: 'Payment provider unreachable',
        businessKeys: { orderNo: order(2), customer: `CUST-2-${t}` },
      },
      // last event 10:02:20Z, written as -03:00 (the smallest string of all)
      s3: {
        ...base,
        instance: 'i-3',
        start: '2024-06-01T07:02:00-03:00',
        outcome: 'waiting',
        businessKeys: { orderNo: order(3), customer: order(1) },
      },
      // last event 10:03:10Z
      s4: {
        ...base,
        instance: 'i-4',
        start: '2024-06-01T10:03:00Z',
        outcome: 'running',
        businessKeys: { orderNo: order(4) },
      },
      // last event 10:04:10Z, the other process
      s5: {
        process: billing,
        instance: 'i-5',
        start: '2024-06-01T10:04:00Z',
        outcome: 'running',
        step: 'send-invoice',
        businessKeys: { invoice: `INV-9-${t}` },
      },
      // s6 and s7: last events at the same instant 10:05:10Z; key order: tie-a < tie-b
      s6: { ...base, instance: 'tie-b', start: '2024-06-01T10:05:00Z', outcome: 'running' },
      s7: { ...base, instance: 'tie-a', start: '2024-06-01T12:05:00+02:00', outcome: 'running' },
    };
    const states = new Map<string, InstanceState>();
    const state = (name: string): InstanceState => {
      const found = states.get(name);
      if (found === undefined) throw new Error(`no state ${name}`);
      return found;
    };
    const expectHits = async (query: InstanceQuery, names: string[]): Promise<void> => {
      const page = await ctx.store().search(query);
      expect(page.instances.map((s) => s.instance)).toEqual(names.map((n) => state(n).instance));
      expect(page.instances).toEqual(names.map(state));
      expect(page.total).toBe(names.length);
    };

    beforeAll(async () => {
      for (const [name, init] of Object.entries(inits)) {
        const [folded] = await ctx.ingest(history(init));
        if (folded !== undefined) states.set(name, folded);
      }
    });

    it('finds by free text: a business-key value, any case', async () => {
      await expectHits({ text: order(2) }, ['s2']);
      await expectHits({ text: order(2).toLowerCase() }, ['s2']);
      // orderNo of s1 and customer of s3
      await expectHits({ text: order(1) }, ['s3', 's1']);
    });

    it('finds by free text: a step name', async () => {
      await expectHits({ text: 'charge-card' }, ['s2']);
      await expectHits({ text: 'send-invoice' }, ['s5']);
      await expectHits({ text: 'pick-items', process: shop }, ['s7', 's6', 's4', 's3', 's1']);
    });

    it('finds by free text: a word of an error message; every word must match', async () => {
      await expectHits({ text: 'unreachable' }, ['s2']);
      await expectHits({ text: 'UNREACHABLE payment' }, ['s2']);
      await expectHits({ text: 'unreachable nosuchword' }, []);
      await expectHits({ text: `nosuchword${t}` }, []);
    });

    it('filters by process and by status', async () => {
      await expectHits({ process: billing }, ['s5']);
      await expectHits({ process: shop, status: 'failed' }, ['s2']);
      await expectHits({ process: shop, status: 'waiting' }, ['s3']);
      await expectHits({ process: shop, status: 'completed' }, ['s1']);
      await expectHits({ process: shop, status: 'running' }, ['s7', 's6', 's4']);
      await expectHits({ process: shop, status: 'cancelled' }, []);
      const failed = await ctx.store().search({ status: 'failed', size: 100 });
      expect(failed.instances).toContainEqual(state('s2'));
      expect(failed.instances.every((s) => s.status === 'failed')).toBe(true);
    });

    it('filters by business key: a value under any name, or name=value, exactly', async () => {
      await expectHits({ businessKey: order(1) }, ['s3', 's1']);
      await expectHits({ businessKey: `orderNo=${order(1)}` }, ['s1']);
      await expectHits({ businessKey: `customer=${order(1)}` }, ['s3']);
      await expectHits({ businessKey: `invoice=${order(1)}` }, []);
      await expectHits({ businessKey: order(1).toLowerCase() }, []);
      await expectHits({ businessKey: `INV-9-${t}` }, ['s5']);
    });

    it('combines every condition', async () => {
      await expectHits({ process: shop, status: 'running', text: 'pick-items' }, [
        's7',
        's6',
        's4',
      ]);
      await expectHits({ process: shop, businessKey: order(4), text: 'pick-items' }, ['s4']);
      await expectHits({ process: billing, businessKey: order(4) }, []);
    });

    it('pages in a stable order (lastEventAt desc, key asc) with exact totals', async () => {
      const all = ['s7', 's6', 's4', 's3', 's2', 's1'];
      await expectHits({ process: shop }, all);
      const page = async (from: number, size: number) =>
        ctx.store().search({ process: shop, from, size });
      const first = await page(0, 4);
      const second = await page(4, 4);
      expect(first.total).toBe(6);
      expect(second.total).toBe(6);
      expect([...first.instances, ...second.instances]).toEqual(all.map(state));
      expect(await page(6, 4)).toEqual({ total: 6, instances: [] });
      expect(await page(2, 0)).toEqual({ total: 6, instances: [] });
    });

    it('without conditions returns the 20 most recent of everything, in order', async () => {
      const page = await ctx.store().search({});
      expect(page.total).toBeGreaterThanOrEqual(7);
      expect(page.instances).toHaveLength(Math.min(20, page.total));
      const times = page.instances.map((s) => [Date.parse(s.lastEventAt), s.key] as const);
      const sorted = [...times].sort((a, b) => b[0] - a[0] || (a[1] < b[1] ? -1 : 1));
      expect(times).toEqual(sorted);
    });
  });
}
