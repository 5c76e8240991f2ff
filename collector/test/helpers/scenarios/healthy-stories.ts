/**
 * Healthy orders of the detection scenario: finished ones and ones still in flight at
 * `now`, none of which may give any finding — including the cases just inside a grace
 * period or a deadline. Pure.
 */
import {
  Cursor,
  HOUR,
  MINUTE,
  SECOND,
  beginPayment,
  beginShipment,
  closeOrder,
  confirmPayment,
  finishPayment,
  finishShipment,
  openOrder,
  orderFamily,
  requestPayment,
  requestShipment,
  type OrderFamily,
} from './order-pieces.ts';
import type { Story, StoryResult } from './scenario-types.ts';

const done = (...keys: string[]): StoryResult => ({ keys, expected: [] });

/** The whole happy path; options: capture retried once, shipment linked by target only. */
function fullOrder(f: OrderFamily, c: Cursor, retry = false, unlinked = false): StoryResult {
  const [p, s] = [f.payment(), f.shipment()];
  openOrder(f, c);
  requestPayment(f, c, 30 * MINUTE);
  beginPayment(f, p, c);
  finishPayment(f, p, c, retry);
  confirmPayment(f, c);
  requestShipment(f, c, 4 * HOUR);
  beginShipment(f, s, c, unlinked ? f.order.link() : undefined);
  finishShipment(s, c);
  closeOrder(f, c);
  return done(f.order.key, p.key, s.key);
}

const past = (f: OrderFamily): Cursor => new Cursor(f.rnd.between(100, 200) * MINUTE, f.rnd);

export const HEALTHY_STORIES: readonly Story[] = [
  (w, rnd, n) => {
    const f = orderFamily(w, rnd, n);
    return fullOrder(f, past(f));
  },
  (w, rnd, n) => {
    const f = orderFamily(w, rnd, n);
    return fullOrder(f, past(f), true);
  },
  (w, rnd, n) => {
    const f = orderFamily(w, rnd, n);
    return fullOrder(f, past(f), false, true);
  },
  // The card is declined: payment and order both fail — they agree.
  (w, rnd, n) => {
    const f = orderFamily(w, rnd, n);
    const c = past(f);
    const p = f.payment();
    openOrder(f, c);
    requestPayment(f, c, 30 * MINUTE);
    beginPayment(f, p, c);
    p.stepStarted(c.next(0.05, 1), 'authorize');
    p.stepFailed(c.next(20, 300), 'authorize', 'card declined by issuer', 'card-declined');
    p.send(c.next(0.01, 0.5), `m-paid-${p.ref.instance}`, 'shop');
    p.fail(c.next(0.01, 0.5), 'card declined by issuer', 'card-declined');
    f.order.receive(c.next(0.2, 3), `m-paid-${p.ref.instance}`, 'payments');
    f.order.fulfil(c.next(0.01, 0.2), f.ids.payment);
    f.order.stepFailed(c.next(0.01, 0.2), 'await-payment', 'payment declined', 'declined');
    f.order.fail(c.next(0.01, 0.2), 'payment declined', 'payment-declined');
    return done(f.order.key, p.key);
  },
  // Cancelled after validation, before any payment was asked for.
  (w, rnd, n) => {
    const f = orderFamily(w, rnd, n);
    const c = past(f);
    f.order.start(c.ago);
    f.order.step(c.next(0.05, 1), c.next(1, 10), 'validate-order');
    f.order.cancel(c.next(30, 600));
    return done(f.order.key);
  },
  // Payment asked for ~18 s ago without a deadline; no payment yet: inside the grace.
  (w, rnd, n) => {
    const f = orderFamily(w, rnd, n);
    const c = new Cursor(3 * MINUTE, rnd);
    openOrder(f, c);
    c.ago = 19 * SECOND;
    requestPayment(f, c);
    return done(f.order.key);
  },
  // Payment running (authorize under way), the order waits well within its deadline.
  (w, rnd, n) => {
    const f = orderFamily(w, rnd, n);
    const c = new Cursor(10 * MINUTE, rnd);
    const p = f.payment();
    openOrder(f, c);
    requestPayment(f, c, 30 * MINUTE);
    beginPayment(f, p, c);
    p.stepStarted(c.next(0.05, 1), 'authorize', c.ago - 20 * MINUTE);
    return done(f.order.key, p.key);
  },
  // Payment completed ~18 s ago; the confirmation is still on its way: inside the grace.
  (w, rnd, n) => {
    const f = orderFamily(w, rnd, n);
    const c = new Cursor(8 * MINUTE, rnd);
    const p = f.payment();
    openOrder(f, c);
    requestPayment(f, c, 30 * MINUTE);
    beginPayment(f, p, c);
    p.step(4 * MINUTE, 3 * MINUTE, 'authorize');
    p.stepStarted(3 * MINUTE - 2 * SECOND, 'capture');
    p.custom(
      20 * SECOND,
      'com.acme.payment.captured',
      { amount: '42.00', currency: 'EUR' },
      'capture',
    );
    p.stepCompleted(19 * SECOND, 'capture');
    p.complete(18 * SECOND);
    return done(f.order.key, p.key);
  },
  // Paid; the shipment is being handed over, the order's ship-order is within its deadline.
  (w, rnd, n) => {
    const f = orderFamily(w, rnd, n);
    const c = new Cursor(60 * MINUTE, rnd);
    const [p, s] = [f.payment(), f.shipment()];
    openOrder(f, c);
    requestPayment(f, c, 30 * MINUTE);
    beginPayment(f, p, c);
    finishPayment(f, p, c);
    confirmPayment(f, c);
    requestShipment(f, c, 4 * HOUR);
    beginShipment(f, s, c);
    s.stepStarted(c.next(5, 60), 'hand-over');
    s.waiting(c.next(0.05, 1), 'hand-over', 'carrier pick-up', c.ago - 2 * HOUR);
    return done(f.order.key, p.key, s.key);
  },
];
