/**
 * The browser tests' scenario, sent over the HTTP API: order ORD-4711 in `shop` expecting
 * a payment, payment PAY-981 in `payments` linked to it as parent, and a wait past its
 * deadline so that a stuck alert fires; plus a process of its own, `e2e-deadlines`, whose
 * definition (PUT over the API) gives step `slow` a 1m deadline that its 6-minute attempt
 * overruns (the heat map colours it against it); and four more orders, ORD-4712..4715,
 * that went check → pack → ship and completed, so that the process map of order-fulfilment
 * has a frequent path and a rare one (ORD-4711's check → await-payment).
 */
import { expect } from 'vitest';
import { getJson, waitFor, type Child } from './harness.ts';

export const ORDER_KEY = 'shop/order-fulfilment/ORD-4711';
export const PAYMENT_KEY = 'payments/payment/PAY-981';
export const DEADLINE_PROCESS = 'e2e-deadlines';
const DEADLINE_DEFINITION = `process: ${DEADLINE_PROCESS}
version: 1
description: The e2e heat map's deadline colouring.
owner: team-e2e
steps:
  - name: quick
    deadline: 10m
    next: [slow]
  - name: slow
    deadline: 1m
    next: []
`;

export function scenario(now: number): Record<string, unknown>[] {
  const at = (minutes: number) => new Date(now + minutes * 60_000).toISOString();
  const shop = {
    specversion: '1.0',
    source: 'shop',
    ftprocess: 'order-fulfilment',
    ftinstance: 'ORD-4711',
  };
  const pay = {
    specversion: '1.0',
    source: 'payments',
    ftprocess: 'payment',
    ftinstance: 'PAY-981',
  };
  const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
  return [
    {
      ...shop,
      id: 'e2e-s1',
      type: 'flowtrail.process.started',
      time: at(-10),
      ftowner: 'team-shop',
      traceparent,
      data: { businessKeys: { orderId: 'ORD-4711' } },
    },
    {
      ...shop,
      id: 'e2e-s2',
      type: 'flowtrail.step.started',
      time: at(-10),
      ftstep: 'check',
      ftowner: 'team-shop',
    },
    {
      ...shop,
      id: 'e2e-s3',
      type: 'flowtrail.step.completed',
      time: at(-9.5),
      ftstep: 'check',
      ftowner: 'team-shop',
    },
    {
      ...shop,
      id: 'e2e-s4',
      type: 'flowtrail.expectation.registered',
      time: at(-9.4),
      data: { expectationId: 'exp-pay', system: 'payments', process: 'payment', deadline: at(60) },
    },
    {
      ...shop,
      id: 'e2e-s5',
      type: 'flowtrail.message.sent',
      time: at(-9.3),
      data: { messageId: 'msg-pay-1', to: 'payments' },
    },
    {
      ...shop,
      id: 'e2e-s6',
      type: 'flowtrail.step.started',
      time: at(-9.2),
      ftstep: 'await-payment',
      ftowner: 'team-shop',
    },
    // The stuck wait: its deadline passed two minutes ago.
    {
      ...shop,
      id: 'e2e-s7',
      type: 'flowtrail.step.waiting',
      time: at(-9.1),
      ftstep: 'await-payment',
      ftowner: 'team-shop',
      data: { for: 'payment', deadline: at(-2) },
    },
    {
      ...pay,
      id: 'e2e-p1',
      type: 'flowtrail.process.started',
      time: at(-9),
      ftowner: 'team-payments',
      data: {
        businessKeys: { orderId: 'ORD-4711' },
        parent: {
          source: 'shop',
          process: 'order-fulfilment',
          instance: 'ORD-4711',
          expectationId: 'exp-pay',
        },
      },
    },
    {
      ...pay,
      id: 'e2e-p2',
      type: 'flowtrail.message.received',
      time: at(-9),
      data: { messageId: 'msg-pay-1', from: 'shop' },
    },
    {
      ...pay,
      id: 'e2e-p3',
      type: 'flowtrail.step.started',
      time: at(-8.9),
      ftstep: 'authorize',
      ftowner: 'team-payments',
    },
    {
      ...pay,
      id: 'e2e-p4',
      type: 'flowtrail.step.completed',
      time: at(-8),
      ftstep: 'authorize',
      ftowner: 'team-payments',
    },
    {
      ...pay,
      id: 'e2e-p5',
      type: 'flowtrail.step.started',
      time: at(-7.9),
      ftstep: 'capture',
      ftowner: 'team-payments',
    },
    ...deadlineEvents(at),
    ...shippedOrders(at),
  ];
}

