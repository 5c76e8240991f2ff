/**
 * Building blocks of the detection scenario's stories: one order in `shop` (process
 * `order`), its payment in `payments` and its shipment in `shipping`, written forward
 * in time along a cursor. Pure (a seeded `Random` draws the durations).
 */
import type { ParentLink } from '@flowtrail/sdk/protocol';
import type { Random } from '../../../src/tools/demo/random.ts';
import type { InstanceWriter, ScenarioWriter } from './scenario-writer.ts';

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;

/** A point in time moving forward: `ago` ms before the scenario's now. */
export class Cursor {
  constructor(
    public ago: number,
    private readonly rnd: Random,
  ) {}
  /** Moves forward by `minS`..`maxS` seconds; returns the new `ago`. */
  next(minS: number, maxS: number): number {
    this.ago -= Math.round(this.rnd.between(minS, maxS) * SECOND);
    return this.ago;
  }
}

export interface OrderFamily {
  rnd: Random;
  order: InstanceWriter;
  /** A payment instance (`p-<n>`, `p-<n>-b` for a second one). */
  payment(suffix?: string): InstanceWriter;
  shipment(suffix?: string): InstanceWriter;
  /** Expectation and message ids of this order. */
  ids: { payment: string; shipment: string; payRequest: string; shipRequest: string };
}

export function orderFamily(w: ScenarioWriter, rnd: Random, n: string): OrderFamily {
  const keys = { orderId: `ORD-${n}` };
  return {
    rnd,
    order: w.instance('shop', 'order', `o-${n}`, 'team-sales', keys),
    payment: (suffix = '') =>
      w.instance('payments', 'payment', `p-${n}${suffix}`, 'team-payments', keys),
    shipment: (suffix = '') =>
      w.instance('shipping', 'shipment', `s-${n}${suffix}`, 'team-logistics', keys),
    ids: {
      payment: `x-pay-${n}`,
      shipment: `x-ship-${n}`,
      payRequest: `m-pay-${n}`,
      shipRequest: `m-ship-${n}`,
    },
  };
}

/** shop: started, validate-order, reserve-stock. */
export function openOrder(f: OrderFamily, c: Cursor): void {
  f.order.start(c.ago);
  const v = c.next(0.05, 1);
  f.order.step(v, c.next(1, 10), 'validate-order');
  const r = c.next(0.05, 2);
  f.order.step(r, c.next(5, 60), 'reserve-stock');
}

/** shop: await-payment begins, expects payments/payment, sends the request, waits. */
export function requestPayment(f: OrderFamily, c: Cursor, deadlineInMs?: number): void {
  const at = c.next(0.05, 1);
  const deadline = deadlineInMs === undefined ? undefined : at - deadlineInMs;
  f.order.stepStarted(at, 'await-payment');
  f.order.expect(at - 100, f.ids.payment, 'payments', 'payment', deadline);
  f.order.send(at - 200, f.ids.payRequest, 'payments');
  f.order.waiting(at - 300, 'await-payment', 'payment confirmation from payments', deadline);
  c.ago = at - 300;
}

/** payments: started for the order, received the request. */
export function beginPayment(
  f: OrderFamily,
  p: InstanceWriter,
  c: Cursor,
  link?: ParentLink,
): void {
  p.start(c.next(0.2, 3), link ?? f.order.link(f.ids.payment));
  p.receive(c.next(0.01, 0.2), f.ids.payRequest, 'shop');
}

/** payments: authorize, capture (optionally failing once first), result sent, completed. */
export function finishPayment(f: OrderFamily, p: InstanceWriter, c: Cursor, retry = false): void {
  const a = c.next(0.05, 1);
  p.step(a, c.next(10, 120), 'authorize');
  p.stepStarted(c.next(0.05, 5), 'capture');
  if (retry) {
    p.stepFailed(c.next(2, 20), 'capture', 'payment provider unavailable (503)', 'psp-unavailable');
    p.stepStarted(c.next(30, 120), 'capture');
  }
  const amount = `${f.rnd.int(5, 500)}.${f.rnd.int(10, 99)}`;
  p.custom(c.next(2, 20), 'com.acme.payment.captured', { amount, currency: 'EUR' }, 'capture');
  p.stepCompleted(c.next(0.01, 0.5), 'capture');
  p.send(c.next(0.01, 0.5), `m-paid-${p.ref.instance}`, 'shop');
  p.complete(c.next(0.01, 0.5));
}

/** shop: payment confirmation received, expectation fulfilled, await-payment completed. */
export function confirmPayment(f: OrderFamily, c: Cursor, from = f.payment()): void {
  f.order.receive(c.next(0.2, 3), `m-paid-${from.ref.instance}`, 'payments');
  f.order.fulfil(c.next(0.01, 0.2), f.ids.payment);
  f.order.stepCompleted(c.next(0.01, 0.2), 'await-payment');
}

/** shop: ship-order begins (with a deadline), expects shipping/shipment, sends the request. */
export function requestShipment(f: OrderFamily, c: Cursor, deadlineInMs?: number): void {
  const at = c.next(1, 60);
  const deadline = deadlineInMs === undefined ? undefined : at - deadlineInMs;
  f.order.stepStarted(at, 'ship-order', deadline);
  f.order.expect(at - 100, f.ids.shipment, 'shipping', 'shipment', deadline);
  f.order.send(at - 200, f.ids.shipRequest, 'shipping');
  c.ago = at - 200;
}

/** shipping: started for the order, received the request, picked and packed. */
export function beginShipment(
  f: OrderFamily,
  s: InstanceWriter,
  c: Cursor,
  link?: ParentLink,
): void {
  s.start(c.next(0.2, 3), link ?? f.order.link(f.ids.shipment));
  s.receive(c.next(0.01, 0.2), f.ids.shipRequest, 'shop');
  const p = c.next(10, 120);
  s.step(p, c.next(60, 600), 'pick');
  const k = c.next(5, 60);
  s.step(k, c.next(30, 300), 'pack');
}

/** shipping: hand-over (waiting for the carrier; two parcels scanned), completed. */
export function finishShipment(s: InstanceWriter, c: Cursor): void {
  s.stepStarted(c.next(5, 60), 'hand-over');
  s.waiting(c.next(0.05, 1), 'hand-over', 'carrier pick-up');
  s.custom(c.next(60, 900), 'com.acme.parcel.scanned', { parcel: 1 }, 'hand-over');
  s.custom(c.next(1, 30), 'com.acme.parcel.scanned', { parcel: 2 }, 'hand-over');
  s.stepCompleted(c.next(1, 10), 'hand-over');
  s.send(c.next(0.01, 0.5), `m-shipped-${s.ref.instance}`, 'shop');
  s.complete(c.next(0.01, 0.5));
}

/** shop: shipment confirmed, ship-order completed, order completed. */
export function closeOrder(f: OrderFamily, c: Cursor, from = f.shipment()): void {
  f.order.receive(c.next(0.2, 3), `m-shipped-${from.ref.instance}`, 'shipping');
  f.order.fulfil(c.next(0.01, 0.2), f.ids.shipment);
  f.order.stepCompleted(c.next(0.01, 0.2), 'ship-order');
  f.order.complete(c.next(0.01, 0.5));
}
