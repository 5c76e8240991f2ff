/**
 * The alert store contract, run against every backend: `sqlite-alert-store.test.ts`
 * (temp dir) and `es-alert-store.int.test.ts` (real Elasticsearch). One store per suite;
 * each test works under its own process names, so tests never see each other's alerts.
 *
 * `refresh` (optional) makes every write visible to `searchAlerts` (near-real-time on
 * Elasticsearch). `getAlert`, `getAlerts` and `openAlerts` must be read-your-writes
 * without it. `openAnother` opens a second, independent connection (client) to the same
 * data: the races run between two of them, as between two collectors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/domain/alerts/alert.ts';
import { AlertService } from '../../src/app/alerts/alert-service.ts';
import type { AlertStore } from '../../src/ports/alert-store.ts';
import { at, iso, makeAlert, makeFinding, tag } from '../alerts/alert-fixtures.ts';
import { describeAlertChangeContract } from './alert-contract-changes.ts';

export interface AlertStoreUnderTest {
  /** Not prepared yet (the suite calls `prepare`). */
  store: AlertStore;
  /** Another connection to the same data, not prepared. The suite closes it. */
  openAnother: () => Promise<AlertStore>;
  /** Closes the store and deletes everything it wrote. */
  cleanup: () => Promise<void>;
  refresh?: () => Promise<void>;
}

const ids = (alerts: readonly Alert[]): string[] => alerts.map((a) => a.id);