/** The orders shipped, in the order they started (the map's frequent path). */
export const SHIPPED_ORDERS = ['ORD-4712', 'ORD-4713', 'ORD-4714', 'ORD-4715'];

/** SHIPPED_ORDERS, each check (30 s) → pack (1 min) → ship (2 min), then completed. */
function shippedOrders(at: (minutes: number) => string): Record<string, unknown>[] {
  return SHIPPED_ORDERS.flatMap((order, i) => {
    const base = {
      specversion: '1.0',
      source: 'shop',
      ftprocess: 'order-fulfilment',
      ftinstance: order,
      ftowner: 'team-shop',
    };
    const t0 = -20 + i;
    const steps: [string, number, string?][] = [
      ['process.started', t0],
      ['step.started', t0, 'check'],
      ['step.completed', t0 + 0.5, 'check'],
      ['step.started', t0 + 0.6, 'pack'],
      ['step.completed', t0 + 1.6, 'pack'],
      ['step.started', t0 + 1.7, 'ship'],
      ['step.completed', t0 + 3.7, 'ship'],
      ['process.completed', t0 + 3.7],
    ];
    return steps.map(([type, minutes, step], j) => ({
      ...base,
      id: `e2e-${order}-${j}`,
      type: `flowtrail.${type}`,
      time: at(minutes),
      ...(type === 'process.started' ? { data: { businessKeys: { orderId: order } } } : {}),
      ...(step === undefined ? {} : { ftstep: step }),
    }));
  });
}

/** One completed instance of DEADLINE_PROCESS: `quick` in 1 min, `slow` in 6 min. */
function deadlineEvents(at: (minutes: number) => string): Record<string, unknown>[] {
  const base = {
    specversion: '1.0',
    source: 'e2e-system',
    ftprocess: DEADLINE_PROCESS,
    ftinstance: 'DL-1',
    ftowner: 'team-e2e',
  };
  const steps: [string, string, number, string?][] = [
    ['d1', 'process.started', -10],
    ['d2', 'step.started', -10, 'quick'],
    ['d3', 'step.completed', -9, 'quick'],
    ['d4', 'step.started', -9, 'slow'],
    ['d5', 'step.completed', -3, 'slow'],
    ['d6', 'process.completed', -3],
  ];
  return steps.map(([id, type, minutes, step]) => ({
    ...base,
    id: `e2e-${id}`,
    type: `flowtrail.${type}`,
    time: at(minutes),
    ...(step === undefined ? {} : { ftstep: step }),
  }));
}

export interface ListedAlert {
  id: string;
  kind: string;
  status: string;
  instance: string;
}

export interface Seeded {
  /** The time the scenario's relative times count from. */
  now: number;
  /** The stuck alert on ORDER_KEY, once it fired. */
  stuck: ListedAlert;
}

/** Puts the definition, sends the scenario and waits for the stuck alert to fire. */
export async function seedScenario(api: string, up: Child): Promise<Seeded> {
  const defined = await fetch(`${api}/api/definitions/${DEADLINE_PROCESS}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/yaml' },
    body: DEADLINE_DEFINITION,
  });
  expect([200, 201], await defined.text()).toContain(defined.status);

  const now = Date.now();
  const events = scenario(now);
  const res = await fetch(`${api}/api/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/cloudevents-batch+json' },
    body: JSON.stringify(events),
  });
  const ingest = (await res.json()) as { accepted: number; rejected: unknown[] };
  expect(res.status).toBe(202);
  expect(ingest.rejected).toEqual([]);
  expect(ingest.accepted).toBe(events.length);

  const stuck = await waitFor(
    'the stuck alert on ORD-4711 to fire',
    async () => {
      const { body } = await getJson<{ alerts: ListedAlert[] }>(
        `${api}/api/alerts?status=firing&kind=stuck&size=100`,
      );
      return body.alerts.find((a) => a.instance === ORDER_KEY);
    },
    60_000,
    up,
  );
  return { now, stuck };
}
