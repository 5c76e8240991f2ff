import { describe, expect, it } from 'vitest';
import { EventTypes as T, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { foldInstance } from '../../src/domain/instance/fold.ts';
import { parseDefinitionYaml } from '../../src/domain/definitions/parse-definition.ts';
import type { ProcessDefinition } from '../../src/domain/definitions/definition-schema.ts';
import { findingId, type Finding } from '../../src/domain/detection/finding.ts';
import { learnedKey, type LearnedDeadline } from '../../src/domain/detection/learned-deadlines.ts';
import {
  detectStuck,
  effectiveNextDeadline,
  type StuckContext,
} from '../../src/domain/detection/stuck.ts';
import { at, event, INSTANCE, PROCESS, SOURCE } from '../instance/event-builders.ts';

/** `10:MM:SS` of the test day. */
const t = (minute: number, second = 0) =>
  `2024-03-01T10:${String(minute).padStart(2, '0')}:${String(second).padStart(2, '0')}Z`;

function definition(yaml: string): ProcessDefinition {
  const result = parseDefinitionYaml(`process: ${PROCESS}\nversion: 3\n${yaml}`, 'test.yaml');
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.definition;
}

const learned = (step: string, entry: Partial<LearnedDeadline>) =>
  new Map([
    [
      learnedKey(PROCESS, step),
      { process: PROCESS, step, durationSamples: 40, waitSamples: 30, ...entry },
    ],
  ]);

const started = (step: string, minute: number, deadline?: string, owner?: string) =>
  event(T.stepStarted, at(minute), {
    step,
    ...(owner ? { owner } : {}),
    data: deadline ? { deadline } : {},
  });
const waiting = (step: string, minute: number, deadline?: string, waitingFor = 'psp-callback') =>
  event(T.stepWaiting, at(minute), {
    step,
    data: { for: waitingFor, ...(deadline ? { deadline } : {}) },
  });
const processStarted = (minute = 0) =>
  event(T.processStarted, at(minute), { owner: 'team-orders' });

type Ctx = Omit<StuckContext, 'now'>;

interface Case {
  name: string;
  events: FlowtrailEvent[];
  ctx?: Ctx;
  now: string;
  /** Expected findings as `target step source since` (empty: none). */
  expected: string[];
  next?: string;
}

const describeFinding = (f: Finding) =>
  `${String(f.details.target)} ${f.step ?? '-'} ${String(f.details.deadlineSource)} ${f.since}`;

const noDeadlineDefinition = definition('steps: [{name: pay}]');
const payDefinition = definition('steps: [{name: pay, owner: team-def, deadline: 5m}]');
const waitDefinition = definition('steps: [{name: pay, deadline: 2m, waitDeadline: 10m}]');

const cases: Case[] = [
  {
    name: 'event deadline of a running step, past it',
    events: [processStarted(), started('pay', 0, at(10))],
    now: t(11),
    expected: [`step pay event ${at(10)}`],
    next: at(10),
  },
  {
    name: 'exactly at the deadline: not stuck yet',
    events: [processStarted(), started('pay', 0, at(10))],
    now: at(10),
    expected: [],
  },
  {
    name: 'one millisecond past the deadline: stuck',
    events: [processStarted(), started('pay', 0, at(10))],
    now: '2024-03-01T10:10:00.001Z',
    expected: [`step pay event ${at(10)}`],
  },
  {
    name: 'event wait deadline of a waiting step',
    events: [processStarted(), started('pay', 0), waiting('pay', 2, at(12))],
    now: t(20),
    expected: [`wait pay event ${at(12)}`],
  },
  {
    name: 'the event deadline wins over an earlier definition deadline',
    events: [processStarted(), started('pay', 0, at(30))],
    ctx: { definition: payDefinition, learned: learned('pay', { deadlineMs: 60_000 }) },
    now: t(10),
    expected: [],
    next: at(30),
  },
  {
    name: 'definition deadline of a running step, from its start',
    events: [processStarted(), started('pay', 1)],
    ctx: { definition: payDefinition },
    now: t(7),
    expected: ['step pay definition 2024-03-01T10:06:00.000Z'],
    next: '2024-03-01T10:06:00.000Z',
  },
  {
    name: 'definition wait deadline of a waiting step, from the wait (not the 2 min attempt deadline)',
    events: [processStarted(), started('pay', 0), waiting('pay', 1)],
    ctx: { definition: waitDefinition },
    now: t(10),
    expected: [],
    next: '2024-03-01T10:11:00.000Z',
  },
  {
    name: 'definition wait deadline passed',
    events: [processStarted(), started('pay', 0), waiting('pay', 1)],
    ctx: { definition: waitDefinition },
    now: t(12),
    expected: ['wait pay definition 2024-03-01T10:11:00.000Z'],
  },
  {
    name: 'a waiting step without wait deadline keeps its attempt deadline',
    events: [processStarted(), started('pay', 0), waiting('pay', 2)],
    ctx: { definition: payDefinition },
    now: t(6),
    expected: ['wait pay definition 2024-03-01T10:05:00.000Z'],
  },
  {
    name: 'learned deadline when neither event nor definition has one',
    events: [processStarted(), started('pay', 0)],
    ctx: { definition: noDeadlineDefinition, learned: learned('pay', { deadlineMs: 180_000 }) },
    now: t(4),
    expected: ['step pay learned 2024-03-01T10:03:00.000Z'],
  },
  {
    name: 'learned wait deadline of a waiting step',
    events: [processStarted(), started('pay', 0), waiting('pay', 5)],
    ctx: { learned: learned('pay', { deadlineMs: 3_600_000, waitDeadlineMs: 120_000 }) },
    now: t(8),
    expected: ['wait pay learned 2024-03-01T10:07:00.000Z'],
  },
  {
    name: 'learned deadline of a step the definition does not list',
    events: [processStarted(), started('refund', 0)],
    ctx: { definition: payDefinition, learned: learned('refund', { deadlineMs: 60_000 }) },
    now: t(2),
    expected: ['step refund learned 2024-03-01T10:01:00.000Z'],
  },
  {
    name: 'no deadline anywhere: never stuck',
    events: [processStarted(), started('pay', 0), waiting('pay', 1)],
    ctx: { definition: noDeadlineDefinition },
    now: '2024-03-09T00:00:00Z',
    expected: [],
  },
  {
    name: 'terminal instance: never stuck, even with an overdue step',
    events: [processStarted(), started('pay', 0, at(5)), event(T.processCompleted, at(6))],
    ctx: { definition: payDefinition },
    now: t(30),
    expected: [],
  },
  {
    name: 'cancelled instance with an overdue wait and expectation: never stuck',
    events: [
      processStarted(),
      waiting('pay', 1, at(2)),
      event(T.expectationRegistered, at(1), {
        data: { expectationId: 'x-1', system: 'psp', process: 'settle', deadline: at(3) },
      }),
      event(T.processCancelled, at(4)),
    ],
    now: t(30),
    expected: [],
  },
  {
    name: 'progress after the deadline clears it (the step began waiting after it passed)',
    events: [processStarted(), started('pay', 0, at(5)), waiting('pay', 7)],
    now: t(30),
    expected: [],
  },
  {
    name: 'after progress the next tier applies, from the wait',
    events: [processStarted(), started('pay', 0, at(5)), waiting('pay', 7)],
    ctx: { definition: waitDefinition },
    now: t(30),
    expected: ['wait pay definition 2024-03-01T10:17:00.000Z'],
  },
  {
    name: 'a new attempt after the deadline clears it',
    events: [
      processStarted(),
      started('pay', 0, at(5)),
      event(T.stepFailed, at(6), { step: 'pay' }),
      started('pay', 7),
    ],
    now: t(30),
    expected: [],
  },
  {
    name: 'a completed step is not stuck, another running one is',
    events: [
      processStarted(),
      started('reserve', 0, at(2)),
      event(T.stepCompleted, at(3), { step: 'reserve' }),
      started('pay', 3, at(4)),
    ],
    now: t(10),
    expected: [`step pay event ${at(4)}`],
  },
  {
    name: 'instance deadline from the definition, from process.started',
    events: [processStarted(2), started('pay', 3)],
    ctx: { definition: definition('deadline: 1h\nsteps: [{name: pay}]') },
    now: '2024-03-01T11:02:00.001Z',
    expected: ['instance - definition 2024-03-01T11:02:00.000Z'],
  },
  {
    name: 'overdue open expectation (event deadline), fulfilled ones are not',
    events: [
      processStarted(),
      event(T.expectationRegistered, at(1), {
        data: { expectationId: 'x-1', system: 'psp', process: 'settle', deadline: at(5) },
      }),
      event(T.expectationRegistered, at(1), {
        data: { expectationId: 'x-2', system: 'wh', process: 'pick', deadline: at(5) },
      }),
      event(T.expectationFulfilled, at(4), { data: { expectationId: 'x-2' } }),
    ],
    now: t(6),
    expected: [`expectation - event ${at(5)}`],
    next: at(5),
  },
  {
    name: 'expectation deadline from the definition, from its registration',
    events: [
      processStarted(),
      event(T.expectationRegistered, at(1), {
        data: { expectationId: 'x-1', system: 'psp', process: 'settle' },
      }),
    ],
    ctx: {
      definition: definition(
        'steps: [{name: pay}]\nexpectations: [{system: psp, process: settle, deadline: 10m}]',
      ),
    },
    now: t(12),
    expected: ['expectation - definition 2024-03-01T10:11:00.000Z'],
  },
];

describe('detectStuck: deadline precedence, phases, boundaries, progress', () => {
  it.each(cases)('$name', ({ events, ctx, now, expected, next }) => {
    const state = foldInstance(events);
    const findings = detectStuck(state, { ...ctx, now });
    expect(findings.map(describeFinding)).toEqual(expected);
    for (const finding of findings) {
      expect(finding).toMatchObject({ kind: 'stuck', instanceKey: state.key, process: PROCESS });
      expect(Date.parse(finding.since)).toBeLessThan(Date.parse(now));
    }
    if (next !== undefined) expect(effectiveNextDeadline(state, ctx ?? {})).toBe(next);
  });
});

describe('detectStuck: findings', () => {
  it('says what is stuck in a human sentence', () => {
    const payment = (e: FlowtrailEvent): FlowtrailEvent => ({
      ...e,
      ftprocess: 'payment',
      ftinstance: 'p-981',
    });
    const state = foldInstance([
      payment(event(T.processStarted, '2026-11-22T09:15:02.900+01:00')),
      payment(
        event(T.stepStarted, '2026-11-22T09:15:03Z', { step: 'capture', owner: 'team-payments' }),
      ),
      payment(
        event(T.stepWaiting, '2026-11-22T09:15:03Z', {
          step: 'capture',
          owner: 'team-payments',
          data: { for: 'psp-callback', deadline: '2026-11-22T09:25:03Z' },
        }),
      ),
    ]);
    const [finding] = detectStuck(state, { now: '2026-11-22T09:37:03Z' });
    expect(finding).toEqual({
      kind: 'stuck',
      instanceKey: `${SOURCE}/payment/p-981`,
      relatedKeys: [],
      process: 'payment',
      source: SOURCE,
      step: 'capture',
      owner: 'team-payments',
      since: '2026-11-22T09:25:03Z',
      summary:
        'step capture of payment p-981 (billing) is waiting for psp-callback since 09:15:03Z, 12 min past its deadline (owner team-payments)',
      details: {
        target: 'wait',
        deadline: '2026-11-22T09:25:03Z',
        deadlineSource: 'event',
        overdueMs: 720_000,
        status: 'waiting',
        startedAt: '2026-11-22T09:15:03Z',
        waitingSince: '2026-11-22T09:15:03Z',
        waitingFor: 'psp-callback',
        attempts: 1,
      },
    });
  });

  it('names the deadline source, the day when it is not today, and other subjects', () => {
    const state = foldInstance([
      processStarted(),
      started('pay', 0),
      event(T.expectationRegistered, at(1), {
        data: { expectationId: 'x-1', system: 'psp', process: 'settle', deadline: at(5) },
      }),
    ]);
    const ctx = {
      definition: definition('owner: team-def\ndeadline: 1h\nsteps: [{name: pay, deadline: 5m}]'),
      now: '2024-03-02T12:00:00Z',
    };
    expect(detectStuck(state, ctx).map((f) => f.summary)).toEqual([
      `step pay of ${PROCESS} ${INSTANCE} (${SOURCE}) is running since 2024-03-01 10:00:00Z, 1 d 1 h past its deadline from definition v3 (owner team-orders)`,
      `${PROCESS} ${INSTANCE} (${SOURCE}) is still running since 2024-03-01 10:00:00Z, 1 d 1 h past its deadline from definition v3 (owner team-orders)`,
      `${PROCESS} ${INSTANCE} (${SOURCE}) expects psp to run settle since 2024-03-01 10:01:00Z, 1 d 1 h past its deadline (owner team-orders)`,
    ]);
    const learnedOnly = detectStuck(state, {
      learned: learned('pay', { deadlineMs: 60_000 }),
      now: t(30),
    });
    expect(learnedOnly[0]?.summary).toMatch(/29 min past its learned deadline/);
    expect(learnedOnly[0]?.details.learnedSamples).toBe(40);
  });

  it('takes the owner from the step, else the definition step, else the instance', () => {
    const events = [event(T.stepStarted, at(0), { step: 'pay' })];
    const ctx = { now: t(10), definition: payDefinition };
    expect(detectStuck(foldInstance(events), ctx)[0]?.owner).toBe('team-def');
    expect(detectStuck(foldInstance([...events, processStarted()]), ctx)[0]?.owner).toBe(
      'team-def',
    );
    const own = [started('pay', 0, undefined, 'alice')];
    expect(detectStuck(foldInstance(own), ctx)[0]?.owner).toBe('alice');
    const instanceOnly = [processStarted(), started('pay', 0, at(1))];
    expect(detectStuck(foldInstance(instanceOnly), { now: t(10) })[0]?.owner).toBe('team-orders');
    const nobody = [event(T.stepStarted, at(0), { step: 'pay', data: { deadline: at(1) } })];
    const finding = detectStuck(foldInstance(nobody), { now: t(10) })[0];
    expect(finding && 'owner' in finding).toBe(false);
    expect(finding?.summary).not.toMatch(/owner/);
  });

  it('relates a subprocess finding to its parent instance', () => {
    const state = foldInstance([
      event(T.processStarted, at(0), {
        data: { parent: { source: 'shop', process: 'order-fulfilment', instance: 'o-1' } },
      }),
      started('pay', 0, at(1)),
    ]);
    expect(detectStuck(state, { now: t(5) })[0]?.relatedKeys).toEqual([
      'shop/order-fulfilment/o-1',
    ]);
  });

  it('carries an instance deadline when the state has one (process.started data.deadline)', () => {
    const state = { ...foldInstance([processStarted()]), deadline: at(20) };
    expect(effectiveNextDeadline(state, {})).toBe(at(20));
    expect(detectStuck(state, { now: at(20) })).toEqual([]);
    const [finding] = detectStuck(state, {
      now: t(21),
      definition: definition('deadline: 1m\nsteps: [{name: a}]'),
    });
    expect(finding?.details).toMatchObject({ target: 'instance', deadlineSource: 'event' });
  });

  it('rejects an invalid now', () => {
    expect(() => detectStuck(foldInstance([processStarted()]), { now: 'soon' })).toThrow(
      /invalid now/,
    );
  });
});

describe('findingId', () => {
  const base: Finding = {
    kind: 'stuck',
    instanceKey: 'shop/order-fulfilment/o-1',
    relatedKeys: [],
    process: 'order-fulfilment',
    source: 'shop',
    since: at(1),
    summary: 'a',
    details: { overdueMs: 1 },
  };

  it('depends on kind, instance, step and expectation only', () => {
    const id = findingId(base);
    expect(id).toBe('stuck/shop%2Forder-fulfilment%2Fo-1');
    expect(findingId({ ...base, since: at(2), summary: 'b', details: { overdueMs: 9 } })).toBe(id);
    const ids = new Set([
      id,
      findingId({ ...base, kind: 'orphan' }),
      findingId({ ...base, step: 'pay' }),
      findingId({ ...base, step: 'pay/x' }),
      findingId({ ...base, details: { expectationId: 'x-1' } }),
      findingId({ ...base, instanceKey: 'shop/order-fulfilment/o-2' }),
    ]);
    expect(ids.size).toBe(6);
    expect(findingId({ ...base, step: 'pay', details: { expectationId: 'x/1' } })).toBe(
      'stuck/shop%2Forder-fulfilment%2Fo-1/step:pay/expectation:x%2F1',
    );
  });
});

describe('detectStuck: the delivery grace', () => {
  const events = [processStarted(), started('pay', 0, at(10))];
  const ctx = (deliveryGraceMs?: number): StuckContext => ({
    now: at(11),
    ...(deliveryGraceMs === undefined ? {} : { deliveryGraceMs }),
  });

  it('a finding may be in flight until deadline + grace', () => {
    const [finding] = detectStuck(foldInstance(events), ctx(30_000));
    expect(finding?.since).toBe(at(10));
    expect(finding?.pendingUntil).toBe('2024-03-01T10:10:30.000Z');
  });

  it('fires at once without a grace', () => {
    expect(detectStuck(foldInstance(events), ctx())[0]?.pendingUntil).toBeUndefined();
    expect(detectStuck(foldInstance(events), ctx(0))[0]?.pendingUntil).toBeUndefined();
  });

  it('fires at once when an own event after the deadline arrived: nothing older is in flight', () => {
    const later = event(T.messageSent, '2024-03-01T10:10:05Z', {
      data: { messageId: 'm-1', to: 'psp' },
    });
    const [finding] = detectStuck(foldInstance([...events, later]), ctx(30_000));
    expect(finding).toBeDefined();
    expect(finding?.pendingUntil).toBeUndefined();
  });
});
