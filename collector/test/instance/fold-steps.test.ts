import { describe, expect, it } from 'vitest';
import { EventTypes } from '@flowtrail/sdk/protocol';
import { foldInstance } from '../../src/domain/instance/fold.ts';
import { at, event } from './event-builders.ts';

const T = EventTypes;
const start = event(T.processStarted, at(0));

describe('foldInstance: step events', () => {
  it('step.started: a running current step with its deadline as nextDeadline', () => {
    const state = foldInstance([
      start,
      event(T.stepStarted, at(1), { step: 'pick', owner: 'warehouse', data: { deadline: at(30) } }),
    ]);
    expect(state.steps).toEqual([
      {
        name: 'pick',
        status: 'running',
        owner: 'warehouse',
        startedAt: at(1),
        attempts: 1,
        deadline: at(30),
      },
    ]);
    expect(state.currentSteps).toEqual(['pick']);
    expect(state.nextDeadline).toBe(at(30));
    expect(state.owner).toBe('warehouse');
  });

  it('step.waiting: instance waiting, an open wait, nextDeadline the earliest deadline', () => {
    const state = foldInstance([
      start,
      event(T.stepStarted, at(1), { step: 'pick', data: { deadline: at(50) } }),
      event(T.stepStarted, at(1), { step: 'pay' }),
      event(T.stepWaiting, at(2), { step: 'pay', data: { for: 'psp-callback', deadline: at(40) } }),
    ]);
    expect(state.status).toBe('waiting');
    expect(state.currentSteps).toEqual(['pick', 'pay']);
    expect(state.waits).toEqual([
      { step: 'pay', for: 'psp-callback', since: at(2), deadline: at(40) },
    ]);
    expect(state.steps[1]).toMatchObject({ status: 'waiting', waitingFor: 'psp-callback' });
    expect(state.nextDeadline).toBe(at(40));
  });

  it('step.completed: ends the attempt with its duration and resumes the wait', () => {
    const state = foldInstance([
      start,
      event(T.stepStarted, at(1), { step: 'pay' }),
      event(T.stepWaiting, at(2), { step: 'pay', data: { for: 'psp', deadline: at(40) } }),
      event(T.stepCompleted, at(7), { step: 'pay' }),
    ]);
    expect(state.status).toBe('running');
    expect(state.waits).toEqual([]);
    expect(state.currentSteps).toEqual([]);
    expect(state.steps).toEqual([
      {
        name: 'pay',
        status: 'completed',
        startedAt: at(1),
        endedAt: at(7),
        durationMs: 6 * 60_000,
        attempts: 1,
        deadline: at(40),
      },
    ]);
    expect(state).not.toHaveProperty('nextDeadline');
  });

  it('step.failed: step failed with its error; the process keeps running', () => {
    const state = foldInstance([
      start,
      event(T.stepStarted, at(1), { step: 'pay' }),
      event(T.stepFailed, at(3), {
        step: 'pay',
        data: { error: { message: 'timeout', code: 'T1' } },
      }),
    ]);
    expect(state.status).toBe('running');
    expect(state.steps[0]).toMatchObject({
      status: 'failed',
      durationMs: 2 * 60_000,
      error: { message: 'timeout', code: 'T1', at: at(3) },
    });
    expect(state.error).toEqual({ message: 'timeout', code: 'T1', at: at(3), step: 'pay' });
    expect(state.searchText).toContain('timeout');
  });

  it('a re-start counts an attempt and clears the previous failure', () => {
    const state = foldInstance([
      event(T.stepStarted, at(1), { step: 'pay' }),
      event(T.stepFailed, at(2), { step: 'pay' }),
      event(T.stepStarted, at(4), { step: 'pay' }),
    ]);
    expect(state.steps).toEqual([
      { name: 'pay', status: 'running', startedAt: at(4), attempts: 2 },
    ]);
    expect(state.error).toEqual({ message: 'step pay failed', at: at(2), step: 'pay' });
  });

  it('a later step.started of a waiting step resumes it', () => {
    const state = foldInstance([
      event(T.stepWaiting, at(1), { step: 'ship', data: { for: 'truck', deadline: at(9) } }),
      event(T.stepStarted, at(3), { step: 'ship' }),
    ]);
    expect(state.status).toBe('running');
    expect(state.waits).toEqual([]);
    expect(state.steps).toEqual([
      { name: 'ship', status: 'running', startedAt: at(3), attempts: 1 },
    ]);
  });

  it('a step event without a start creates the step with no attempts', () => {
    const state = foldInstance([event(T.stepCompleted, at(3), { step: 'ship' })]);
    expect(state.steps).toEqual([
      { name: 'ship', status: 'completed', endedAt: at(3), attempts: 0 },
    ]);
  });
});

