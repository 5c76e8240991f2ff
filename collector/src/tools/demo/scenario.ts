/**
 * Pure scenario generation for `flowtrail demo`: given a seed, an order index and `now`,
 * the plan of one order across three systems. No IO, no clock; the same inputs always
 * give the same plan, and everything but the instants is independent of `now`.
 *
 * The story (choreography over a bus, with expectations — the cross-system families that
 * the consistency rules check, docs/detection.md):
 * - shop / `order-fulfilment` (owner team-sales): validate-order (team-sales),
 *   reserve-stock (team-warehouse), await-payment (team-sales, a wait with a deadline),
 *   ship-order (team-warehouse). Expects payments/`payment` and logistics/`shipment`.
 * - payments / `payment` (team-payments), a subprocess started from the propagated
 *   headers: authorize, capture; reports back to shop.
 * - logistics / `shipment` (team-logistics), likewise: pick, pack, hand-over.
 *
 * Faults, each drawn with probability `faultRate` (at most one terminal fault per order):
 * - lost-message: the payment or shipment request never arrives → no subprocess, the
 *   expectation is not fulfilled (missing-subprocess) — until shop resends it;
 * - lost-completion: payment completes but its result never reaches shop, which keeps
 *   waiting in await-payment (lost-completion) — until payments resends it;
 * - late-message: a request arrives after its expectation's deadline;
 * - duplicate-delivery: one event is delivered twice with the SAME id;
 * - stuck-wait: the customer never confirms the payment: payment's authorize and shop's
 *   await-payment wait forever (stuck) — nothing to resend, a case for people;
 * - failed-step: a step fails once (transient error) and is retried successfully;
 * - failed-process: the card is declined → payment fails, then the order fails;
 * - cancelled-process: the customer withdraws the order after validation.
 *
 * The two lost messages are repairable: the rest of the order is planned, held, and run
 * when the system that must act gets the collector's resend command (plan.ts, `repair`);
 * its first action is the resent message.
 *
 * Time: `pace: 'live'` starts the order at `now` and compresses durations 60× (a
 * simulated minute takes a real second, so a whole order runs in about a minute);
 * `pace: 'history'` uses realistic durations (minutes to hours) and places the order so
 * that it ends before `now`, randomly within the last `historySpanMs` — data that looks
 * like real history, available instantly.
 */
import { PlanBuilder } from './plan-builder.ts';
import { seededRandom, type Random } from './random.ts';
import {
  FAULT_KINDS,
  TERMINAL_FAULTS,
  type DemoPlan,
  type FaultKind,
  type HandleName,
  type PlannedError,
  type SystemName,
} from './plan.ts';

export interface ScenarioOptions {
  seed: string;
  /** Distinguishes runs with the same seed: part of every instance id. */
  runId: string;
  /** Probability of each fault kind per order, 0..1. */
  faultRate: number;
  pace: 'live' | 'history';
  /** History pace: orders end within this window before `now`. Default 2 h. */
  historySpanMs?: number;
  /** `orderId` of index 0 is `ORD-<firstOrderNumber>`. Default 10000. */
  firstOrderNumber?: number;
}

/** Real ms per simulated ms in live pace. */
export const LIVE_SCALE = 1 / 60;
const PAYMENT_WINDOW_S = 30 * 60;
const SHIPMENT_WINDOW_S = 4 * 3600;
type Hop = 'payment-request' | 'shipment-request';

