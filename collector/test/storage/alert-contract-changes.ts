/**
 * The change-feed part of the alert store contract (`alertChanges`,
 * storage/change-feed.ts): every stored alert write gets a higher number than the writes
 * before it; the page after a number lists the `instance` and `relatedKeys` of the alerts
 * written since, in the order of their latest write, each key once; a conflict is not a
 * write. The live channel (`GET /api/live`) reads this. Needs `refresh` on Elasticsearch.
 */
import { expect, it } from 'vitest';
import { isRetriable } from '../../src/shared/errors.ts';
import type { AlertStore } from '../../src/ports/alert-store.ts';
import { makeAlert, tag } from '../alerts/alert-fixtures.ts';

export function describeAlertChangeContract(
  store: () => AlertStore,
  refresh: () => Promise<void>,
): void {
  it('numbers every alert write and lists the keys of the alerts written after a number', async () => {
    await refresh();
    const before = await store().alertChanges(undefined, 10);
    expect(before).toEqual({ seq: expect.any(Number), keys: [], truncated: false });
    const t = tag();
    const related = `pay/payment/p-${t}`;
    const a = makeAlert({ process: `chg-${t}`, instance: 'a' }, { relatedKeys: [related] });
    const b = makeAlert({ process: `chg-${t}`, instance: 'b' }, { relatedKeys: [a.instance] });
    const written = await store().upsertAlerts([a, b]);
    expect(written.written).toHaveLength(2);
    await refresh();

    const first = await store().alertChanges(before.seq, 10);
    expect(first.seq).toBeGreaterThanOrEqual(before.seq + 2);
    expect(first).toEqual({
      seq: first.seq,
      keys: [a.instance, related, b.instance],
      truncated: false,
    });

    // A conflict (creating an alert that exists) is not a write.
    expect((await store().upsertAlerts([a])).conflicts).toHaveLength(1);
    await refresh();
    expect(await store().alertChanges(first.seq, 10)).toEqual({
      seq: first.seq,
      keys: [],
      truncated: false,
    });

    // Acknowledging `a` writes it again: it is now the newest.
    const [storedA] = written.written;
    const acked = await store().upsertAlerts([{ ...storedA!, status: 'acknowledged' }]);
    expect(acked.written).toHaveLength(1);
    await refresh();
    const second = await store().alertChanges(first.seq, 10);
    expect(second.seq).toBeGreaterThan(first.seq);
    expect(second.keys).toEqual([a.instance, related]);
    expect(await store().alertChanges(before.seq, 10)).toEqual({
      seq: second.seq,
      keys: [b.instance, a.instance, related],
      truncated: false,
    });
    expect(await store().alertChanges(before.seq, 2)).toEqual({
      seq: second.seq,
      keys: [b.instance, a.instance],
      truncated: true,
    });
  });

  it('rejects a bad change limit or sequence number with a non-retriable error', async () => {
    await expect(store().alertChanges(undefined, -1)).rejects.toSatisfy((e) => !isRetriable(e));
    await expect(store().alertChanges(-5, 10)).rejects.toSatisfy((e) => !isRetriable(e));
  });
}
