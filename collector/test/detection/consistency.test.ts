import { describe, expect, it } from 'vitest';
import { instanceKeyOf, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { foldInstance } from '../../src/domain/instance/fold.ts';
import {
  detectAllInconsistencies,
  type ConsistencyOptions,
} from '../../src/domain/detection/consistency.ts';
import { familiesOf } from '../../src/domain/detection/family.ts';
import type { Finding } from '../../src/domain/detection/finding.ts';
import { Inst, order, payment, t } from './consistency-fixtures.ts';

type Options = Omit<ConsistencyOptions, 'now' | 'events'>;

function detect(events: readonly FlowtrailEvent[], nowS: number, options: Options = {}): Finding[] {
  const groups = new Map<string, FlowtrailEvent[]>();
  for (const e of events)
    groups.set(instanceKeyOf(e), [...(groups.get(instanceKeyOf(e)) ?? []), e]);
  const states = [...groups.values()].map((group) => foldInstance(group));
  return detectAllInconsistencies(familiesOf(states), { ...options, now: t(nowS), events: groups });
}

/** Findings of the instances; the same again with every event delivered twice, reversed. */
function run(instances: readonly Inst[], nowS: number, options: Options = {}): Finding[] {
  const events = instances.flatMap((inst) => inst.events);
  const findings = detect(events, nowS, options);
  const redelivered = [...events, ...events.map((e) => structuredClone(e))].reverse();
  expect(detect(redelivered, nowS, options)).toEqual(findings);
  return findings;
}

const summary = (findings: Finding[]): string[] =>
  findings.map((f) => `${f.kind} ${f.instanceKey.split('/')[2]} since ${f.since.slice(11, 19)}`);

/** Order o-1 waiting in await-payment (from 10 s) for payments/payment (expectation x-1). */
function waitingOrder(deadlineS: number | null = 100): Inst {
  return order()
    .start(0)
    .stepStart(10, 'await-payment')
    .expect(10, 'x-1', 'payments', 'payment', deadlineS ?? undefined);
}

interface Case {
  name: string;
  instances: () => Inst[];
  now: number;
  expected: string[];
  options?: Options;
}

const cases: Record<string, Case[]> = {
  'missing-subprocess': [
    {
      name: 'no child after deadline + grace',
      instances: () => [waitingOrder()],
      now: 131,
      expected: ['missing-subprocess o-1 since 10:02:10'],
    },
    {
      name: 'at deadline + grace exactly: not yet',
      instances: () => [waitingOrder()],
      now: 130,
      expected: [],
    },
    {
      name: 'no deadline: registeredAt + grace',
      instances: () => [waitingOrder(null)],
      now: 41,
      expected: ['missing-subprocess o-1 since 10:00:40'],
    },
    {
      name: 'no deadline, inside the grace',
      instances: () => [waitingOrder(null)],
      now: 40,
      expected: [],
    },
    {
      name: 'deadline from the definition',
      instances: () => [waitingOrder(null)],
      now: 101,
      options: {
        definitions: [
          {
            process: 'order',
            steps: [{ name: 'await-payment' }],
            expectations: [{ system: 'payments', process: 'payment', deadlineMs: 60_000 }],
          },
        ],
      },
      expected: ['missing-subprocess o-1 since 10:01:40'],
    },
    {
      name: 'a child runs it',
      instances: () => [waitingOrder(), payment().start(20, order().link('x-1'))],
      now: 500,
      expected: [],
    },
    {
      name: 'a child linked by system and process only',
      instances: () => [waitingOrder(), payment().start(20, order().link())],
      now: 500,
      expected: [],
    },
    {
      name: 'a child of another process does not count',
      instances: () => [
        waitingOrder(),
        new Inst('payments', 'refund', 'r-1').start(20, order().link()),
      ],
      now: 500,
      expected: ['missing-subprocess o-1 since 10:02:10'],
    },
    {
      name: 'expectation fulfilled',
      instances: () => [waitingOrder().fulfil(50, 'x-1')],
      now: 500,
      expected: [],
    },
    { name: 'parent ended', instances: () => [waitingOrder().cancel(50)], now: 500, expected: [] },
  ],
  'lost-completion': [
    {
      name: 'child completed, expectation open after grace',
      instances: () => [waitingOrder(1000), payment().start(20, order().link('x-1')).complete(50)],
      now: 81,
      expected: ['lost-completion p-1 since 10:01:20'],
    },
    {
      name: 'inside the grace',
      instances: () => [waitingOrder(1000), payment().start(20, order().link('x-1')).complete(50)],
      now: 80,
      expected: [],
    },
    {
      name: 'expectation fulfilled',
      instances: () => [
        waitingOrder(1000).fulfil(51, 'x-1'),
        payment().start(20, order().link('x-1')).complete(50),
      ],
      now: 500,
      expected: [],
    },
    {
      name: 'parent ended',
      instances: () => [
        waitingOrder(1000).fail(60),
        payment().start(20, order().link('x-1')).complete(50),
      ],
      now: 500,
      expected: [],
    },
    {
      name: 'child still running',
      instances: () => [waitingOrder(1000), payment().start(20, order().link('x-1'))],
      now: 500,
      expected: [],
    },
  ],
  orphan: [
    {
      name: 'parent cancelled, child runs',
      instances: () => [waitingOrder().cancel(50), payment().start(20, order().link('x-1'))],
      now: 81,
      expected: ['orphan p-1 since 10:01:20'],
    },
    {
      name: 'parent cancelled, inside the grace',
      instances: () => [waitingOrder().cancel(50), payment().start(20, order().link('x-1'))],
      now: 80,
      expected: [],
    },
    {
      name: 'child started after the parent completed',
      instances: () => [order().start(0).complete(20), payment().start(50, order().link())],
      now: 81,
      expected: ['orphan p-1 since 10:01:20'],
    },
    {
      name: 'unknown parent',
      instances: () => [payment().start(0, order('o-9').link('x-9'))],
      now: 31,
      expected: ['orphan p-1 since 10:00:30'],
    },
    {
      name: 'unknown parent, inside the grace',
      instances: () => [payment().start(0, order('o-9').link())],
      now: 30,
      expected: [],
    },
    {
      name: 'both ended',
      instances: () => [
        waitingOrder().cancel(50),
        payment().start(20, order().link('x-1')).cancel(60),
      ],
      now: 500,
      expected: [],
    },
    {
      name: 'parent running',
      instances: () => [waitingOrder(1000), payment().start(20, order().link('x-1'))],
      now: 500,
      expected: [],
    },
  ],
  duplicate: [
    {
      name: 'two children for one expectation id',
      instances: () => [
        waitingOrder(1000),
        payment().start(10, order().link('x-1')),
        payment('p-2').start(20, order().link('x-1')),
      ],
      now: 51,
      expected: ['duplicate p-2 since 10:00:50'],
    },
    {
      name: 'inside the grace',
      instances: () => [
        waitingOrder(1000),
        payment().start(10, order().link('x-1')),
        payment('p-2').start(20, order().link('x-1')),
      ],
      now: 50,
      expected: [],
    },
    {
      name: 'two children by system+process for an expectation registered once',
      instances: () => [
        waitingOrder(1000),
        payment().start(10, order().link()),
        payment('p-2').start(20, order().link()),
      ],
      now: 51,
      expected: ['duplicate p-2 since 10:00:50'],
    },
    {
      name: 'two expectations of that target, two children',
      instances: () => [
        waitingOrder(1000).expect(11, 'x-2', 'payments', 'payment', 1000),
        payment().start(10, order().link()),
        payment('p-2').start(20, order().link()),
      ],
      now: 500,
      expected: [],
    },
    {
      name: 'the duplicate was cancelled',
      instances: () => [
        waitingOrder(1000),
        payment().start(10, order().link('x-1')),
        payment('p-2').start(20, order().link('x-1')).cancel(30),
      ],
      now: 500,
      expected: [],
    },
    {
      name: 'a retry after a failure',
      instances: () => [
        waitingOrder(1000),
        payment().start(10, order().link('x-1')).fail(15),
        payment('p-2').start(20, order().link('x-1')),
      ],
      now: 500,
      expected: [],
    },
    {
      name: 'the same business action twice (different ids)',
      instances: () => [
        payment()
          .start(0)
          .custom(10, 'com.acme.captured', { amount: 5 })
          .custom(20, 'com.acme.captured', { amount: 5 }),
      ],
      now: 51,
      expected: ['duplicate p-1 since 10:00:50'],
    },
    {
      name: 'the same business action, inside the grace',
      instances: () => [
        payment()
          .start(0)
          .custom(10, 'com.acme.captured', { amount: 5 })
          .custom(20, 'com.acme.captured', { amount: 5 }),
      ],
      now: 50,
      expected: [],
    },
    {
      name: 'the same type with other data',
      instances: () => [
        payment()
          .start(0)
          .custom(10, 'com.acme.captured', { amount: 5 })
          .custom(20, 'com.acme.captured', { amount: 6 }),
      ],
      now: 500,
      expected: [],
    },
    {
      name: 'one event id delivered twice is one action',
      instances: () => [
        payment()
          .start(0)
          .custom(10, 'com.acme.captured', { amount: 5 }, 'cap-1')
          .custom(10, 'com.acme.captured', { amount: 5 }, 'cap-1'),
      ],
      now: 500,
      expected: [],
    },
    {
      name: 'one process.started delivered twice is one child',
      instances: () => [
        waitingOrder(1000),
        payment()
          .emit('flowtrail.process.started', 10, { parent: order().link('x-1') }, undefined, 'ps-1')
          .emit(
            'flowtrail.process.started',
            10,
            { parent: order().link('x-1') },
            undefined,
            'ps-1',
          ),
      ],
      now: 500,
      expected: [],
    },
  ],
  divergence: [
    {
      name: 'child failed, parent completed',
      instances: () => [
        waitingOrder(1000).complete(60),
        payment().start(20, order().link('x-1')).fail(50),
      ],
      now: 91,
      expected: ['divergence p-1 since 10:01:30'],
    },
    {
      name: 'child failed, parent completed: inside the grace',
      instances: () => [
        waitingOrder(1000).complete(60),
        payment().start(20, order().link('x-1')).fail(50),
      ],
      now: 90,
      expected: [],
    },
    {
      name: 'child cancelled, parent fulfilled and completed its step',
      instances: () => [
        waitingOrder(1000).fulfil(55, 'x-1').stepDone(60, 'await-payment'),
        payment().start(20, order().link('x-1')).cancel(50),
      ],
      now: 91,
      expected: ['divergence p-1 since 10:01:30'],
    },
    {
      name: 'child failed, parent failed its step and itself: agreement',
      instances: () => [
        waitingOrder(1000).fulfil(55, 'x-1').stepFail(60, 'await-payment').fail(61),
        payment().start(20, order().link('x-1')).fail(50),
      ],
      now: 500,
      expected: [],
    },
    {
      name: 'child failed, a retry completed, parent completed',
      instances: () => [
        waitingOrder(1000).complete(90),
        payment().start(20, order().link('x-1')).fail(50),
        payment('p-2').start(55, order().link('x-1')).complete(80),
      ],
      now: 500,
      expected: [],
    },
    {
      name: 'child completed, parent failed the step for it',
      instances: () => [
        waitingOrder(1000).stepFail(70, 'await-payment'),
        payment().start(20, order().link('x-1')).complete(50),
      ],
      now: 101,
      expected: ['divergence p-1 since 10:01:40', 'lost-completion p-1 since 10:01:20'],
    },
    {
      name: 'child completed, parent failed the step, then retried it',
      instances: () => [
        waitingOrder(1000)
          .stepFail(70, 'await-payment')
          .stepStart(80, 'await-payment')
          .fulfil(85, 'x-1'),
        payment().start(20, order().link('x-1')).complete(50),
      ],
      now: 500,
      expected: [],
    },
  ],
};

describe.each(Object.entries(cases))('%s', (_kind, table) => {
  it.each(table)('$name', ({ instances, now, expected, options }) => {
    expect(summary(run(instances(), now, options)).sort()).toEqual([...expected].sort());
  });
});

describe('finding contents', () => {
  it('missing-subprocess asks the parent to resend the start, on its waiting step', () => {
    const [finding] = run([waitingOrder()], 131);
    expect(finding).toMatchObject({
      kind: 'missing-subprocess',
      instanceKey: 'shop/order/o-1',
      relatedKeys: [],
      process: 'order',
      source: 'shop',
      step: 'await-payment',
      owner: 'team-shop',
      since: t(130),
      details: {
        expectationId: 'x-1',
        deadline: t(100),
        deadlineSource: 'event',
        resend: {
          system: 'shop',
          what: 'start',
          instanceKey: 'shop/order/o-1',
          expectationId: 'x-1',
        },
      },
    });
    expect(finding?.summary).toContain('asking shop to resend the start');
  });

  it('lost-completion asks the child to resend its completion, related to the parent', () => {
    const [finding] = run(
      [waitingOrder(1000), payment().start(20, order().link('x-1')).complete(50)],
      81,
    );
    expect(finding).toMatchObject({
      kind: 'lost-completion',
      instanceKey: 'payments/payment/p-1',
      relatedKeys: ['shop/order/o-1'],
      details: { resend: { system: 'payments', what: 'completion', expectationId: 'x-1' } },
    });
    expect(finding?.summary).toContain('asking payments to resend the completion');
  });

  it('a duplicate subprocess is related to the parent and every sibling', () => {
    const [finding] = run(
      [
        waitingOrder(1000),
        payment().start(10, order().link('x-1')),
        payment('p-2').start(20, order().link('x-1')),
      ],
      51,
    );
    expect(finding?.relatedKeys).toEqual(['payments/payment/p-1', 'shop/order/o-1']);
    expect(finding?.details).toMatchObject({
      originalKey: 'payments/payment/p-1',
      expectationId: 'x-1',
    });
  });

  it('an orphan of an unknown parent names it', () => {
    const [finding] = run([payment().start(0, order('o-9').link())], 31);
    expect(finding?.relatedKeys).toEqual(['shop/order/o-9']);
    expect(finding?.details).toMatchObject({ parentStatus: 'unknown' });
    expect(finding?.summary).toMatch(/parent shop\/order o-9 is unknown/);
  });

  it('accepts now as a Date, epoch ms or ISO text alike', () => {
    const states = familiesOf([waitingOrder().state()]);
    const iso = detectAllInconsistencies(states, { now: t(131) });
    expect(detectAllInconsistencies(states, { now: Date.parse(t(131)) })).toEqual(iso);
    expect(detectAllInconsistencies(states, { now: new Date(t(131)) })).toEqual(iso);
    expect(iso).toHaveLength(1);
  });

  it('a longer grace moves since and the boundary', () => {
    expect(summary(run([waitingOrder()], 160, { graceMs: 60_000 }))).toEqual([]);
    expect(summary(run([waitingOrder()], 161, { graceMs: 60_000 }))).toEqual([
      'missing-subprocess o-1 since 10:02:40',
    ]);
  });
});