export function generatePlan(index: number, now: Date, options: ScenarioOptions): DemoPlan {
  const rnd = seededRandom(options.seed, index);
  const b = new PlanBuilder(rnd, options.pace === 'live' ? LIVE_SCALE : 1);
  const spread = rnd.next();
  const requested = drawFaults(rnd, options.faultRate);
  const lostHop = rnd.pick<Hop>(['payment-request', 'shipment-request']);
  const lateHop = rnd.pick<Hop>(['payment-request', 'shipment-request']);
  const failingStep = rnd.pick(['reserve-stock', 'capture', 'pick', 'pack']);
  const applied = new Set<FaultKind>();
  const wants = (fault: FaultKind): boolean => requested.has(fault);

  const orderId = `ORD-${(options.firstOrderNumber ?? 10_000) + index}`;
  const customerId = `CUST-${rnd.int(1000, 9999)}`;
  const traceId = rnd.hex(32).replace(/^0/, '1');
  const traceparent = `00-${traceId}-${rnd.hex(16).replace(/^0/, '1')}-01`;
  const id = (prefix: string): string => `${prefix}-${options.runId}-${index}`;

  const act =
    (system: SystemName, handle: HandleName) =>
    (op: Parameters<PlanBuilder['do']>[2]): number =>
      b.do(system, handle, op);
  const shop = act('shop', 'order');
  const pay = act('payments', 'payment');
  const ship = act('logistics', 'shipment');
  const emitting: number[] = []; // actions whose event may be delivered twice
  // Not the held ones: a redelivery is planned before the repair that would emit them.
  const track = (index: number): number => (b.holding ? index : (emitting.push(index), index));

  /** A step that may fail once (failed-step) before it succeeds. */
  const step = (
    run: typeof shop,
    name: string,
    [minS, maxS]: [number, number],
    owner?: string,
  ): void => {
    track(run({ op: 'step-start', step: name, ...(owner ? { owner } : {}) }));
    b.wait(minS, maxS);
    if (wants('failed-step') && failingStep === name) {
      applied.add('failed-step');
      run({ op: 'step-fail', step: name, error: transientError(name) });
      b.wait(30, 300);
      run({ op: 'step-start', step: name });
      b.wait(minS, maxS);
    }
    track(run({ op: 'step-complete', step: name }));
  };

  /** The bus hop of a request; late-message delays it past the expectation's deadline. */
  const hop = (which: Hop): void => {
    if (wants('late-message') && lateHop === which && !b.holding) {
      applied.add('late-message');
      const window = which === 'payment-request' ? PAYMENT_WINDOW_S : SHIPMENT_WINDOW_S;
      b.wait(window * 1.2, window * 2);
    } else b.wait(0.2, 3);
  };

  const plan = (): DemoPlan => {
    if (wants('duplicate-delivery')) {
      applied.add('duplicate-delivery');
      const original = rnd.pick(emitting);
      b.after(original, rnd.between(1, 30), { op: 'redeliver', of: original });
    }
    const origin =
      options.pace === 'live'
        ? now.getTime()
        : now.getTime() - b.endMs - spread * (options.historySpanMs ?? 2 * 3600_000);
    return {
      index,
      orderId,
      customerId,
      traceparent,
      instances: {
        order: {
          system: 'shop',
          process: 'order-fulfilment',
          instance: id('o'),
          owner: 'team-sales',
        },
        payment: {
          system: 'payments',
          process: 'payment',
          instance: id('p'),
          owner: 'team-payments',
          parentFrom: 'payment-request',
        },
        shipment: {
          system: 'logistics',
          process: 'shipment',
          instance: id('s'),
          owner: 'team-logistics',
          parentFrom: 'shipment-request',
        },
      },
      actions: b.finish(origin),
      faults: FAULT_KINDS.filter((f) => applied.has(f)),
      ...(b.repair === undefined ? {} : { repair: b.repair }),
    };
  };

  /** A request lost on the bus: the rest waits for shop's resend (the first held action). */
  const lose = (
    request: { message: string; name: string },
    to: SystemName,
    expectation: string,
  ): void => {
    applied.add('lost-message');
    b.hold({ system: 'shop', handle: 'order', what: 'start' });
    b.wait(0.05, 1);
    shop({ op: 'send', ...request, to, expectation, resend: true });
  };

  // ---- shop: validate, reserve ---------------------------------------------------------
  track(shop({ op: 'start' }));
  b.wait(0.05, 1);
  step(shop, 'validate-order', [2, 20], 'team-sales');
  if (wants('cancelled-process')) {
    applied.add('cancelled-process');
    b.wait(30, 600);
    shop({ op: 'cancel', reason: 'customer withdrew the order' });
    return plan();
  }
  b.wait(0.05, 2);
  step(shop, 'reserve-stock', [10, 120], 'team-warehouse');

  // ---- shop → payments ------------------------------------------------------------------
  b.wait(0.05, 1);
  const toPay = { peer: 'payments', process: 'payment' } as const;
  shop({ op: 'expect', expectation: 'payment', ...toPay, deadline: b.in(PAYMENT_WINDOW_S) });
  const paymentRequest = { message: 'payment-request', name: 'payment-requested' };
  track(shop({ op: 'send', ...paymentRequest, to: 'payments', expectation: 'payment' }));
  track(shop({ op: 'step-start', step: 'await-payment', owner: 'team-sales' }));
  shop({
    op: 'step-waiting',
    step: 'await-payment',
    for: 'payment confirmation from payments',
    deadline: b.in(PAYMENT_WINDOW_S),
  });
  if (wants('lost-message') && lostHop === 'payment-request') {
    lose(paymentRequest, 'payments', 'payment');
  }
  hop('payment-request');
  track(pay({ op: 'start' }));
  track(pay({ op: 'receive', message: 'payment-request' }));
  b.wait(0.05, 1);
  track(pay({ op: 'step-start', step: 'authorize' }));
  if (wants('stuck-wait')) {
    applied.add('stuck-wait'); // the customer never confirms (3-D Secure abandoned)
    return plan();
  }
  b.wait(20, 600); // the customer confirms the payment (3-D Secure…)
  if (wants('failed-process')) {
    applied.add('failed-process');
    const declined = { message: 'card declined by issuer', code: 'card-declined' };
    pay({ op: 'step-fail', step: 'authorize', error: declined });
    pay({ op: 'send', message: 'payment-result', name: 'payment-failed', to: 'shop' });
    pay({ op: 'fail', error: declined });
    b.wait(0.2, 3);
    shop({ op: 'receive', message: 'payment-result' });
    shop({ op: 'fulfil', expectation: 'payment' });
    shop({ op: 'step-fail', step: 'await-payment', error: declined });
    shop({ op: 'fail', error: { message: 'payment declined', code: 'payment-declined' } });
    return plan();
  }
  track(pay({ op: 'step-complete', step: 'authorize' }));
  b.wait(0.05, 5);
  step(pay, 'capture', [3, 40]);
  const paymentResult = { message: 'payment-result', name: 'payment-confirmed' } as const;
  track(pay({ op: 'send', ...paymentResult, to: 'shop' }));
  track(pay({ op: 'complete' }));
  if (wants('lost-completion') && !b.holding) {
    applied.add('lost-completion'); // the result never reaches shop: payments resends it
    b.hold({ system: 'payments', handle: 'payment', what: 'completion' });
    b.wait(0.05, 1);
    pay({ op: 'send', ...paymentResult, to: 'shop', resend: true });
  }
  b.wait(0.2, 3);
  track(shop({ op: 'receive', message: 'payment-result' }));
  shop({ op: 'fulfil', expectation: 'payment' });
  track(shop({ op: 'step-complete', step: 'await-payment' }));

  // ---- shop → logistics -----------------------------------------------------------------
  b.wait(1, 60);
  const shipDeadline = b.in(SHIPMENT_WINDOW_S);
  track(
    shop({ op: 'step-start', step: 'ship-order', owner: 'team-warehouse', deadline: shipDeadline }),
  );
  const toShip = { peer: 'logistics', process: 'shipment' } as const;
  shop({ op: 'expect', expectation: 'shipment', ...toShip, deadline: shipDeadline });
  const shipmentRequest = { message: 'shipment-request', name: 'shipment-requested' };
  track(shop({ op: 'send', ...shipmentRequest, to: 'logistics', expectation: 'shipment' }));
  if (wants('lost-message') && lostHop === 'shipment-request') {
    lose(shipmentRequest, 'logistics', 'shipment');
  }
  hop('shipment-request');
  track(ship({ op: 'start' }));
  track(ship({ op: 'receive', message: 'shipment-request' }));
  b.wait(30, 900);
  step(ship, 'pick', [120, 1200]);
  b.wait(5, 120);
  step(ship, 'pack', [60, 600]);
  b.wait(60, 1800);
  step(ship, 'hand-over', [300, 3600]);
  track(ship({ op: 'send', message: 'shipment-result', name: 'parcel-handed-over', to: 'shop' }));
  track(ship({ op: 'complete' }));
  b.wait(0.2, 3);
  track(shop({ op: 'receive', message: 'shipment-result' }));
  shop({ op: 'fulfil', expectation: 'shipment' });
  track(shop({ op: 'step-complete', step: 'ship-order' }));
  track(shop({ op: 'complete' }));
  return plan();
}

/** The requested faults: each kind with probability `rate`, at most one terminal one. */
function drawFaults(rnd: Random, rate: number): Set<FaultKind> {
  const drawn = FAULT_KINDS.filter(() => rnd.chance(rate));
  const terminal = drawn.filter((f) => TERMINAL_FAULTS.includes(f));
  const keep = terminal.length > 0 ? rnd.pick(terminal) : undefined;
  return new Set(drawn.filter((f) => !TERMINAL_FAULTS.includes(f) || f === keep));
}

function transientError(step: string): PlannedError {
  const errors: Record<string, PlannedError> = {
    'reserve-stock': { message: 'warehouse system timed out', code: 'ETIMEDOUT' },
    capture: { message: 'payment provider unavailable (503)', code: 'psp-unavailable' },
    pick: { message: 'handheld scanner offline', code: 'scanner-offline' },
    pack: { message: 'label printer jammed', code: 'printer-jam' },
  };
  return errors[step] ?? { message: `${step} failed`, code: 'step-failed' };
}
