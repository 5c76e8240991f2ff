/** The end-to-end timeline: hand-made instances across two systems, and its properties. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventTypes, type EventData, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { newAlert, type Alert } from '../../src/domain/alerts/alert.ts';
import { foldInstance } from '../../src/domain/instance/fold.ts';
import { buildTimeline, type Timeline } from '../../src/domain/views/timeline.ts';

const t = (minute: number): string => new Date(Date.UTC(2024, 2, 1, 10, minute)).toISOString();
let n = 0;
function ev(
  source: string,
  instance: string,
  type: string,
  minute: number,
  extra: { step?: string; owner?: string; data?: EventData } = {},
): FlowtrailEvent {
  n += 1;
  const e: FlowtrailEvent = {
    specversion: '1.0',
    id: `${source}-${String(n).padStart(4, '0')}`,
    source,
    type,
    time: t(minute),
    ftprocess: source === 'shop' ? 'order' : 'payment',
    ftinstance: instance,
    data: extra.data ?? {},
  };
  if (extra.step !== undefined) e.ftstep = extra.step;
  if (extra.owner !== undefined) e.ftowner = extra.owner;
  return e;
}

const shop = [
  ev('shop', 'o-1', EventTypes.processStarted, 0),
  ev('shop', 'o-1', EventTypes.stepStarted, 0, { step: 'reserve', owner: 'team-stock' }),
  ev('shop', 'o-1', EventTypes.stepCompleted, 2, { step: 'reserve' }),
  ev('shop', 'o-1', EventTypes.messageSent, 3, { data: { messageId: 'm-1', to: 'pay' } }),
  ev('shop', 'o-1', EventTypes.messageSent, 4, { data: { messageId: 'm-2', to: 'pay' } }),
  ev('shop', 'o-1', EventTypes.stepStarted, 20, { step: 'await-payment', owner: 'ann' }),
  ev('shop', 'o-1', EventTypes.stepWaiting, 21, {
    step: 'await-payment',
    data: { for: 'payment', deadline: t(50) },
  }),
];
const pay = [
  ev('pay', 'p-1', EventTypes.processStarted, 5, {
    data: { parent: { source: 'shop', process: 'order', instance: 'o-1', expectationId: 'x' } },
  }),
  ev('pay', 'p-1', EventTypes.messageReceived, 5, { data: { messageId: 'm-1', from: 'shop' } }),
  ev('pay', 'p-1', EventTypes.stepStarted, 6, { step: 'charge' }),
  ev('pay', 'p-1', EventTypes.stepFailed, 7, { step: 'charge' }),
  ev('pay', 'p-1', EventTypes.stepStarted, 8, { step: 'charge' }),
  ev('pay', 'p-1', EventTypes.stepCompleted, 9, { step: 'charge' }),
  ev('pay', 'p-1', EventTypes.processCompleted, 9),
];
const root = foldInstance(shop);
const child = foldInstance(pay);
const NOW = t(30);

const alert: Alert = {
  ...newAlert(
    {
      kind: 'stuck',
      instanceKey: root.key,
      relatedKeys: [child.key],
      process: 'order',
      source: 'shop',
      step: 'await-payment',
      since: t(21),
      summary: 'await-payment stuck',
      details: {},
    },
    t(25),
  ),
};
alert.history.push({ at: t(26), status: 'acknowledged', note: 'acknowledged by ann' });

function timeline(events: Map<string, FlowtrailEvent[]> = new Map()): Timeline {
  return buildTimeline({
    root,
    related: [child],
    events:
      events.size > 0
        ? events
        : new Map([
            [root.key, shop],
            [child.key, pay],
          ]),
    alerts: [alert],
    now: NOW,
    gapThresholdMs: 5 * 60_000,
  });
}

describe('buildTimeline', () => {
  const tl = timeline();

  it('spans from the first event to now (the root is open) with a lane per system', () => {
    expect(tl.start).toBe(t(0));
    expect(tl.end).toBe(NOW);
    expect(tl.lanes).toEqual([
      { system: 'shop', instances: [root.key] },
      { system: 'pay', instances: [child.key] },
    ]);
  });

  it('draws attempts as bars, the in-flight one open and waiting', () => {
    expect(tl.bars.map((b) => [b.lane, b.step, b.attempt, b.status, b.open, b.end])).toEqual([
      ['shop', 'reserve', 1, 'completed', false, t(2)],
      ['pay', 'charge', 1, 'failed', false, t(7)],
      ['pay', 'charge', 2, 'completed', false, t(9)],
      ['shop', 'await-payment', 1, 'waiting', true, undefined],
    ]);
    expect(tl.bars[0]?.owner).toBe('team-stock');
  });

  it('shows waits, idle gaps, messages (one lost), links and alert markers', () => {
    expect(tl.waits).toEqual([
      {
        lane: 'shop',
        instanceKey: root.key,
        step: 'await-payment',
        for: 'payment',
        start: t(21),
        deadline: t(50),
      },
    ]);
    expect(tl.gaps).toEqual([{ lane: 'shop', instanceKey: root.key, start: t(2), end: t(20) }]);
    expect(tl.arrows).toEqual([
      {
        messageId: 'm-1',
        from: { lane: 'shop', time: t(3), instanceKey: root.key },
        to: { lane: 'pay', time: t(5), instanceKey: child.key },
        toSystem: 'pay',
        transitMs: 120_000,
      },
      {
        messageId: 'm-2',
        from: { lane: 'shop', time: t(4), instanceKey: root.key },
        toSystem: 'pay',
      },
    ]);
    expect(tl.links).toEqual([{ parent: root.key, child: child.key, expectationId: 'x' }]);
    expect(tl.markers.map((m) => [m.kind, m.time, m.summary, m.lane])).toEqual([
      ['finding', t(25), 'await-payment stuck', 'shop'],
      ['action', t(26), 'acknowledged by ann', 'shop'],
    ]);
  });

  it('marks a message resent on a command, with its time in transit', () => {
    const resent = ev('shop', 'o-1', EventTypes.messageSent, 30, {
      data: { messageId: 'm-3', to: 'pay', attributes: { resendFor: 'resend/x/attempt:1' } },
    });
    const got = ev('pay', 'p-1', EventTypes.messageReceived, 31, { data: { messageId: 'm-3' } });
    const timeline = buildTimeline({
      root,
      related: [child],
      events: new Map([
        [root.key, [...shop, resent]],
        [child.key, [...pay, got]],
      ]),
      alerts: [],
      now: NOW,
    });
    expect(timeline.arrows.find((a) => a.messageId === 'm-3')).toMatchObject({
      resendFor: 'resend/x/attempt:1',
      transitMs: 60_000,
    });
    expect(timeline.arrows.find((a) => a.messageId === 'm-2')?.resendFor).toBeUndefined();
  });

  it('puts a related instance’s alert on its lane and ends a closed timeline at its last event', () => {
    const only = buildTimeline({
      root: child,
      related: [],
      events: new Map([[child.key, pay]]),
      alerts: [alert],
      now: t(59),
    });
    expect(only.end).toBe(t(26));
    expect(only.markers.every((m) => m.lane === 'pay')).toBe(true);
  });
});

describe('timeline properties', () => {
  const all = [...shop, ...pay];
  const keyOf = (e: FlowtrailEvent) => (e.source === 'shop' ? root.key : child.key);
  const arbEvents = fc
    .tuple(fc.shuffledSubarray(all, { minLength: all.length }), fc.array(fc.constantFrom(...all)))
    .map(([shuffled, dups]) => {
      const map = new Map<string, FlowtrailEvent[]>();
      for (const e of [...shuffled, ...dups]) map.set(keyOf(e), [...(map.get(keyOf(e)) ?? []), e]);
      return map;
    });

  it('any order and duplication of events gives the same timeline', () => {
    const expected = timeline();
    fc.assert(
      fc.property(arbEvents, (events) => {
        expect(timeline(events)).toEqual(expected);
      }),
    );
  });

  // The pixels of these times are the dashboard's (dashboard/test/timeline-layout.test.ts).
  it('every bar, wait, gap and marker lies within [start, end]', () => {
    fc.assert(
      fc.property(arbEvents, (events) => {
        const tl = timeline(events);
        for (const span of [...tl.bars, ...tl.waits, ...tl.gaps]) {
          expect(span.start >= tl.start && (span.end ?? tl.end) <= tl.end).toBe(true);
        }
        for (const marker of tl.markers) {
          expect(marker.time >= tl.start && marker.time <= tl.end).toBe(true);
        }
      }),
    );
  });
});

describe('the critical path', () => {
  // shop: reserve 0–2, request m-a at 3, await 3–30 waiting (the result arrives at 29), ship 30–40;
  // payments: started by m-a at 5, charge 5–12 then 13–25 (a retry), result m-b at 27;
  // also a side message m-c at 4 that nobody waits for, and a review 31–33 on payments.
  const s = (type: string, minute: number, extra = {}) => ev('shop', 'o-9', type, minute, extra);
  const p = (type: string, minute: number, extra = {}) => ev('pay', 'p-9', type, minute, extra);
  const shopEvents = [
    s(EventTypes.processStarted, 0),
    s(EventTypes.stepStarted, 0, { step: 'reserve' }),
    s(EventTypes.stepCompleted, 2, { step: 'reserve' }),
    s(EventTypes.messageSent, 3, { data: { messageId: 'm-a', to: 'pay' } }),
    s(EventTypes.messageSent, 4, { data: { messageId: 'm-c', to: 'pay' } }),
    s(EventTypes.stepStarted, 3, { step: 'await' }),
    s(EventTypes.stepWaiting, 3, { step: 'await', data: { for: 'payment' } }),
    s(EventTypes.messageReceived, 29, { data: { messageId: 'm-b' } }),
    s(EventTypes.stepCompleted, 30, { step: 'await' }),
    s(EventTypes.stepStarted, 30, { step: 'ship' }),
    s(EventTypes.stepCompleted, 40, { step: 'ship' }),
    s(EventTypes.processCompleted, 40),
  ];
  const payEvents = [
    p(EventTypes.processStarted, 5),
    p(EventTypes.messageReceived, 5, { data: { messageId: 'm-a' } }),
    p(EventTypes.messageReceived, 6, { data: { messageId: 'm-c' } }),
    p(EventTypes.stepStarted, 5, { step: 'charge' }),
    p(EventTypes.stepFailed, 12, { step: 'charge', data: { error: { message: 'x' } } }),
    p(EventTypes.stepStarted, 13, { step: 'charge' }),
    p(EventTypes.stepCompleted, 25, { step: 'charge' }),
    p(EventTypes.messageSent, 27, { data: { messageId: 'm-b', to: 'shop' } }),
    p(EventTypes.stepStarted, 31, { step: 'review' }),
    p(EventTypes.stepCompleted, 33, { step: 'review' }),
    p(EventTypes.processCompleted, 33),
  ];
  const order = foldInstance(shopEvents);
  const payment = foldInstance(payEvents);
  const timeline = buildTimeline({
    root: order,
    related: [payment],
    events: new Map([
      [order.key, shopEvents],
      [payment.key, payEvents],
    ]),
    alerts: [],
    now: t(59),
  });
  const critical = (tl: Timeline) => ({
    bars: tl.bars.filter((b) => b.critical).map((b) => `${b.lane}:${b.step}#${b.attempt}`),
    arrows: tl.arrows.filter((a) => a.critical).map((a) => a.messageId),
  });

  it('runs through the other system when the instance waited for its message', () => {
    expect(critical(timeline)).toEqual({
      bars: ['shop:reserve#1', 'shop:await#1', 'pay:charge#1', 'pay:charge#2', 'shop:ship#1'],
      arrows: ['m-a', 'm-b'],
    });
  });

  it('is a chain backwards in time, and depends only on the set of events', () => {
    const again = buildTimeline({
      root: order,
      related: [payment],
      events: new Map([
        [order.key, [...shopEvents].reverse()],
        [payment.key, [...payEvents, ...payEvents]],
      ]),
      alerts: [],
      now: t(59),
    });
    expect(critical(again)).toEqual(critical(timeline));
    expect(timeline.arrows.find((a) => a.messageId === 'm-b')?.transitMs).toBe(2 * 60_000);
  });
});

describe('critical path properties', () => {
  const all = [...shop, ...pay];
  const keyOf = (e: FlowtrailEvent) => (e.source === 'shop' ? root.key : child.key);
  it('over any subset of the events, the critical bars form a chain back in time', () => {
    fc.assert(
      fc.property(fc.subarray(all, { minLength: 1 }), (subset) => {
        const events = new Map<string, FlowtrailEvent[]>();
        for (const e of subset) events.set(keyOf(e), [...(events.get(keyOf(e)) ?? []), e]);
        const states = [...events.values()].map((list) => foldInstance(list));
        const [first, ...rest] = states;
        if (first === undefined) return;
        const tl = buildTimeline({ root: first, related: rest, events, alerts: [], now: NOW });
        const chain = tl.bars
          .filter((b) => b.critical)
          .map((b) => [Date.parse(b.start), Date.parse(b.end ?? tl.end)] as const)
          .sort((a, b) => a[1] - b[1]);
        for (let i = 1; i < chain.length; i++) {
          expect(chain[i - 1]![1]).toBeLessThanOrEqual(chain[i]![0]);
        }
        // Whatever is critical is in view; a timeline with bars of its root has some.
        const rootBars = tl.bars.filter((b) => b.instanceKey === first.key);
        if (rootBars.length > 0) expect(chain.length).toBeGreaterThan(0);
      }),
    );
  });
});
