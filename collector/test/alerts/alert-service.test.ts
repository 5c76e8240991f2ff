/**
 * The alert service over a real (SQLite) alert store: sweeps, listeners, acknowledge and
 * silence, and what happens when another writer changed an alert first.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert, AlertTransition } from '../../src/domain/alerts/alert.ts';
import { AlertActionError, AlertService } from '../../src/app/alerts/alert-service.ts';
import { findingId } from '../../src/domain/detection/finding.ts';
import type { AlertStore, AlertWriteResult } from '../../src/ports/alert-store.ts';
import { SqliteAlertStore } from '../../src/adapters/sqlite/sqlite-alert-store.ts';
import { at, makeFinding } from './alert-fixtures.ts';

let dir: string;
let store: SqliteAlertStore;
let clock: number;
const now = (): Date => at(clock);

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flowtrail-alert-service-'));
  store = new SqliteAlertStore({ dataDir: dir });
  await store.prepare();
  clock = 0;
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const pick = makeFinding({ instance: 'o-1', step: 'pick', owner: 'ann' });
const pack = makeFinding({ instance: 'o-2', step: 'pack', process: 'returns' });
const summary = (ts: readonly AlertTransition[]): string[] =>
  ts.map((t) => `${t.alert.instance}:${t.from ?? 'new'}->${t.to}`);

describe('AlertService.reconcile', () => {
  it('fires, keeps, resolves and refires, telling the listeners what it won', async () => {
    const service = new AlertService(store, { now });
    const heard: string[] = [];
    service.onTransitions((ts) => {
      heard.push(...summary(ts));
    });
    expect(summary(await service.reconcile([pick, pack]))).toEqual([
      'shop/order-fulfilment/o-1:new->firing',
      'shop/returns/o-2:new->firing',
    ]);
    clock = 10;
    expect(await service.reconcile([pick, pack])).toEqual([]);
    clock = 20;
    const resolved = await service.reconcile([pick]);
    expect(summary(resolved)).toEqual(['shop/returns/o-2:firing->resolved']);
    expect(resolved[0]?.alert.version).toBe(2);
    clock = 30;
    expect(summary(await service.reconcile([pick, pack]))).toEqual([
      'shop/returns/o-2:resolved->firing',
    ]);
    expect(heard).toEqual([
      'shop/order-fulfilment/o-1:new->firing',
      'shop/returns/o-2:new->firing',
      'shop/returns/o-2:firing->resolved',
      'shop/returns/o-2:resolved->firing',
    ]);
    expect((await store.getAlert(findingId(pack)))?.history.map((h) => h.status)).toEqual([
      'firing',
      'resolved',
      'firing',
    ]);
  });

  it('only resolves alerts of the swept scope', async () => {
    const service = new AlertService(store, { now });
    await service.reconcile([pick, pack]);
    expect(summary(await service.reconcile([], { processes: ['returns'] }))).toEqual([
      'shop/returns/o-2:firing->resolved',
    ]);
    expect(await service.reconcile([], { kinds: ['orphan'] })).toEqual([]);
    expect((await store.openAlerts()).map((a) => a.id)).toEqual([findingId(pick)]);
  });

  it('reads again after a conflict and reports nothing another writer already did', async () => {
    const other = new AlertService(store, { now });
    const service = new AlertService(
      racing(store, () => other.reconcile([pick])),
      { now },
    );
    // `other` fires pick between our read and our write: our creation conflicts, and on
    // the second read the alert is there, firing: nothing left for us to report.
    expect(summary(await service.reconcile([pick, pack]))).toEqual([
      'shop/returns/o-2:new->firing',
    ]);
    expect((await store.getAlert(findingId(pick)))?.version).toBe(1);
  });

  it('keeps going when a listener fails', async () => {
    const service = new AlertService(store, { now });
    service.onTransitions(() => {
      throw new Error('boom');
    });
    const off = service.onTransitions(() => undefined);
    off();
    expect(await service.reconcile([pick])).toHaveLength(1);
  });
});

describe('AlertService.acknowledge and silence', () => {
  it('acknowledges and silences, notifying the change', async () => {
    const service = new AlertService(store, { now });
    const heard: string[] = [];
    service.onTransitions((ts) => {
      heard.push(...summary(ts));
    });
    await service.reconcile([pick]);
    clock = 5;
    const acked = await service.acknowledge(findingId(pick), 'ann');
    expect(acked).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'ann', version: 2 });
    expect(await service.acknowledge(findingId(pick), 'bob')).toEqual(acked);
    const silenced = await service.silence(findingId(pick), at(3600), 'bob');
    expect(silenced).toMatchObject({ status: 'silenced', silencedBy: 'bob', version: 3 });
    expect(heard.slice(1)).toEqual([
      'shop/order-fulfilment/o-1:firing->acknowledged',
      'shop/order-fulfilment/o-1:acknowledged->silenced',
    ]);
    expect(await service.acknowledge('stuck/nope')).toBeUndefined();
    expect(await service.silence('stuck/nope', at(60))).toBeUndefined();
  });

  it('refuses to acknowledge a resolved alert', async () => {
    const service = new AlertService(store, { now });
    await service.reconcile([pick]);
    await service.reconcile([]);
    await expect(service.acknowledge(findingId(pick))).rejects.toBeInstanceOf(AlertActionError);
  });

  it('retries on a concurrent change and applies the action to the fresh alert', async () => {
    const plain = new AlertService(store, { now });
    await plain.reconcile([pick]);
    const service = new AlertService(
      racing(store, () => plain.silence(findingId(pick), at(600), 'bob')),
      { now },
    );
    const acked = await service.acknowledge(findingId(pick), 'ann');
    expect(acked).toMatchObject({ status: 'acknowledged', version: 3 });
    expect(acked?.history.map((h) => h.status)).toEqual(['firing', 'silenced', 'acknowledged']);
  });
});

/** The store, with `interloper` run once just before the first write reaches it. */
function racing(inner: AlertStore, interloper: () => Promise<unknown>): AlertStore {
  let done = false;
  return {
    prepare: () => inner.prepare(),
    close: () => inner.close(),
    getAlert: (id) => inner.getAlert(id),
    getAlerts: (ids) => inner.getAlerts(ids),
    openAlerts: (scope) => inner.openAlerts(scope),
    searchAlerts: (query) => inner.searchAlerts(query),
    alertChanges: (after, limit) => inner.alertChanges(after, limit),
    upsertAlerts: async (alerts: readonly Alert[]): Promise<AlertWriteResult> => {
      if (!done) {
        done = true;
        await interloper();
      }
      return inner.upsertAlerts(alerts);
    },
  };
}
