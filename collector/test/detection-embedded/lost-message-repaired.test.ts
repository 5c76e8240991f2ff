/**
 * The end-to-end of detection: a lost message repaired without a human. Embedded mode with
 * detection RUNNING (real timers: a sweep every 200 ms, a 500 ms grace), two systems on
 * the SDK's HTTP transport and an in-process "bus" that loses the first message. The
 * collector finds the missing subprocess, re-triggers, `shop` handles the resend command
 * with `handleCommands`, the resent message reaches `payments`, the payment runs as a
 * linked subprocess, the order completes and the alert resolves. The test never touches
 * the alert or the sweeper; it only waits (polling with timeouts) for what the API shows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createFlowtrail,
  handleCommands,
  HttpTransport,
  type CommandSubscription,
  type Flowtrail,
  type FlowtrailCommand,
} from '@flowtrail/sdk';
import type { InstanceState } from '../../src/domain/instance/instance-state.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { call, keyPath } from '../http/http-client.ts';
import { alertDetail, listAlerts, startHarness, type Harness } from './embedded-harness.ts';

const ORDER_KEY = 'shop/order/o-1';
const PAYMENT_KEY = 'payments/payment/p-1';
const WAIT = { timeoutMs: 20_000, intervalMs: 100 };

let h: Harness;
let shopFt: Flowtrail;
let paymentsFt: Flowtrail;
let subscription: CommandSubscription;
const handled: FlowtrailCommand[] = [];

async function instance(key: string): Promise<InstanceState | undefined> {
  const answer = await call(`${h.base}/api/instances/${keyPath(key)}`);
  return answer.status === 200 ? (answer.body as InstanceState) : undefined;
}

beforeAll(async () => {
  h = await startHarness({ detection: { enabled: true, intervalMs: 200, graceMs: 500 } });
  const client = (source: string) =>
    createFlowtrail({
      source,
      transport: new HttpTransport({ url: h.base }),
      scheduledDelayMs: 20,
    });
  shopFt = client('shop');
  paymentsFt = client('payments');
});

afterAll(async () => {
  await subscription?.stop();
  await Promise.all([shopFt?.shutdown(), paymentsFt?.shutdown()]);
  await h?.close();
});

describe('a lost message repaired without a human', () => {
  it('command handled, resent message arrives, instance completes, alert resolves', async () => {
    // --- shop: the order, waiting for a payment that payments is expected to run ---
    const order = shopFt.process('order', { instance: 'o-1', owner: 'team-shop' });
    const awaitPayment = order.step('await-payment');
    order.start();
    awaitPayment.start();
    const expectationId = order.expect({
      system: 'payments',
      process: 'payment',
      deadline: new Date(Date.now() + 300),
      expectationId: 'x-pay-1',
    });

    // The in-process bus: payments' consumer, and shop's consumer of the completion.
    const completionToShop = async () => {
      order.fulfil(expectationId);
      awaitPayment.complete();
      order.complete();
      await shopFt.flush();
    };
    const deliverToPayments = async (headers: Record<string, string>) => {
      const payment = paymentsFt.process('payment', { instance: 'p-1', parentFrom: headers });
      payment.start();
      payment.step('capture').start();
      payment.step('capture').complete();
      payment.complete();
      await paymentsFt.flush();
      await completionToShop();
    };
    const sendPaymentRequest = () => order.messageSent({ to: 'payments', expectationId });

    sendPaymentRequest(); // LOST: the bus never delivers it
    await shopFt.flush();

    // shop handles resend commands: on "resend the start" it sends the message again.
    subscription = handleCommands({
      system: 'shop',
      http: { url: h.base, waitSeconds: 1 },
      handler: async (command) => {
        handled.push(command);
        if (command.data.what !== 'start' || command.ftinstance !== 'o-1') return;
        const sent = sendPaymentRequest();
        await shopFt.flush();
        await deliverToPayments(sent.headers); // this time the bus delivers it
      },
    });

    // The order completes — without anyone touching the alert.
    const completed = await waitFor(
      async () => {
        const state = await instance(ORDER_KEY);
        return state?.status === 'completed' ? state : undefined;
      },
      { ...WAIT, description: 'the order to complete' },
    );
    expect(completed.expectations).toEqual([
      expect.objectContaining({ id: 'x-pay-1', system: 'payments', process: 'payment' }),
    ]);
    expect(completed.expectations[0]?.fulfilledAt).toBeDefined();

    // The alert fired (it has a firing history) and resolves on its own.
    const resolved = await waitFor(
      async () => {
        const alerts = await listAlerts(h.base, '?kind=missing-subprocess');
        const alert = alerts.find((a) => a.instance === ORDER_KEY);
        return alert?.status === 'resolved' ? alert : undefined;
      },
      { ...WAIT, description: 'the missing-subprocess alert to resolve' },
    );
    const detail = await alertDetail(h.base, resolved.id);
    expect(detail.history[0]?.status).toBe('firing');
    expect(detail.history.at(-1)?.status).toBe('resolved');
    expect(detail.history.some((e) => e.note?.startsWith('rung 0:re-trigger') === true)).toBe(true);
    expect(await listAlerts(h.base, '?status=firing&kind=missing-subprocess')).toEqual([]);

    // The command was delivered, handled and acknowledged.
    const resend = handled.find((c) => c.data.reason === 'missing-subprocess');
    expect(resend).toMatchObject({
      fttarget: 'shop',
      ftprocess: 'order',
      ftinstance: 'o-1',
      data: { what: 'start', expectationId: 'x-pay-1', findingId: resolved.id },
    });
    expect(subscription.stats().handled).toBeGreaterThanOrEqual(1);
    await waitFor(() => h.app.commands.pending('shop') === 0, {
      ...WAIT,
      description: 'the command to be acknowledged',
    });

    // The payment ran as a subprocess of the order, linked by the propagated headers.
    const payment = await instance(PAYMENT_KEY);
    expect(payment?.status).toBe('completed');
    expect(payment?.parent).toMatchObject({
      source: 'shop',
      process: 'order',
      instance: 'o-1',
      expectationId: 'x-pay-1',
    });
  });
});
