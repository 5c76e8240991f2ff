/**
 * Faulty orders of the detection scenario: each injects one fault and lists exactly the
 * findings it must give at `now` (a stuck wait that a missing subprocess also causes is
 * listed too). Pure.
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
import type { ExpectedFinding, Story, StoryResult } from './scenario-types.ts';
import type { ScenarioWriter } from './scenario-writer.ts';
import type { Random } from '../../../src/tools/demo/random.ts';
import type { FindingKind } from '../../../src/domain/detection/finding.ts';

type FaultStory = (f: OrderFamily, c: Cursor) => { keys: string[]; found: [FindingKind, string][] };

function story(fault: string, startAgo: number, write: FaultStory): [string, Story] {
  const run = (w: ScenarioWriter, rnd: Random, n: string): StoryResult => {
    const f = orderFamily(w, rnd, n);
    const { keys, found } = write(f, new Cursor(startAgo, rnd));
    const expected = found.map(([kind, instanceKey]): ExpectedFinding => ({
      kind,
      instanceKey,
      fault,
    }));
    return { keys, expected };
  };
  return [fault, run];
}

/** Paid in full: opening, payment requested, run, confirmed. */
function paid(f: OrderFamily, c: Cursor): string {
  const p = f.payment();
  openOrder(f, c);
  requestPayment(f, c, 30 * MINUTE);
  beginPayment(f, p, c);
  finishPayment(f, p, c);
  confirmPayment(f, c);
  return p.key;
}

