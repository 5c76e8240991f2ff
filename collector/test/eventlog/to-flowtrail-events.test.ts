import { EventTypes, validateEvent } from '@flowtrail/sdk/protocol';
import { describe, expect, it } from 'vitest';
import { foldInstance } from '../../src/domain/instance/fold.ts';
import {
  readEventLog,
  toFlowtrailEvents,
  uuidV5,
  type ImportedCase,
} from '../../src/tools/eventlog/index.ts';
import { collect, logFile } from './log-files.ts';

const HOUR = 3_600_000;

function complete(activity: string, timestamp: string, resource?: string) {
  return {
    activity,
    timestamp,
    lifecycle: 'complete',
    attributes: {},
    ...(resource ? { resource } : {}),
  };
}

describe('toFlowtrailEvents', () => {
  it('makes UUIDv5 ids (RFC 4122 test vector)', () => {
    const dns = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';
    expect(uuidV5('www.example.com', dns)).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('turns running-example case 1 into an instance whose fold has the hand-computed steps', async () => {
    const log = await collect(readEventLog(logFile('running-example.xes')));
    const case1 = log.cases.find((c) => c.caseId === '1')!;
    const events = toFlowtrailEvents(case1, { logName: log.name, source: 'claims' });
    const state = foldInstance(events);
    expect(state).toMatchObject({
      key: 'claims/running-example/1', // no log concept:name: the file name
      status: 'completed',
      startedAt: '2010-12-30T11:02:00.000+01:00',
      endedAt: '2011-01-07T14:24:00.000+01:00',
      durationMs: (8 * 24 + 3) * HOUR + 22 * 60_000,
      businessKeys: { caseId: '1' },
      owner: 'Pete',
      currentSteps: [],
    });
    // The fold lists steps by first appearance; at 11:02 the derived start of "examine
    // thoroughly" sorts before the completion of "register request" (start phase first).
    expect(state.steps.map((s) => [s.name, s.status, s.owner, s.durationMs])).toEqual([
      ['examine thoroughly', 'completed', 'Sue', 23 * HOUR + 4 * 60_000],
      // First event: no earlier completion, so no start and no duration.
      ['register request', 'completed', 'Pete', undefined],
      ['check ticket', 'completed', 'Mike', (5 * 24 + 5) * HOUR + 6 * 60_000],
      ['decide', 'completed', 'Sara', 20 * HOUR + 6 * 60_000],
      ['reject request', 'completed', 'Pete', 27 * HOUR + 6 * 60_000],
    ]);
    expect(state.steps[0]).toMatchObject({
      startedAt: '2010-12-30T11:02:00.000+01:00',
      endedAt: '2010-12-31T10:06:00.000+01:00',
      attempts: 1,
    });
  });

  it('is deterministic and every event validates (all of receipt.xes)', async () => {
    const first = await collect(readEventLog(logFile('receipt.xes')));
    const second = await collect(readEventLog(logFile('receipt.xes')));
    const a = first.cases.flatMap((c) => toFlowtrailEvents(c, { logName: first.name }));
    const b = second.cases.flatMap((c) => toFlowtrailEvents(c, { logName: second.name }));
    expect(b).toEqual(a);
    expect(new Set(a.map((e) => e.id)).size).toBe(a.length);
    const invalid = a.map((e) => validateEvent(e)).filter((r) => !r.ok);
    expect(invalid).toEqual([]);
    // 1 process.started + 1 completed per case, 1 step.completed per event, a derived
    // step.started for every event but the first of each case.
    expect(a).toHaveLength(1434 * 2 + 8577 + (8577 - 1434));
    const states = first.cases.map((c) =>
      foldInstance(toFlowtrailEvents(c, { logName: first.name })),
    );
    expect(states.every((s) => s.status === 'completed')).toBe(true);
  });

  it('ids change with source, process and content', () => {
    const c: ImportedCase = {
      caseId: 'c',
      attributes: {},
      events: [complete('a', '2024-01-01T00:00:00Z')],
    };
    const ids = (options: Parameters<typeof toFlowtrailEvents>[1], imported = c) =>
      toFlowtrailEvents(imported, options).map((e) => e.id);
    const base = ids({ process: 'p' });
    expect(ids({ process: 'p' })).toEqual(base);
    expect(ids({ process: 'q' })).not.toContain(base[1]);
    expect(ids({ process: 'p', source: 'x' })).not.toContain(base[1]);
    const moved = { ...c, events: [complete('a', '2024-01-01T00:00:01Z')] };
    expect(ids({ process: 'p' }, moved)[1]).not.toBe(base[1]);
  });

  it('pairs start and complete of the same activity and maps other transitions', () => {
    const c: ImportedCase = {
      caseId: 'r1',
      attributes: { 'order id': 'o-1', title: 'paper', pages: 12 },
      events: [
        {
          activity: 'review',
          timestamp: '2024-01-01T09:00:00Z',
          lifecycle: 'start',
          attributes: {},
        },
        {
          activity: 'review',
          timestamp: '2024-01-01T08:00:00Z',
          lifecycle: 'schedule',
          attributes: {},
        },
        {
          activity: 'review',
          timestamp: '2024-01-01T12:00:00Z',
          lifecycle: 'complete',
          attributes: { grade: 'B' },
        },
        {
          activity: 'typeset',
          timestamp: '2024-01-01T13:00:00Z',
          lifecycle: 'suspend',
          attributes: {},
        },
        {
          activity: 'typeset',
          timestamp: '2024-01-01T15:00:00Z',
          lifecycle: 'ate_abort',
          attributes: {},
        },
        {
          activity: 'ship',
          timestamp: '2024-01-01T18:00:00Z',
          startTimestamp: '2024-01-01T16:00:00Z',
          lifecycle: 'complete',
          attributes: {},
        },
      ],
    };
    const events = toFlowtrailEvents(c, { process: 'publishing' });
    expect(events.map((e) => [e.type, e.ftstep, e.time])).toEqual([
      [EventTypes.processStarted, undefined, '2024-01-01T08:00:00Z'],
      ['xes.lifecycle.schedule', 'review', '2024-01-01T08:00:00Z'],
      [EventTypes.stepStarted, 'review', '2024-01-01T09:00:00Z'],
      [EventTypes.stepCompleted, 'review', '2024-01-01T12:00:00Z'],
      [EventTypes.stepWaiting, 'typeset', '2024-01-01T13:00:00Z'],
      [EventTypes.stepStarted, 'typeset', '2024-01-01T12:00:00Z'],
      [EventTypes.stepFailed, 'typeset', '2024-01-01T15:00:00Z'],
      [EventTypes.stepStarted, 'ship', '2024-01-01T16:00:00Z'],
      [EventTypes.stepCompleted, 'ship', '2024-01-01T18:00:00Z'],
      [EventTypes.processCompleted, undefined, '2024-01-01T18:00:00Z'],
    ]);
    expect(events[0]!.data).toEqual({
      businessKeys: { caseId: 'r1', 'order id': 'o-1' },
      attributes: { 'order id': 'o-1', title: 'paper', pages: 12 },
    });
    expect(events[3]!.data).toEqual({ attributes: { grade: 'B' } });
    expect(events[5]!.data).toEqual({ derivedStart: true });
    expect(events.every((e) => validateEvent(e).ok)).toBe(true);
    const state = foldInstance(events);
    expect(state.steps.map((s) => [s.name, s.status, s.durationMs])).toEqual([
      ['review', 'completed', 3 * HOUR],
      ['typeset', 'failed', 3 * HOUR],
      ['ship', 'completed', 2 * HOUR],
    ]);
  });

  it('sorts events by time, keeping file order for ties, and uses explicit business keys', () => {
    const c: ImportedCase = {
      caseId: 'c',
      attributes: { customer: 'k-9', orderNumber: 7 },
      events: [
        complete('b', '2024-01-01T02:00:00Z', 'bo'),
        complete('a', '2024-01-01T01:00:00+00:00'),
      ],
    };
    const events = toFlowtrailEvents(c, { process: 'p', businessKeys: ['customer'] });
    expect(events.map((e) => e.ftstep ?? e.type)).toEqual([
      EventTypes.processStarted,
      'a',
      'b',
      'b',
      EventTypes.processCompleted,
    ]);
    expect(events[0]!.data.businessKeys).toEqual({ caseId: 'c', customer: 'k-9' });
    expect(toFlowtrailEvents(c, { process: 'p' })[0]!.data.businessKeys).toEqual({
      caseId: 'c',
      orderNumber: '7',
    });
    expect(toFlowtrailEvents({ ...c, events: [] }, { process: 'p' })).toEqual([]);
  });
});
