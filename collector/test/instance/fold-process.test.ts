import { describe, expect, it } from 'vitest';
import { EventTypes, instanceKeyOf } from '@flowtrail/sdk/protocol';
import { foldInstance, foldInstanceAsOf } from '../../src/domain/instance/fold.ts';
import { at, event, INSTANCE, PROCESS, SOURCE } from './event-builders.ts';

const T = EventTypes;

describe('foldInstance: process events', () => {
  it('process.started: running instance with identity, keys, parent and systems', () => {
    const started = event(T.processStarted, at(0), {
      owner: 'team-billing',
      data: {
        businessKeys: { orderId: '4711', customerId: 'c-9' },
        parent: { source: 'shop', process: 'checkout', instance: 'k-1', expectationId: 'x-1' },
      },
    });
    const state = foldInstance([started]);
    expect(state).toEqual({
      key: instanceKeyOf(started),
      source: SOURCE,
      process: PROCESS,
      instance: INSTANCE,
      status: 'running',
      eventCount: 1,
      firstEventAt: at(0),
      lastEventAt: at(0),
      lastEventType: T.processStarted,
      startedAt: at(0),
      businessKeys: { customerId: 'c-9', orderId: '4711' },
      owner: 'team-billing',
      steps: [],
      currentSteps: [],
      waits: [],
      expectations: [],
      parent: { source: 'shop', process: 'checkout', instance: 'k-1', expectationId: 'x-1' },
      systems: ['billing', 'shop'],
      messages: { sent: 0, received: 0, sentIds: [], receivedIds: [] },
      traceIds: [],
      custom: {},
      searchText: '4711 c-9 o-4711 order-fulfilment billing team-billing',
    });
  });

  it('process.completed: terminal, with end and duration; current steps and deadlines cleared', () => {
    const state = foldInstance([
      event(T.processStarted, at(0)),
      event(T.stepStarted, at(1), { step: 'pack', data: { deadline: at(30) } }),
      event(T.processCompleted, at(5)),
    ]);
    expect(state.status).toBe('completed');
    expect(state.endedAt).toBe(at(5));
    expect(state.durationMs).toBe(5 * 60_000);
    expect(state.currentSteps).toEqual([]);
    expect(state.waits).toEqual([]);
    expect(state).not.toHaveProperty('nextDeadline');
    expect(state.steps[0]?.status).toBe('running');
  });

  it('process.failed: status failed and the error recorded', () => {
    const state = foldInstance([
      event(T.processStarted, at(0)),
      event(T.processFailed, at(2), { data: { error: { message: 'card declined', code: 'E42' } } }),
    ]);
    expect(state.status).toBe('failed');
    expect(state.error).toEqual({ message: 'card declined', code: 'E42', at: at(2) });
    expect(state.searchText).toContain('card declined');
  });

  it('process.failed without data.error gets a generic message', () => {
    const state = foldInstance([event(T.processFailed, at(2))]);
    expect(state.error).toEqual({ message: 'process failed', at: at(2) });
    expect(state).not.toHaveProperty('durationMs');
  });

  it('process.cancelled: status cancelled', () => {
    const state = foldInstance([event(T.processStarted, at(0)), event(T.processCancelled, at(3))]);
    expect(state.status).toBe('cancelled');
    expect(state.endedAt).toBe(at(3));
  });

  it('events after the terminal event keep the terminal status but move lastEventAt', () => {
    const state = foldInstance([
      event(T.processStarted, at(0)),
      event(T.processCompleted, at(5)),
      event(T.stepWaiting, at(7), { step: 'late', data: { deadline: at(9) } }),
      event(T.processFailed, at(8)),
    ]);
    expect(state.status).toBe('completed');
    expect(state.endedAt).toBe(at(5));
    expect(state.lastEventAt).toBe(at(8));
    expect(state.lastEventType).toBe(T.processFailed);
    expect(state.steps.map((s) => [s.name, s.status])).toEqual([['late', 'waiting']]);
    expect(state.waits).toEqual([]);
    expect(state).not.toHaveProperty('nextDeadline');
  });

  it('an instance seen only through step events is running, without startedAt', () => {
    const state = foldInstance([event(T.stepStarted, at(1), { step: 'pick' })]);
    expect(state.status).toBe('running');
    expect(state).not.toHaveProperty('startedAt');
    expect(state.currentSteps).toEqual(['pick']);
  });

  it('the earliest process.started wins', () => {
    const state = foldInstance([event(T.processStarted, at(4)), event(T.processStarted, at(2))]);
    expect(state.startedAt).toBe(at(2));
  });
});

