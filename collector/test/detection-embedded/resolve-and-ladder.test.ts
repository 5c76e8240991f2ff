/**
 * The alert lifecycle and the escalation ladder through embedded mode: real SQLite stores,
 * the real HTTP API, a real local webhook receiver; sweeps driven by hand at chosen times.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { createNotifiers, type Notifiers } from '../../src/main/create-notifiers.ts';
import { parseNotifyConfig } from '../../src/main/config/notify-config.ts';
import { at, makeEvent } from '../helpers/events.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { call } from '../http/http-client.ts';
import { startHttpReceiver, type HttpReceiver } from '../notify/receivers.ts';
import {
  alertDetail,
  listAlerts,
  pendingCommands,
  postEvents,
  startHarness,
  type Harness,
  type ListedAlert,
} from './embedded-harness.ts';

const T0 = '2026-11-22T09:00:00.000Z';

const shop = (
  instance: string,
  type: string,
  seconds: number,
  extra: Partial<FlowtrailEvent> & { data?: Record<string, unknown> } = {},
) =>
  makeEvent({
    source: 'shop',
    process: 'order',
    instance,
    type,
    time: at(T0, seconds),
    owner: 'team-shop',
    ...(extra.ftstep !== undefined ? { step: extra.ftstep } : {}),
    ...(extra.data !== undefined ? { data: extra.data } : {}),
  });

/** An order that registered an expectation of payments/payment (deadline T0+10s when `deadline`). */
function orderWaiting(
  instance: string,
  expectationId: string,
  deadline: boolean,
): FlowtrailEvent[] {
  return [
    shop(instance, 'flowtrail.process.started', 0),
    shop(instance, 'flowtrail.step.started', 1, { ftstep: 'await-payment' }),
    shop(instance, 'flowtrail.expectation.registered', 2, {
      data: {
        expectationId,
        system: 'payments',
        process: 'payment',
        ...(deadline ? { deadline: at(T0, 10) } : {}),
      },
    }),
  ];
}

function paymentStarted(instance: string, order: string, expectationId: string, seconds: number) {
  return makeEvent({
    source: 'payments',
    process: 'payment',
    instance,
    type: 'flowtrail.process.started',
    time: at(T0, seconds),
    data: { parent: { source: 'shop', process: 'order', instance: order, expectationId } },
  });
}

const paymentCompleted = (instance: string, seconds: number) =>
  makeEvent({
    source: 'payments',
    process: 'payment',
    instance,
    type: 'flowtrail.process.completed',
    time: at(T0, seconds),
  });

const ofKind = (alerts: readonly ListedAlert[], kind: string, instance: string) =>
  alerts.find((a) => a.kind === kind && a.instance === instance);

