import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readEventLog, readXesChunks, summarizeImport } from '../../src/tools/eventlog/index.ts';
import { collect, fixture, logFile } from './log-files.ts';

interface Pm4pyStats {
  cases: number;
  events: number;
  activities: number;
  eventsPerActivity: Record<string, number>;
}

const pm4pyReceipt = JSON.parse(readFileSync(fixture('pm4py-receipt.json'), 'utf8')) as Pm4pyStats;

describe('XES reader', () => {
  it('reads receipt.xes with the counts PM4Py computes', async () => {
    const log = await collect(readEventLog(logFile('receipt.xes')));
    const summary = summarizeImport(log.items);
    expect(summary).toMatchObject({
      cases: pm4pyReceipt.cases,
      events: pm4pyReceipt.events,
      activities: pm4pyReceipt.activities,
      rejected: 0,
    });
    const perActivity: Record<string, number> = {};
    for (const c of log.cases) {
      for (const e of c.events) perActivity[e.activity] = (perActivity[e.activity] ?? 0) + 1;
    }
    expect(perActivity).toEqual(pm4pyReceipt.eventsPerActivity);
    expect(log.name).toMatch(/^Receipt phase of an environmental permit/);
  });

  it('reads trace and event attributes, typed, without the <global> defaults', async () => {
    const log = await collect(readEventLog(logFile('receipt.xes')));
    const first = log.cases[0]!;
    expect(first.caseId).toBe('case-10011');
    expect(first.attributes).toEqual({
      startdate: '2011-10-11T13:42:22.688+02:00',
      responsible: 'Resource21',
      enddate_planned: '2011-12-06T13:41:31.788+01:00',
      department: 'General',
      group: 'Group 2',
      deadline: '2011-12-06T13:41:31.788+01:00',
      channel: 'Internet',
    });
    expect(first.events[0]).toEqual({
      activity: 'Confirmation of receipt',
      timestamp: '2011-10-11T13:45:40.276+02:00',
      lifecycle: 'complete',
      resource: 'Resource21',
      attributes: { 'org:group': 'Group 1', 'concept:instance': 'task-42933' },
    });
  });

  it('reads start/complete lifecycles (reviewing.xes)', async () => {
    const log = await collect(readEventLog(logFile('reviewing.xes')));
    const lifecycles = new Set(log.cases.flatMap((c) => c.events.map((e) => e.lifecycle)));
    expect([...lifecycles].sort()).toEqual(['complete', 'start']);
    expect(log.cases).toHaveLength(100);
  });

  it('yields cases while reading, before the file is consumed', async () => {
    const chunks = (function* () {
      yield '<log><string key="concept:name" value="L"/><trace><string key="concept:name" value="a"/>';
      yield '<event><string key="concept:name" value="x"/><date key="time:timestamp" value="2024-01-01T00:00:00Z"/></event></trace>';
      throw new Error('the rest of the file is not needed for the first case');
    })();
    const reader = readXesChunks(chunks);
    expect((await reader.next()).value).toMatchObject({ kind: 'log', log: { name: 'L' } });
    expect((await reader.next()).value).toMatchObject({ kind: 'case', case: { caseId: 'a' } });
  });

  it('rejects events without name or timestamp and traces without id, with line numbers', async () => {
    const xes = [
      '<?xml version="1.0"?>',
      '<log xmlns="http://www.xes-standard.org/">',
      '  <global scope="event"><string key="concept:name" value="DEFAULT"/></global>',
      '  <int key="meta" value="3"><int key="nested" value="1"/></int>',
      '  <trace>',
      '    <string key="concept:name" value="c1"/>',
      '    <int key="amount" value="12"/><boolean key="vip" value="true"/>',
      '    <event><string key="concept:name" value="ok"/><date key="time:timestamp" value="2024-01-01T10:00:00.000+01:00"/></event>',
      '    <event><date key="time:timestamp" value="2024-01-01T11:00:00Z"/></event>',
      '    <event><string key="concept:name" value="no time"/></event>',
      '    <event><string key="concept:name" value="bad time"/><string key="time:timestamp" value="soon"/></event>',
      '    <event><string key="concept:name" value="nested"/><date key="time:timestamp" value="2024-01-01T12:00:00Z"/>',
      '      <list key="items"><values><string key="x" value="1"/></values></list></event>',
      '  </trace>',
      '  <trace><event><string key="concept:name" value="orphan"/><date key="time:timestamp" value="2024-01-01T12:00:00Z"/></event></trace>',
      '  <trace><string key="concept:name" value="c3"/></trace>',
      '</log>',
    ].join('\n');
    const log = await collect(readXesChunks([xes], { fallbackName: 'inline' }));
    expect(log.name).toBe('inline');
    expect(log.cases).toHaveLength(1);
    expect(log.cases[0]).toEqual({
      caseId: 'c1',
      attributes: { amount: 12, vip: true },
      events: [
        {
          activity: 'ok',
          timestamp: '2024-01-01T10:00:00.000+01:00',
          lifecycle: 'complete',
          attributes: {},
        },
        {
          activity: 'nested',
          timestamp: '2024-01-01T12:00:00Z',
          lifecycle: 'complete',
          attributes: {},
        },
      ],
    });
    expect(log.rejections).toEqual([
      { line: 9, reason: 'missing-activity', detail: 'event has no concept:name', caseId: 'c1' },
      {
        line: 10,
        reason: 'missing-timestamp',
        detail: 'event "no time" has no time:timestamp',
        caseId: 'c1',
      },
      {
        line: 11,
        reason: 'bad-timestamp',
        detail: 'unparseable time:timestamp "soon"',
        caseId: 'c1',
      },
      {
        line: 15,
        reason: 'missing-case-id',
        detail: 'trace has no concept:name (1 events not imported)',
      },
      { line: 16, reason: 'empty-case', detail: 'trace has no importable events', caseId: 'c3' },
    ]);
  });

  it('fails on malformed XML instead of importing part of it silently', async () => {
    const xes = '<log><trace><string key="concept:name" value="a"/></trace><trace></log>';
    await expect(collect(readXesChunks([xes]))).rejects.toThrow(/unexpected close tag|unclosed/i);
  });
});
