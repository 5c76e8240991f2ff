import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CsvMappingError,
  detectDelimiter,
  readCsvChunks,
  readEventLog,
  resolveColumns,
  summarizeImport,
} from '../../src/tools/eventlog/index.ts';
import { collect, fixture, logFile } from './log-files.ts';

interface Pm4pyStats {
  cases: number;
  events: number;
  activities: number;
  variants: number;
  eventsPerActivity: Record<string, number>;
}

const read = (name: string): Pm4pyStats =>
  JSON.parse(readFileSync(fixture(name), 'utf8')) as Pm4pyStats;

describe('CSV reader', () => {
  it('reads receipt.csv with the counts PM4Py computes, equal to receipt.xes', async () => {
    const log = await collect(readEventLog(logFile('receipt.csv')));
    const summary = summarizeImport(log.items);
    const csv = read('pm4py-receipt-csv.json');
    const xes = read('pm4py-receipt.json');
    expect(summary).toMatchObject({
      log: 'receipt',
      cases: csv.cases,
      events: csv.events,
      activities: csv.activities,
      rejected: 0,
    });
    expect([csv.cases, csv.events, csv.activities]).toEqual([
      xes.cases,
      xes.events,
      xes.activities,
    ]);
    const first = log.cases.find((c) => c.caseId === 'case-10011')!;
    // case:* columns are case attributes; CSV has no types and no time zone.
    expect(first.attributes).toMatchObject({ channel: 'Internet', responsible: 'Resource21' });
    expect(first.events[0]).toMatchObject({
      activity: 'Confirmation of receipt',
      timestamp: '2011-10-11T13:45:40.276Z',
      resource: 'Resource21',
      attributes: { 'org:group': 'Group 1', 'concept:instance': 'task-42933' },
    });
  });

  it('auto-detects the columns of running-example.csv (concept:name wins over Activity)', async () => {
    const log = await collect(readEventLog(logFile('running-example.csv')));
    expect(log.cases.map((c) => c.caseId)).toEqual(['3', '2', '1', '6', '5', '4']);
    expect(log.cases.reduce((n, c) => n + c.events.length, 0)).toBe(42);
    expect(log.cases[0]!.attributes).toEqual({ creator: 'Fluxicon Nitro' });
    expect(log.cases[0]!.events[0]).toEqual({
      activity: 'register request',
      timestamp: '2010-12-30T14:32:00+01:00',
      lifecycle: 'complete',
      resource: 'Pete',
      attributes: { Activity: 'register request', Costs: '50', Resource: 'Pete' },
    });
  });

  it('detects the ; delimiter and case_id / activity / timestamp / resource names', async () => {
    const log = await collect(readEventLog(logFile('running-example_unchanged.csv')));
    expect(log.cases).toHaveLength(6);
    expect(log.rejections).toEqual([]);
    expect(log.cases[0]!.events[0]).toEqual({
      activity: 'register request',
      timestamp: '2010-12-30T14:32:00+01:00',
      lifecycle: 'complete',
      resource: 'Pete',
      attributes: { costs: '50' },
    });
  });

  it('rejects rows without case, activity or timestamp, or with a bad timestamp, by line', async () => {
    const csv = [
      'Case ID;Activity;Timestamp;Resource',
      'c1;a;2024-01-01 10:00:00;ann',
      ';b;2024-01-01 11:00:00;bob',
      'c1;;2024-01-01 11:00:00;bob',
      'c1;c;;bob',
      'c2;d;yesterday;bob',
      '',
      'c2;e;2024-01-01 12:00:00',
      'c1;f;2024-01-01T13:00:00+02:00;"quoted; name"',
    ].join('\r\n');
    const log = await collect(readCsvChunks([csv]));
    expect(log.rejections).toEqual([
      { line: 3, reason: 'missing-case-id', detail: 'empty Case ID' },
      { line: 4, reason: 'missing-activity', detail: 'empty Activity', caseId: 'c1' },
      { line: 5, reason: 'missing-timestamp', detail: 'empty Timestamp', caseId: 'c1' },
      {
        line: 6,
        reason: 'bad-timestamp',
        detail: 'unparseable timestamp "yesterday"',
        caseId: 'c2',
      },
    ]);
    expect(log.cases.map((c) => [c.caseId, c.events.map((e) => e.activity)])).toEqual([
      ['c1', ['a', 'f']],
      ['c2', ['e']],
    ]);
    expect(log.cases[0]!.events[1]!.resource).toBe('quoted; name');
    expect(summarizeImport(log.items).rejectedByReason).toEqual({
      'missing-case-id': 1,
      'missing-activity': 1,
      'missing-timestamp': 1,
      'bad-timestamp': 1,
    });
  });

  it('reads start and complete columns, explicit mappings and the default offset', async () => {
    const csv = 'order,step,began,finished,who\no1,pack,2024-01-01 10:00,2024-01-01 10:30,ann\n';
    const log = await collect(
      readCsvChunks([csv], {
        columns: {
          caseId: 'order',
          activity: 'step',
          timestamp: 'finished',
          startTimestamp: 'began',
          resource: 'who',
        },
        defaultOffset: '+01:00',
      }),
    );
    expect(log.cases[0]!.events[0]).toEqual({
      activity: 'pack',
      timestamp: '2024-01-01T10:30:00+01:00',
      startTimestamp: '2024-01-01T10:00:00+01:00',
      lifecycle: 'complete',
      resource: 'ann',
      attributes: {},
    });
  });

  it('emits cases early for files sorted by case', async () => {
    // csv-parse holds back the last record of a chunk until more input arrives.
    const csv =
      'case,activity,timestamp\n1,a,2024-01-01\n1,b,2024-01-02\n2,a,2024-01-01\n2,b,2024-01-02\n';
    const chunks = (async function* () {
      yield csv;
      await new Promise(() => {}); // the rest of the file never arrives
    })();
    const reader = readCsvChunks(chunks, { sortedByCase: true });
    await reader.next(); // log
    expect((await reader.next()).value).toMatchObject({ kind: 'case', case: { caseId: '1' } });
  });

  it('fails when the source fails, instead of waiting forever', async () => {
    const chunks = (async function* () {
      yield 'case,activity,timestamp\n1,a,2024-01-01\n';
      throw new Error('disk gone');
    })();
    await expect(collect(readCsvChunks(chunks))).rejects.toThrow('disk gone');
  });

  it('rejects records csv-parse cannot read as malformed rows', async () => {
    const log = await collect(
      readCsvChunks(['case,activity,timestamp\n1,a,2024-01-01\n2,"b,2024-01-01\n']),
    );
    expect(log.cases.map((c) => c.caseId)).toEqual(['1']);
    expect(log.rejections).toMatchObject([{ line: 3, reason: 'malformed-row' }]);
  });

  it('refuses a file whose required columns cannot be found', async () => {
    await expect(collect(readCsvChunks(['id,what,when\n1,a,2024-01-01\n']))).rejects.toThrow(
      CsvMappingError,
    );
    expect(() => resolveColumns(['case', 'activity', 'timestamp'], { resource: 'nobody' })).toThrow(
      /column "nobody" \(resource\) is not in the header/,
    );
  });

  it('detects delimiters from the header line', () => {
    expect(detectDelimiter('a,b,c')).toBe(',');
    expect(detectDelimiter('a;b;"c,d"')).toBe(';');
    expect(detectDelimiter('a\tb\tc')).toBe('\t');
    expect(detectDelimiter('single')).toBe(',');
  });
});