describe('default ladder: re-trigger, notify, resolve', () => {
  let h: Harness;
  let receiver: HttpReceiver;
  let notifiers: Notifiers;

  beforeAll(async () => {
    receiver = await startHttpReceiver();
    notifiers = createNotifiers(parseNotifyConfig({ FLOWTRAIL_NOTIFY_WEBHOOK_URL: receiver.url }));
    h = await startHarness({ notifier: notifiers.notifier });
    await postEvents(h.base, [
      ...orderWaiting('o-1', 'x-pay-1', true), // payment never starts: missing-subprocess
      ...orderWaiting('o-2', 'x-pay-2', false),
      paymentStarted('p-2', 'o-2', 'x-pay-2', 3),
      paymentCompleted('p-2', 5), // o-2 never hears of it: lost-completion
    ]);
  });

  afterAll(async () => {
    await h?.close();
    await notifiers?.close();
    await receiver?.close();
  });

  const bodies = () => receiver.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>);

  it('fires, re-triggers the right system once, and notifies the owner', async () => {
    const first = await h.sweeper.sweepOnce(new Date(at(T0, 60)));
    const firing = await listAlerts(h.base, '?status=firing');
    const missing = ofKind(firing, 'missing-subprocess', 'shop/order/o-1');
    const lost = ofKind(firing, 'lost-completion', 'payments/payment/p-2');
    expect(missing).toBeDefined();
    expect(lost).toBeDefined();
    expect(first.rungs.filter((r) => r.alertId === missing?.id).map((r) => r.rung)).toEqual([
      '0:re-trigger',
      '1:notify-owner',
    ]);

    // Re-trigger: a resend command addressed to the system that must act.
    const toShop = await pendingCommands(h.base, 'shop');
    expect(toShop).toHaveLength(1);
    expect(toShop[0]).toMatchObject({
      fttarget: 'shop',
      ftprocess: 'order',
      ftinstance: 'o-1',
      data: {
        reason: 'missing-subprocess',
        what: 'start',
        expectationId: 'x-pay-1',
        attempt: 1,
        findingId: missing?.id,
      },
    });
    const toPayments = await pendingCommands(h.base, 'payments');
    expect(toPayments).toHaveLength(1);
    expect(toPayments[0]).toMatchObject({
      fttarget: 'payments',
      ftprocess: 'payment',
      ftinstance: 'p-2',
      data: { reason: 'lost-completion', what: 'completion', expectationId: 'x-pay-2', attempt: 1 },
    });

    // Notify-owner: the real webhook receiver got the alert's fields.
    const fired = await waitFor(() => bodies().find((b) => b.alertId === missing?.id), {
      timeoutMs: 30_000,
      description: 'the missing-subprocess notification',
    });
    expect(fired).toMatchObject({
      schemaVersion: 1,
      kind: 'missing-subprocess',
      status: 'firing',
      transition: 'fired',
      source: 'shop',
      process: 'order',
      instance: missing?.instance,
      since: missing?.since,
      summary: missing?.summary,
      owner: 'team-shop',
    });
    expect(bodies().filter((b) => b.alertId === lost?.id)).toHaveLength(1);
  });

  it('a second sweep at the same time takes no rung again (claimed once)', async () => {
    const sent = receiver.requests.length;
    const again = await h.sweeper.sweepOnce(new Date(at(T0, 60)));
    expect(again.rungs).toEqual([]);
    expect(again.fired).toBe(0);
    expect(h.app.commands.pending('shop')).toBe(1);
    expect(h.app.commands.pending('payments')).toBe(1);
    expect(receiver.requests.length).toBe(sent);
    const firing = await listAlerts(h.base, '?status=firing');
    const missing = ofKind(firing, 'missing-subprocess', 'shop/order/o-1');
    const detail = await alertDetail(h.base, missing?.id ?? '');
    const notes = detail.history
      .map((e) => e.note ?? '')
      .filter((n) => n.startsWith('rung 0:re-trigger'));
    // One claim and one outcome note: the rung was taken once.
    expect(notes).toHaveLength(2);
  });

  it('resolves automatically when the instances recover', async () => {
    const firing = await listAlerts(h.base, '?status=firing');
    const missing = ofKind(firing, 'missing-subprocess', 'shop/order/o-1');
    const lost = ofKind(firing, 'lost-completion', 'payments/payment/p-2');
    await postEvents(h.base, [
      paymentStarted('p-1', 'o-1', 'x-pay-1', 70), // the resent start arrived
      shop('o-2', 'flowtrail.expectation.fulfilled', 70, { data: { expectationId: 'x-pay-2' } }),
    ]);
    const report = await h.sweeper.sweepOnce(new Date(at(T0, 80)));
    expect(report.resolved).toBeGreaterThanOrEqual(2);
    for (const alert of [missing, lost]) {
      const detail = await alertDetail(h.base, alert?.id ?? '');
      expect(detail.status).toBe('resolved');
      const statuses = detail.history.map((e) => e.status);
      expect(statuses[0]).toBe('firing');
      expect(statuses.at(-1)).toBe('resolved');
    }
    const resolved = await listAlerts(h.base, '?status=resolved');
    expect(resolved.map((a) => a.id)).toEqual(expect.arrayContaining([missing?.id, lost?.id]));
    const stillFiring = await listAlerts(h.base, '?status=firing');
    expect(ofKind(stillFiring, 'missing-subprocess', 'shop/order/o-1')).toBeUndefined();
    expect(ofKind(stillFiring, 'lost-completion', 'payments/payment/p-2')).toBeUndefined();
    // The resolution is announced too.
    await waitFor(
      () => bodies().find((b) => b.alertId === missing?.id && b.transition === 'resolved'),
      { timeoutMs: 30_000, description: 'the resolution notification' },
    );
  });
});

const ORDER_LADDER = `
process: order
version: 1
owner: team-shop
steps:
  - name: await-payment
escalation:
  - action: re-trigger
    after: 0s
  - action: notify-owner
    after: 1m
  - action: escalate
    after: 10m
    to: team-support
`;

describe('a definition ladder; acknowledging stops it', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ definitionFiles: { 'order.yaml': ORDER_LADDER } });
    await postEvents(h.base, [
      ...orderWaiting('o-3', 'x-pay-3', true),
      ...orderWaiting('o-4', 'x-pay-4', true),
    ]);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('takes each rung when due; an acknowledged alert climbs no further', async () => {
    const first = await h.sweeper.sweepOnce(new Date(at(T0, 41)));
    const firing = await listAlerts(h.base, '?status=firing&kind=missing-subprocess');
    const o3 = ofKind(firing, 'missing-subprocess', 'shop/order/o-3');
    const o4 = ofKind(firing, 'missing-subprocess', 'shop/order/o-4');
    expect(o3).toBeDefined();
    expect(o4).toBeDefined();
    for (const alert of [o3, o4]) {
      expect(first.rungs.filter((r) => r.alertId === alert?.id).map((r) => r.rung)).toEqual([
        '0:re-trigger',
      ]);
    }

    const ack = await call(`${h.base}/api/alerts/${encodeURIComponent(o3?.id ?? '')}/acknowledge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ by: 'alice' }),
    });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'alice' });

    const later = await h.sweeper.sweepOnce(new Date(at(T0, 41 + 20 * 60)));
    expect(later.rungs.filter((r) => r.alertId === o3?.id)).toEqual([]);
    expect(later.rungs.filter((r) => r.alertId === o4?.id).map((r) => r.rung)).toEqual([
      '1:notify-owner',
      '2:escalate',
    ]);
    const commands = (await pendingCommands(h.base, 'shop')).filter(
      (c) => c.data.reason === 'missing-subprocess',
    );
    expect(commands.map((c) => c.ftinstance).sort()).toEqual(['o-3', 'o-4']);
    expect((await alertDetail(h.base, o3?.id ?? '')).status).toBe('acknowledged');
  });
});