export const FAULT_STORIES: readonly [string, Story][] = [
  story('stuck-wait', 80 * MINUTE, (f, c) => {
    const s = f.shipment();
    const p = paid(f, c);
    requestShipment(f, c, 4 * HOUR);
    beginShipment(f, s, c);
    s.stepStarted(c.next(5, 60), 'hand-over');
    s.waiting(c.next(0.05, 1), 'hand-over', 'carrier pick-up', 20 * MINUTE);
    return { keys: [f.order.key, p, s.key], found: [['stuck', s.key]] };
  }),
  story('stuck-step', 40 * MINUTE, (f, c) => {
    const p = f.payment();
    openOrder(f, c);
    requestPayment(f, c, 60 * MINUTE);
    beginPayment(f, p, c);
    p.step(c.next(0.05, 1), c.next(10, 60), 'authorize');
    p.stepStarted(c.next(0.05, 5), 'capture', 10 * MINUTE);
    return { keys: [f.order.key, p.key], found: [['stuck', p.key]] };
  }),
  // The payment request was lost; the order waits past the expectation's deadline.
  story('missing-subprocess', 50 * MINUTE, (f, c) => {
    openOrder(f, c);
    requestPayment(f, c, 30 * MINUTE);
    return {
      keys: [f.order.key],
      found: [
        ['missing-subprocess', f.order.key],
        ['stuck', f.order.key],
      ],
    };
  }),
  // The shipment request was lost; no deadline anywhere: registeredAt + grace.
  story('missing-subprocess-without-deadline', 70 * MINUTE, (f, c) => {
    const p = paid(f, c);
    requestShipment(f, c);
    return { keys: [f.order.key, p], found: [['missing-subprocess', f.order.key]] };
  }),
  // The payment completed 10 min ago; its confirmation never reached the order.
  story('lost-completion', 20 * MINUTE, (f, c) => {
    const p = f.payment();
    openOrder(f, c);
    requestPayment(f, c, 30 * MINUTE);
    beginPayment(f, p, c);
    p.step(c.next(0.05, 1), c.next(5, 20), 'authorize');
    p.stepStarted(c.next(0.05, 1), 'capture');
    p.stepCompleted(14 * MINUTE, 'capture');
    p.complete(10 * MINUTE);
    return { keys: [f.order.key, p.key], found: [['lost-completion', p.key]] };
  }),
  // The order was cancelled while its shipment kept going.
  story('orphan-terminal-parent', 60 * MINUTE, (f, c) => {
    const s = f.shipment();
    const p = paid(f, c);
    requestShipment(f, c, 4 * HOUR);
    s.start(c.next(0.2, 3), f.order.link(f.ids.shipment));
    s.stepStarted(c.next(10, 60), 'pick');
    f.order.cancel(10 * MINUTE);
    return { keys: [f.order.key, p, s.key], found: [['orphan', s.key]] };
  }),
  // A payment names an order nobody has seen.
  story('orphan-unknown-parent', 15 * MINUTE, (f, c) => {
    const p = f.payment();
    const ghost = { source: 'shop', process: 'order', instance: `${f.order.ref.instance}-ghost` };
    p.start(c.ago, { ...ghost, expectationId: f.ids.payment });
    p.stepStarted(c.next(1, 10), 'authorize');
    return { keys: [p.key], found: [['orphan', p.key]] };
  }),
  // The payment request was delivered twice under different message ids: two payments.
  story('duplicate-subprocess', 150 * MINUTE, (f, c) => {
    const [p, p2, s] = [f.payment(), f.payment('-b'), f.shipment()];
    openOrder(f, c);
    requestPayment(f, c, 30 * MINUTE);
    beginPayment(f, p, c);
    const twin = new Cursor(c.ago - 2 * SECOND, f.rnd);
    beginPayment(f, p2, twin);
    finishPayment(f, p2, twin);
    finishPayment(f, p, c);
    confirmPayment(f, c);
    requestShipment(f, c, 4 * HOUR);
    beginShipment(f, s, c);
    finishShipment(s, c);
    closeOrder(f, c);
    return { keys: [f.order.key, p.key, p2.key, s.key], found: [['duplicate', p2.key]] };
  }),
  // The capture was booked twice with the same data (different event ids).
  story('duplicate-action', 30 * MINUTE, (f, c) => {
    const p = f.payment();
    openOrder(f, c);
    requestPayment(f, c, 30 * MINUTE);
    beginPayment(f, p, c);
    p.step(c.next(0.05, 1), c.next(5, 60), 'authorize');
    p.stepStarted(c.next(0.05, 1), 'capture');
    const captured = { amount: '99.90', currency: 'EUR' };
    p.custom(c.next(1, 5), 'com.acme.payment.captured', captured, 'capture');
    p.custom(c.next(1, 5), 'com.acme.payment.captured', captured, 'capture');
    p.stepCompleted(c.next(0.1, 1), 'capture');
    p.complete(c.next(0.1, 1));
    confirmPayment(f, c);
    return { keys: [f.order.key, p.key], found: [['duplicate', p.key]] };
  }),
  // The payment failed, yet the order took it as paid and completed.
  story('divergence-child-failed', 150 * MINUTE, (f, c) => {
    const [p, s] = [f.payment(), f.shipment()];
    openOrder(f, c);
    requestPayment(f, c, 30 * MINUTE);
    beginPayment(f, p, c);
    p.stepStarted(c.next(0.05, 1), 'authorize');
    p.stepFailed(c.next(20, 120), 'authorize', 'card declined by issuer', 'card-declined');
    p.fail(c.next(0.01, 0.5), 'card declined by issuer', 'card-declined');
    confirmPayment(f, c);
    requestShipment(f, c, 4 * HOUR);
    beginShipment(f, s, c);
    finishShipment(s, c);
    closeOrder(f, c);
    return { keys: [f.order.key, p.key, s.key], found: [['divergence', p.key]] };
  }),
  // The shipment completed, but the order gave up on it (ship-order failed) and failed.
  story('divergence-step-failed', 150 * MINUTE, (f, c) => {
    const s = f.shipment();
    const p = paid(f, c);
    requestShipment(f, c, 4 * HOUR);
    beginShipment(f, s, c);
    finishShipment(s, c);
    f.order.stepFailed(c.next(60, 600), 'ship-order', 'carrier did not confirm', 'no-confirmation');
    f.order.fail(c.next(0.1, 1), 'shipment not confirmed', 'shipment-failed');
    return { keys: [f.order.key, p, s.key], found: [['divergence', s.key]] };
  }),
  // Payment asked for before the stock was reserved: the definition does not allow it.
  story('nonconformance', 150 * MINUTE, (f, c) => {
    const [p, s] = [f.payment(), f.shipment()];
    f.order.start(c.ago);
    f.order.step(c.next(0.05, 1), c.next(1, 10), 'validate-order');
    requestPayment(f, c, 30 * MINUTE);
    beginPayment(f, p, c);
    finishPayment(f, p, c);
    confirmPayment(f, c);
    f.order.step(c.next(0.05, 2), c.next(5, 60), 'reserve-stock');
    requestShipment(f, c, 4 * HOUR);
    beginShipment(f, s, c);
    finishShipment(s, c);
    closeOrder(f, c);
    return { keys: [f.order.key, p.key, s.key], found: [['nonconformance', f.order.key]] };
  }),
];
