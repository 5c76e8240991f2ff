import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { describe, expect, it } from 'vitest';
import {
  readEventLog,
  readXesChunks,
  toFlowtrailEvents,
  writeXes,
  type ImportedCase,
} from '../../src/tools/eventlog/index.ts';
import { collect, logFile } from './log-files.ts';

async function text(chunks: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const chunk of chunks) out += chunk;
  return out;
}

function shape(cases: readonly ImportedCase[]) {
  return cases.map((c) => ({
    caseId: c.caseId,
    events: c.events.map((e) => [e.activity, e.lifecycle, e.resource, Date.parse(e.timestamp)]),
  }));
}

describe('XES writer', () => {
  it('round-trips receipt.xes: same cases, events, activities and attributes', async () => {
    const original = await collect(readEventLog(logFile('receipt.xes')));
    const groups = original.cases.map((c) => toFlowtrailEvents(c, { logName: original.name }));
    const xes = await text(writeXes(groups));
    expect(xes).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<log xes.version="1849-2016"/);
    const reread = await collect(readXesChunks([xes]));
    expect(reread.name).toBe(original.name);
    expect(reread.rejections).toEqual([]);
    expect(shape(reread.cases)).toEqual(shape(original.cases));
    const first = reread.cases[0]!;
    expect(first.attributes).toEqual({
      ...original.cases[0]!.attributes,
      'flowtrail:source': 'import',
      'flowtrail:process': original.name,
    });
    expect(first.events[0]!.attributes).toEqual(original.cases[0]!.events[0]!.attributes);
  });

  it('round-trips start/complete lifecycles (reviewing.xes), from a flat event stream', async () => {
    const original = await collect(readEventLog(logFile('reviewing.xes')));
    const flat = original.cases.flatMap((c) => toFlowtrailEvents(c, { logName: original.name }));
    const reread = await collect(readXesChunks(writeXes(flat.reverse())));
    const activities = (cases: readonly ImportedCase[]) =>
      new Set(cases.flatMap((c) => c.events.map((e) => `${e.activity}/${e.lifecycle}`)));
    expect(reread.cases.map((c) => c.caseId).sort()).toEqual(
      original.cases.map((c) => c.caseId).sort(),
    );
    expect(activities(reread.cases)).toEqual(activities(original.cases));
    expect(reread.cases.reduce((n, c) => n + c.events.length, 0)).toBe(3730);
  });

  it('exports derived starts on request, escapes text and types attributes', async () => {
    const imported: ImportedCase = {
      caseId: 'a&b "1"',
      attributes: { orderId: 'o<1>', amount: 12.5, count: 3, vip: true },
      events: [
        { activity: 'x', timestamp: '2024-01-01T00:00:00Z', lifecycle: 'complete', attributes: {} },
        {
          activity: 'y',
          timestamp: '2024-01-01T01:00:00Z',
          lifecycle: 'complete',
          attributes: { at: '2024-01-02T00:00:00Z' },
        },
      ],
    };
    const events: FlowtrailEvent[] = toFlowtrailEvents(imported, { process: 'p' });
    const xes = await text(writeXes([events], { includeDerivedStarts: true, logName: 'L' }));
    expect(xes).toContain('<string key="concept:name" value="a&amp;b &quot;1&quot;"/>');
    expect(xes).toContain('<float key="amount" value="12.5"/>');
    expect(xes).toContain('<int key="count" value="3"/>');
    expect(xes).toContain('<boolean key="vip" value="true"/>');
    expect(xes).toContain('<date key="at" value="2024-01-02T00:00:00Z"/>');
    const reread = await collect(readXesChunks([xes]));
    expect(reread.cases[0]!.caseId).toBe('a&b "1"');
    expect(reread.cases[0]!.attributes).toMatchObject({
      orderId: 'o<1>',
      amount: 12.5,
      count: 3,
      vip: true,
    });
    expect(reread.cases[0]!.events.map((e) => `${e.activity}/${e.lifecycle}`)).toEqual([
      // The fold's order: at equal times a start comes before a completion.
      'y/start',
      'x/complete',
      'y/complete',
    ]);
  });

  it('writes a valid empty log', async () => {
    const reread = await collect(readXesChunks(writeXes([])));
    expect(reread.name).toBe('flowtrail');
    expect(reread.cases).toEqual([]);
  });
});