describe('foldInstance: messages, expectations, owners, custom events', () => {
  it('message.sent / received: counts, distinct sorted ids and peer systems', () => {
    const state = foldInstance([
      event(T.messageSent, at(1), { data: { messageId: 'm-2', to: 'warehouse' } }),
      event(T.messageSent, at(2), { data: { messageId: 'm-2', to: 'warehouse' } }),
      event(T.messageSent, at(2), { data: { messageId: 'm-1', to: 'crm' } }),
      event(T.messageReceived, at(3), { data: { messageId: 'r-1', from: 'psp' } }),
    ]);
    expect(state.messages).toEqual({
      sent: 3,
      received: 1,
      sentIds: ['m-1', 'm-2'],
      receivedIds: ['r-1'],
    });
    expect(state.systems).toEqual(['billing', 'crm', 'psp', 'warehouse']);
  });

  it('expectation.registered / fulfilled, in any order; unknown fulfilments listed', () => {
    const registered = (id: string, minute: number) =>
      event(T.expectationRegistered, at(minute), {
        data: { expectationId: id, system: 'shipping', process: 'ship-order', deadline: at(59) },
      });
    const fulfilled = (id: string, minute: number) =>
      event(T.expectationFulfilled, at(minute), { data: { expectationId: id } });
    const state = foldInstance([
      fulfilled('x-1', 8),
      registered('x-1', 1),
      registered('x-2', 2),
      fulfilled('x-9', 4),
      fulfilled('x-1', 5),
    ]);
    expect(state.expectations).toEqual([
      {
        id: 'x-1',
        system: 'shipping',
        process: 'ship-order',
        registeredAt: at(1),
        deadline: at(59),
        fulfilledAt: at(5),
        status: 'fulfilled',
      },
      {
        id: 'x-2',
        system: 'shipping',
        process: 'ship-order',
        registeredAt: at(2),
        deadline: at(59),
        status: 'open',
      },
    ]);
    expect(state.unmatchedFulfilments).toEqual(['x-9']);
    expect(state.nextDeadline).toBe(at(59));
    expect(state.systems).toEqual(['billing', 'shipping']);
  });

  it('owner.assigned: the latest owner wins; with ftstep it also owns that step', () => {
    const state = foldInstance([
      event(T.stepStarted, at(1), { step: 'pay', owner: 'team-a' }),
      event(T.ownerAssigned, at(2), { owner: 'alice' }),
      event(T.ownerAssigned, at(3), { step: 'pay', owner: 'team-b' }),
      event(T.ownerAssigned, at(0), { step: 'ship', owner: 'team-c' }),
    ]);
    expect(state.owner).toBe('team-b');
    expect(state.steps).toEqual([
      { name: 'pay', status: 'running', owner: 'team-b', startedAt: at(1), attempts: 1 },
    ]);
    expect(state.searchText.split(' ')).toEqual(
      expect.arrayContaining(['team-a', 'alice', 'team-b', 'team-c', 'pay']),
    );
  });

  it('custom events: counted by type, keys merged (latest wins), lastEventType', () => {
    const state = foldInstance([
      event(T.processStarted, at(0), { data: { businessKeys: { orderId: '4711', cart: 'c1' } } }),
      event('com.shop.invoice.created', at(2), { data: { businessKeys: { invoiceId: 'i-7' } } }),
      event('com.shop.invoice.created', at(3), { data: { businessKeys: { cart: 'c2' } } }),
      event('com.shop.note', at(4)),
    ]);
    expect(state.custom).toEqual({ 'com.shop.invoice.created': 2, 'com.shop.note': 1 });
    expect(state.businessKeys).toEqual({ orderId: '4711', cart: 'c2', invoiceId: 'i-7' });
    expect(state.lastEventType).toBe('com.shop.note');
    expect(state.status).toBe('running');
  });

  it('traceparent: distinct valid trace ids', () => {
    const trace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const state = foldInstance([
      event(T.stepStarted, at(1), { step: 's', traceparent: `00-${trace}-00f067aa0ba902b7-01` }),
      event(T.stepCompleted, at(2), { step: 's', traceparent: `00-${trace}-00f067aa0ba902b8-01` }),
      event(T.messageSent, at(3), { traceparent: 'garbage', data: { messageId: 'm', to: 'x' } }),
    ]);
    expect(state.traceIds).toEqual([trace]);
  });
});
