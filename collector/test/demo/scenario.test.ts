import { describe, expect, it } from 'vitest';
import { EventTypes, validateEvent, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { FAULT_KINDS, TERMINAL_FAULTS, type DemoPlan } from '../../src/tools/demo/plan.ts';
import { generatePlan, type ScenarioOptions } from '../../src/tools/demo/scenario.ts';
import { memoryRunner, NOW } from './memory-runner.ts';

const options = (over: Partial<ScenarioOptions> = {}): ScenarioOptions => ({
  seed: 'test-seed',
  runId: 'r1',
  faultRate: 0.03,
  pace: 'history',
  ...over,
});

const plans = (n: number, over: Partial<ScenarioOptions> = {}, now = NOW): DemoPlan[] =>
  Array.from({ length: n }, (_, i) => generatePlan(i, now, options(over)));

/** The plan's actions without their instants. */
const shape = (plan: DemoPlan): unknown =>
  plan.actions.map((a) => {
    const { at: _at, ...rest } = a;
    if ('deadline' in rest) delete (rest as { deadline?: Date }).deadline;
    return rest;
  });

/** Runs plans through the SDK (MemoryTransport) in history pace; returns all events. */
async function execute(list: DemoPlan[], faultRate: number): Promise<FlowtrailEvent[]> {
  const { runner, events } = memoryRunner(faultRate);
  for (const plan of list) await runner.execute(plan);
  const summary = await runner.shutdown();
  expect(summary.errors).toEqual({});
  return events();
}

const ofType = (events: FlowtrailEvent[], type: string, source?: string): FlowtrailEvent[] =>
  events.filter((e) => e.type === type && (source === undefined || e.source === source));

describe('demo scenario', () => {
  it('is deterministic for a seed and index; only the instants depend on now', () => {
    expect(plans(20)).toEqual(plans(20));
    const later = plans(20, {}, new Date(NOW.getTime() + 86_400_000));
    expect(later.map(shape)).toEqual(plans(20).map(shape));
    expect(later.map((p) => p.faults)).toEqual(plans(20).map((p) => p.faults));
    expect(plans(20, { seed: 'other' }).map(shape)).not.toEqual(plans(20).map(shape));
  });

  it('names orders, customers and instances', () => {
    const [plan] = plans(1, { firstOrderNumber: 10042 });
    expect(plan?.orderId).toBe('ORD-10042');
    expect(plan?.customerId).toMatch(/^CUST-\d{4}$/);
    expect(plan?.instances.order).toMatchObject({ system: 'shop', instance: 'o-r1-0' });
    expect(plan?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it('history pace: sorted actions, all before now, within the window (but the held ones)', () => {
    const span = 3600_000;
    for (const plan of plans(100, { historySpanMs: span, faultRate: 0.2 })) {
      const all = plan.actions.map((a) => a.at.getTime());
      expect(all).toEqual([...all].sort((a, b) => a - b));
      const times = plan.actions.filter((a) => !a.held).map((a) => a.at.getTime());
      expect(Math.max(...times)).toBeLessThanOrEqual(NOW.getTime());
      expect(Math.max(...times)).toBeGreaterThanOrEqual(NOW.getTime() - span);
    }
  });

  it('live pace: starts at now and runs compressed (an order within minutes)', () => {
    for (const plan of plans(50, { pace: 'live', faultRate: 0 })) {
      expect(plan.actions[0]?.at).toEqual(NOW);
      const last = plan.actions.at(-1)!.at.getTime();
      expect(last - NOW.getTime()).toBeLessThan(5 * 60_000);
    }
  });

  it('produces only events that pass validateEvent', async () => {
    const events = await execute(plans(150, { faultRate: 0.3 }), 0.3);
    expect(events.length).toBeGreaterThan(150 * 10);
    for (const event of events) expect(validateEvent(event)).toMatchObject({ ok: true });
    expect(new Set(events.map((e) => e.source))).toEqual(
      new Set(['shop', 'payments', 'logistics']),
    );
    for (const event of events) {
      expect(event.data.businessKeys).toMatchObject({
        orderId: expect.stringMatching(/^ORD-\d+$/),
        customerId: expect.stringMatching(/^CUST-\d+$/),
      });
    }
  });

  it('injects every fault kind with fault-rate 1, none with fault-rate 0', () => {
    const faulty = plans(60, { faultRate: 1 });
    for (const fault of FAULT_KINDS)
      expect(faulty.some((p) => p.faults.includes(fault))).toBe(true);
    for (const plan of faulty) {
      const terminal = plan.faults.filter((f) => TERMINAL_FAULTS.includes(f));
      expect(terminal).toHaveLength(1);
      // The repairable ones hold the rest of the order, starting with the resend.
      const repairable = ['lost-message', 'lost-completion'].includes(terminal[0] as string);
      expect(plan.repair !== undefined).toBe(repairable);
      const held = plan.actions.filter((a) => a.held);
      expect(held.length > 0).toBe(repairable);
      if (repairable) {
        expect(held[0]).toMatchObject({ op: 'send', resend: true, system: plan.repair?.system });
        expect(plan.actions.at(-1)).toMatchObject({ op: 'complete', handle: 'order', held: true });
      }
    }
    const healthy = plans(60, { faultRate: 0 });
    expect(healthy.every((p) => p.faults.length === 0)).toBe(true);
    expect(healthy.some((p) => p.actions.some((a) => a.op === 'redeliver'))).toBe(false);
  });

  it('healthy orders complete in all three systems with every expectation fulfilled', async () => {
    const events = await execute(plans(30, { faultRate: 0 }), 0);
    const registered = ofType(events, EventTypes.expectationRegistered);
    const fulfilled = ofType(events, EventTypes.expectationFulfilled);
    expect(registered).toHaveLength(60);
    expect(fulfilled.map((e) => e.data.expectationId).sort()).toEqual(
      registered.map((e) => e.data.expectationId).sort(),
    );
    for (const source of ['shop', 'payments', 'logistics']) {
      expect(ofType(events, EventTypes.processCompleted, source)).toHaveLength(30);
    }
    const steps = new Set(ofType(events, EventTypes.stepCompleted).map((e) => e.ftstep));
    expect(steps).toEqual(
      new Set([
        'validate-order',
        'reserve-stock',
        'await-payment',
        'ship-order',
        'authorize',
        'capture',
        'pick',
        'pack',
        'hand-over',
      ]),
    );
    const owners = (step: string): Set<unknown> =>
      new Set(events.filter((e) => e.ftstep === step).map((e) => e.ftowner));
    expect(owners('validate-order')).toEqual(new Set(['team-sales']));
    expect(owners('reserve-stock')).toEqual(new Set(['team-warehouse']));
    expect(owners('capture')).toEqual(new Set(['team-payments']));
    expect(owners('pick')).toEqual(new Set(['team-logistics']));
    const waits = ofType(events, EventTypes.stepWaiting);
    expect(waits).toHaveLength(30);
    expect(waits[0]).toMatchObject({
      ftstep: 'await-payment',
      data: { deadline: expect.any(String) },
    });
  });

  it('subprocesses carry the parent link, the causation and the trace', async () => {
    const events = await execute(plans(20, { faultRate: 0 }), 0);
    const byId = new Map(events.map((e) => [e.id, e]));
    const started = [
      ...ofType(events, EventTypes.processStarted, 'payments'),
      ...ofType(events, EventTypes.processStarted, 'logistics'),
    ];
    expect(started).toHaveLength(40);
    for (const sub of started) {
      const parent = sub.data.parent as { source: string; instance: string; expectationId: string };
      expect(parent).toMatchObject({ source: 'shop', process: 'order-fulfilment' });
      const cause = byId.get(sub.ftcausation as string);
      expect(cause).toMatchObject({
        type: EventTypes.messageSent,
        source: 'shop',
        ftinstance: parent.instance,
        data: { to: sub.source, expectationId: parent.expectationId },
      });
      const registration = ofType(events, EventTypes.expectationRegistered).find(
        (e) => e.data.expectationId === parent.expectationId,
      );
      expect(registration).toMatchObject({
        ftinstance: parent.instance,
        data: { system: sub.source },
      });
      expect(sub.traceparent?.slice(3, 35)).toBe(cause?.traceparent?.slice(3, 35));
      const received = events.find(
        (e) => e.type === EventTypes.messageReceived && e.ftinstance === sub.ftinstance,
      );
      expect(received).toMatchObject({ ftcausation: cause?.id, data: { from: 'shop' } });
    }
  });

  it('makes each fault visible in the events', async () => {
    const list = plans(80, { faultRate: 1 });
    const all = await execute(list, 1);
    const events = [...new Map(all.map((e) => [e.id, e])).values()]; // without redeliveries
    const of = (fault: string): DemoPlan[] => list.filter((p) => p.faults.includes(fault as never));
    const eventsOf = (plan: DemoPlan, source: string): FlowtrailEvent[] =>
      events.filter((e) => e.source === source && e.data.businessKeys?.orderId === plan.orderId);
    for (const fault of FAULT_KINDS) expect(of(fault).length).toBeGreaterThan(0);
    for (const plan of of('lost-message')) {
      const shop = eventsOf(plan, 'shop');
      const open = ofType(shop, EventTypes.expectationRegistered).filter(
        (r) =>
          !ofType(shop, EventTypes.expectationFulfilled).some(
            (f) => f.data.expectationId === r.data.expectationId,
          ),
      );
      expect(open).toHaveLength(1);
      expect(ofType(shop, EventTypes.processCompleted)).toHaveLength(0);
    }
    for (const plan of of('stuck-wait')) {
      const shop = eventsOf(plan, 'shop');
      expect(ofType(shop, EventTypes.stepWaiting)).toHaveLength(1);
      const payments = eventsOf(plan, 'payments');
      expect(ofType(payments, EventTypes.stepStarted).map((e) => e.ftstep)).toEqual(['authorize']);
      expect(ofType(payments, EventTypes.stepCompleted)).toHaveLength(0);
    }
    for (const plan of of('lost-completion')) {
      const shop = eventsOf(plan, 'shop');
      expect(ofType(shop, EventTypes.stepWaiting)).toHaveLength(1);
      expect(
        shop.some(
          (e) =>
            e.ftstep === 'await-payment' &&
            e.type !== EventTypes.stepStarted &&
            e.type !== EventTypes.stepWaiting,
        ),
      ).toBe(false);
      expect(ofType(eventsOf(plan, 'payments'), EventTypes.processCompleted)).toHaveLength(1);
    }
    for (const plan of of('failed-process')) {
      expect(ofType(eventsOf(plan, 'payments'), EventTypes.processFailed)).toHaveLength(1);
      expect(ofType(eventsOf(plan, 'shop'), EventTypes.processFailed)).toHaveLength(1);
    }
    for (const plan of of('cancelled-process')) {
      expect(ofType(eventsOf(plan, 'shop'), EventTypes.processCancelled)).toHaveLength(1);
      expect(eventsOf(plan, 'payments')).toHaveLength(0);
    }
    // (A failure in the held rest of an order shows only once it was repaired.)
    const visibleFailure = (p: DemoPlan) =>
      p.actions.some((a) => a.op === 'step-fail' && a.held !== true);
    expect(of('failed-step').filter(visibleFailure).length).toBeGreaterThan(0);
    for (const plan of of('failed-step').filter(visibleFailure)) {
      const all = [
        ...eventsOf(plan, 'shop'),
        ...eventsOf(plan, 'payments'),
        ...eventsOf(plan, 'logistics'),
      ];
      expect(ofType(all, EventTypes.stepFailed).length).toBeGreaterThanOrEqual(1);
    }
    for (const plan of of('late-message')) {
      const registered = ofType(eventsOf(plan, 'shop'), EventTypes.expectationRegistered);
      const late = registered.some((r) => {
        const sub = events.find(
          (e) =>
            e.type === EventTypes.processStarted &&
            (e.data.parent as { expectationId?: string } | undefined)?.expectationId ===
              r.data.expectationId,
        );
        return sub !== undefined && sub.time > (r.data.deadline as string);
      });
      expect(late).toBe(true);
    }
  });
});