export function describeAlertStoreContract(
  name: string,
  makeStore: () => Promise<AlertStoreUnderTest>,
): void {
  describe(`alert store contract: ${name}`, () => {
    let sut: AlertStoreUnderTest | undefined;
    const store = (): AlertStore => {
      if (sut === undefined) throw new Error('store not created');
      return sut.store;
    };
    const refresh = async (): Promise<void> => {
      await sut?.refresh?.();
    };
    /** Writes new alerts, expecting every one to be created. */
    const create = async (alerts: Alert[]): Promise<Alert[]> => {
      const result = await store().upsertAlerts(alerts);
      expect(result.conflicts).toEqual([]);
      expect(result.failed).toEqual([]);
      return result.written;
    };

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

    describeAlertChangeContract(store, refresh);

    it('creates an alert at version 1 and reads it back unchanged', async () => {
      const t = tag();
      const alert = makeAlert(
        { process: `rt-${t}`, instance: 'o/1 ü', step: 'await payment', owner: 'team-pay' },
        { relatedKeys: ['pay/p/1'], details: { deadline: iso(-60), attempts: 2, ok: true } },
      );
      const [written] = await create([alert]);
      expect(written).toEqual({ ...alert, version: 1 });
      expect(await store().getAlert(alert.id)).toEqual(written);
      expect(await store().getAlerts([alert.id, alert.id, 'stuck/nope'])).toEqual([written]);
      expect(await store().getAlert(`stuck/unknown-${t}`)).toBeUndefined();
      expect(await store().getAlerts([])).toEqual([]);
    });

    it('writes conditionally on the version it read (compare-and-set)', async () => {
      const t = tag();
      const alert = makeAlert({ process: `cas-${t}` });
      const [v1] = (await create([alert])) as [Alert];
      // A second creation of the same id, and a write from a stale read, conflict.
      const again = await store().upsertAlerts([{ ...alert, summary: 'second' }]);
      expect(again).toEqual({
        written: [],
        conflicts: [{ ...alert, summary: 'second' }],
        failed: [],
      });
      const ack = { ...v1, status: 'acknowledged' as const };
      const [v2] = (await store().upsertAlerts([ack])).written as [Alert];
      expect(v2.version).toBe(2);
      const stale = await store().upsertAlerts([{ ...v1, status: 'resolved' }]);
      expect(ids(stale.conflicts)).toEqual([alert.id]);
      expect(await store().getAlert(alert.id)).toEqual(v2);
      // Alerts of one batch are independent: one conflict does not stop the others.
      const other = makeAlert({ process: `cas-${t}`, instance: 'o-2' });
      const mixed = await store().upsertAlerts([{ ...v1, summary: 'stale' }, other]);
      expect(ids(mixed.written)).toEqual([other.id]);
      expect(ids(mixed.conflicts)).toEqual([alert.id]);
    });

    it('keeps an alert id longer than any document id limit', async () => {
      const alert = makeAlert({ process: `long-${tag()}`, instance: 'x'.repeat(700) });
      const [written] = await create([alert]);
      expect(await store().getAlert(alert.id)).toEqual(written);
      expect(ids(await store().getAlerts([alert.id]))).toEqual([alert.id]);
    });

    it('openAlerts lists the open alerts of a scope in id order', async () => {
      const t = tag();
      const [p, q] = [`open-${t}`, `open2-${t}`];
      const alerts = [
        makeAlert({ process: p, instance: 'b' }),
        makeAlert({ process: p, instance: 'a', kind: 'orphan' }),
        makeAlert({ process: p, instance: 'c' }, { status: 'acknowledged' }),
        makeAlert({ process: p, instance: 'd' }, { status: 'silenced', silencedUntil: iso(99) }),
        makeAlert({ process: p, instance: 'e' }, { status: 'resolved', resolvedAt: iso(5) }),
        makeAlert({ process: q, instance: 'a' }),
      ];
      await create(alerts);
      const sorted = (list: Alert[]): string[] => ids(list).sort();
      const [b, a, c, d, , qa] = alerts as [Alert, Alert, Alert, Alert, Alert, Alert];
      expect(ids(await store().openAlerts({ processes: [p] }))).toEqual(sorted([a, b, c, d]));
      expect(ids(await store().openAlerts({ processes: [p, q] }))).toEqual(
        sorted([a, b, c, d, qa]),
      );
      expect(ids(await store().openAlerts({ processes: [p], kinds: ['orphan'] }))).toEqual([a.id]);
      expect(
        ids(await store().openAlerts({ kinds: ['stuck'], instances: [b.instance, qa.instance] })),
      ).toEqual(sorted([b, qa]));
      expect(await store().openAlerts({ processes: [p], instances: [] })).toEqual([]);
      const all = ids(await store().openAlerts());
      expect(all).toEqual(expect.arrayContaining(sorted([a, b, c, d, qa])));
      expect(all).not.toContain(alerts[4]?.id);
      expect(all).toEqual([...all].sort());
    });

    it('searchAlerts filters by status, kind, process and owner', async () => {
      const t = tag();
      const p = `search-${t}`;
      const alerts = [
        makeAlert({ process: p, instance: '1', owner: 'ann' }),
        makeAlert({ process: p, instance: '2', kind: 'orphan', owner: 'bob' }),
        makeAlert({ process: p, instance: '3', owner: 'ann' }, { status: 'resolved' }),
        makeAlert({ process: p, instance: '4' }, { status: 'acknowledged' }),
      ];
      await create(alerts);
      await refresh();
      const search = async (query: Parameters<AlertStore['searchAlerts']>[0]) => {
        const page = await store().searchAlerts({ process: p, ...query });
        return { total: page.total, ids: ids(page.alerts).sort() };
      };
      const id = (i: number): string => (alerts[i] as Alert).id;
      expect(await search({})).toEqual({ total: 4, ids: [0, 1, 2, 3].map(id).sort() });
      expect(await search({ status: ['resolved'] })).toEqual({ total: 1, ids: [id(2)] });
      expect(await search({ status: ['firing', 'acknowledged'] })).toEqual({
        total: 3,
        ids: [id(0), id(1), id(3)].sort(),
      });
      expect(await search({ kind: ['orphan'] })).toEqual({ total: 1, ids: [id(1)] });
      expect(await search({ owner: 'ann' })).toEqual({ total: 2, ids: [id(0), id(2)].sort() });
      expect(await search({ owner: 'ann', status: ['firing'] })).toEqual({
        total: 1,
        ids: [id(0)],
      });
      expect(await search({ kind: ['duplicate'] })).toEqual({ total: 0, ids: [] });
      expect(await search({ process: `none-${t}` })).toEqual({ total: 0, ids: [] });
    });

    it('searchAlerts by instance finds its own alerts and those it is related to', async () => {
      const t = tag();
      const p = `timeline-${t}`;
      const parent = makeFinding({ process: p, instance: 'parent' }).instanceKey;
      const other = makeFinding({ process: p, instance: 'other' }).instanceKey;
      const alerts = [
        makeAlert({ process: p, instance: 'parent', step: 'a' }),
        makeAlert({ process: p, instance: 'child', relatedKeys: [parent] }),
        makeAlert({ process: p, instance: 'sibling', relatedKeys: [other, parent] }),
        makeAlert({ process: p, instance: 'other' }),
        makeAlert({ process: p, instance: 'unrelated', relatedKeys: [`${parent}x`] }),
      ];
      await create(alerts);
      await refresh();
      const id = (i: number): string => (alerts[i] as Alert).id;
      const search = async (query: Parameters<AlertStore['searchAlerts']>[0]) => {
        const page = await store().searchAlerts(query);
        return { total: page.total, ids: ids(page.alerts).sort() };
      };
      expect(await search({ instance: parent })).toEqual({
        total: 3,
        ids: [id(0), id(1), id(2)].sort(),
      });
      expect(await search({ instance: other })).toEqual({
        total: 2,
        ids: [id(2), id(3)].sort(),
      });
      expect(await search({ instance: parent, status: ['resolved'] })).toEqual({
        total: 0,
        ids: [],
      });
      expect(await search({ instance: `${parent}-none` })).toEqual({ total: 0, ids: [] });
    });

    it('orders by lastSeenAt (an instant) desc, then id, and pages stably', async () => {
      const p = `order-${tag()}`;
      const seen = (instance: string, lastSeenAt: string): Alert =>
        makeAlert({ process: p, instance }, { lastSeenAt });
      const alerts = [
        seen('a', '2026-03-02T10:00:00Z'),
        seen('b', '2026-03-02T11:30:00+02:00'), // 09:30Z: oldest
        seen('c', '2026-03-02T10:00:00.000Z'), // ties with a: id order
        seen('d', '2026-03-02T10:05:00+00:00'),
        seen('e', '2026-03-02T10:01:00Z'),
      ];
      await create(alerts);
      await refresh();
      const expected = ['d', 'e', 'a', 'c', 'b'].map(
        (i) => alerts.find((a) => a.instance.endsWith(`/${i}`))?.id,
      );
      const all = await store().searchAlerts({ process: p, size: 10 });
      expect(all.total).toBe(5);
      expect(ids(all.alerts)).toEqual(expected);
      expect(all.alerts.every((a) => a.version === 1)).toBe(true);
      const pages = [];
      for (let from = 0; from < 5; from += 2) {
        const page = await store().searchAlerts({ process: p, from, size: 2 });
        expect(page.total).toBe(5);
        pages.push(...ids(page.alerts));
      }
      expect(pages).toEqual(expected);
      expect((await store().searchAlerts({ process: p, from: 5, size: 2 })).alerts).toEqual([]);
    });

    it('of two connections creating the same new alert at once, exactly one wins', async () => {
      const other = await sut!.openAnother();
      await other.prepare();
      try {
        const p = `race-${tag()}`;
        const alerts = Array.from({ length: 20 }, (_, i) =>
          makeAlert({ process: p, instance: `r-${i}` }),
        );
        const results = await Promise.all(
          alerts.flatMap((alert) => [
            store().upsertAlerts([{ ...alert, summary: 'first' }]),
            other.upsertAlerts([{ ...alert, summary: 'second' }]),
          ]),
        );
        const written = results.flatMap((r) => r.written);
        const conflicts = results.flatMap((r) => r.conflicts);
        expect(results.flatMap((r) => r.failed)).toEqual([]);
        expect(ids(written).sort()).toEqual(ids(alerts).sort());
        expect(ids(conflicts).sort()).toEqual(ids(alerts).sort());
        for (const winner of written) {
          expect(await other.getAlert(winner.id)).toEqual(winner);
        }
      } finally {
        await other.close();
      }
    });

    it('of two collectors sweeping the same findings at once, each alert fires once', async () => {
      const other = await sut!.openAnother();
      await other.prepare();
      try {
        const p = `sweep-${tag()}`;
        const findings = Array.from({ length: 10 }, (_, i) =>
          makeFinding({ process: p, instance: `s-${i}`, step: 'pick' }),
        );
        const services = [store(), other].map(
          (s) => new AlertService(s, { now: () => at(0), maxAttempts: 10 }),
        );
        const fire = () =>
          Promise.all(services.map((s) => s.reconcile(findings, { processes: [p] })));
        const firing = (await fire()).flat();
        expect(firing.map((t) => `${t.from}->${t.to}`)).toEqual(findings.map(() => 'null->firing'));
        expect(new Set(ids(firing.map((t) => t.alert))).size).toBe(findings.length);
        // Both sweep again, the findings gone: each alert resolves once.
        const resolving = (
          await Promise.all(services.map((s) => s.reconcile([], { processes: [p] })))
        ).flat();
        expect(resolving.map((t) => t.to)).toEqual(findings.map(() => 'resolved'));
        expect(await store().openAlerts({ processes: [p] })).toEqual([]);
      } finally {
        await other.close();
      }
    });
  });
}
