/**
 * No paging for messages in flight (issue 12, item 6), on the real embedded store with
 * sweeps driven by hand: 300 healthy payments whose capture completed before its
 * deadline, a tenth of the completions delivered 10 s after the deadline (ordinary lag).
 * Those are `pending` from the deadline (listed at once), never climb the ladder, never
 * notify, and resolve without having fired when the completion arrives within the
 * delivery grace. A payment that really hangs fires once the grace has passed; one whose
 * own later events show nothing older is in flight fires at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import type { Notification, Notifier } from '../../src/ports/notifier.ts';
import type { SweepReport } from '../../src/app/detection/sweeper.ts';
import { at, makeEvent } from '../helpers/events.ts';
import { postEvents, startHarness, type Harness } from './embedded-harness.ts';

const T0 = '2026-11-22T09:00:00.000Z';
const GRACE_S = 30;
const DEADLINE_S = 60;
const N = 300;

const pay = (instance: string, type: string, seconds: number, data = {}, step?: string) =>
  makeEvent({
    source: 'payments',
    process: 'payment',
    instance,
    type,
    time: at(T0, seconds),
    owner: 'team-payments',
    data,
    ...(step === undefined ? {} : { step }),
  });

/** Started at T0, capture due at T0 + 60 s. */
const started = (instance: string): FlowtrailEvent[] => [
  pay(instance, 'flowtrail.process.started', 0),
  pay(instance, 'flowtrail.step.started', 1, { deadline: at(T0, DEADLINE_S) }, 'capture'),
];
/** Completed at T0 + 50 s: before the deadline. */
const completed = (instance: string): FlowtrailEvent[] => [
  pay(instance, 'flowtrail.step.completed', 50, {}, 'capture'),
  pay(instance, 'flowtrail.process.completed', 50),
];

describe('late completions within the delivery grace', () => {
  let h: Harness;
  const sent: Notification[] = [];
  const reports: SweepReport[] = [];
  const sweep = async (s: number) => reports.push(await h.sweeper.sweepOnce(new Date(at(T0, s))));
  const ids = Array.from({ length: N }, (_, i) => `p-${String(i).padStart(3, '0')}`);
  const late = ids.filter((_, i) => i % 10 === 0);

  beforeAll(async () => {
    const notifier: Notifier = { name: 'recorder', send: async (n) => void sent.push(n) };
    h = await startHarness({ detection: { graceMs: GRACE_S * 1000 }, notifier });
    await sweep(0); // the start's catch-up over an empty store
    await postEvents(h.base, [
      ...ids.flatMap(started),
      ...ids.filter((id) => !late.includes(id)).flatMap(completed),
      ...started('hangs'),
      // An event of the instance after its deadline: nothing older can still be in flight.
      ...started('seen-after'),
      pay('seen-after', 'flowtrail.message.sent', DEADLINE_S + 2, { messageId: 'm-1', to: 'psp' }),
    ]);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('lists the late ones as pending from the deadline, firing none', async () => {
    await sweep(DEADLINE_S + 5);
    const open = await h.app.alerts.store.openAlerts({});
    const byInstance = new Map(open.map((a) => [a.instance.split('/')[2], a]));
    for (const id of [...late, 'hangs']) expect(byInstance.get(id)?.status).toBe('pending');
    expect(byInstance.get('seen-after')?.status).toBe('firing');
    expect(open.filter((a) => a.status === 'pending')).toHaveLength(late.length + 1);
    expect(reports.at(-1)?.fired).toBe(1);
  });

  it('clears them without a page when the completions arrive within the grace', async () => {
    await postEvents(h.base, late.flatMap(completed)); // 10 s after the deadline
    await sweep(DEADLINE_S + 11);
    await sweep(DEADLINE_S + GRACE_S + 1);
    const alerts = await h.app.alerts.store.searchAlerts({ size: 1000 });
    const of = (id: string) => alerts.alerts.find((a) => a.instance === `payments/payment/${id}`);
    for (const id of late) {
      const alert = of(id);
      expect(alert?.status).toBe('resolved');
      expect(alert?.history.map((e) => e.status)).toEqual(['pending', 'resolved']);
      expect(alert?.history.at(-1)?.note).toMatch(/never fired/);
    }
    expect(of('hangs')?.status).toBe('firing');
    expect(
      of('hangs')
        ?.history.map((e) => e.status)
        .slice(0, 2),
    ).toEqual(['pending', 'firing']);
    // Fired: the one seen after its deadline, then the one that really hangs — no other.
    expect(reports.reduce((n, r) => n + r.fired, 0)).toBe(2);
    const paged = new Set(sent.map((n) => n.instance));
    expect([...paged].sort()).toEqual(['payments/payment/hangs', 'payments/payment/seen-after']);
  });
});