describe('foldInstance: order, time and duplicates', () => {
  it('compares times as instants, not strings (+02:00 vs Z)', () => {
    // 11:30+02:00 is 09:30Z: before 10:00Z although its string sorts after.
    const state = foldInstance([
      event(T.processStarted, '2024-03-01T11:30:00+02:00'),
      event(T.processCompleted, '2024-03-01T10:00:00Z'),
    ]);
    expect(state.firstEventAt).toBe('2024-03-01T11:30:00+02:00');
    expect(state.lastEventAt).toBe('2024-03-01T10:00:00Z');
    expect(state.durationMs).toBe(30 * 60_000);
  });

  it('at the same instant a start comes before a wait, before a completion', () => {
    const events = [
      event(T.stepCompleted, at(3), { id: 'a', step: 's' }),
      event(T.stepWaiting, '2024-03-01T12:03:00+02:00', { id: 'b', step: 's' }),
      event(T.stepStarted, at(3), { id: 'c', step: 's' }),
    ];
    const state = foldInstance(events);
    expect(state.steps).toEqual([
      {
        name: 's',
        status: 'completed',
        startedAt: at(3),
        endedAt: at(3),
        durationMs: 0,
        attempts: 1,
      },
    ]);
    expect(state.lastEventType).toBe(T.stepCompleted);
  });

  it('counts a re-delivered id once', () => {
    const once = event(T.stepStarted, at(1), { step: 's' });
    const state = foldInstance([once, { ...once }, structuredClone(once)]);
    expect(state.eventCount).toBe(1);
    expect(state.steps[0]?.attempts).toBe(1);
  });

  it('keeps the copy with the smallest canonical JSON when copies of an id differ', () => {
    const a = event(T.ownerAssigned, at(1), { id: 'same', owner: 'alice' });
    const b = event(T.ownerAssigned, at(1), { id: 'same', owner: 'bob' });
    expect(foldInstance([a, b]).owner).toBe('alice');
    expect(foldInstance([b, a]).owner).toBe('alice');
  });

  it('rejects an empty list and events of different instances', () => {
    expect(() => foldInstance([])).toThrow(/empty/);
    expect(() =>
      foldInstance([
        event(T.processStarted, at(0)),
        event(T.processStarted, at(0), { instance: 'o-1' }),
      ]),
    ).toThrow(/different instances/);
  });
});

describe('foldInstanceAsOf', () => {
  const events = [
    event(T.processStarted, at(0)),
    event(T.stepWaiting, at(2), { step: 'pay', data: { for: 'payment', deadline: at(20) } }),
    event(T.stepCompleted, at(4), { step: 'pay' }),
    event(T.processCompleted, at(6)),
  ];

  it('is undefined before the first event', () => {
    expect(foldInstanceAsOf(events, '2024-03-01T09:59:59Z')).toBeUndefined();
  });

  it('rebuilds the past: waiting at 10:03, completed at 10:06, inclusive of asOf', () => {
    const past = foldInstanceAsOf(events, '2024-03-01T12:03:00+02:00');
    expect(past?.status).toBe('waiting');
    expect(past?.eventCount).toBe(2);
    expect(past?.nextDeadline).toBe(at(20));
    expect(foldInstanceAsOf(events, at(6))?.status).toBe('completed');
  });

  it('rejects an invalid asOf', () => {
    expect(() => foldInstanceAsOf(events, 'yesterday')).toThrow(/invalid/);
  });
});
