import { describe, expect, it } from 'vitest';
import {
  createImportSummarizer,
  summarizeImport,
  type EventLogItem,
} from '../../src/tools/eventlog/index.ts';

const event = (activity: string) => ({
  activity,
  timestamp: '2024-01-01T00:00:00Z',
  lifecycle: 'complete',
  attributes: {},
});

describe('import summary', () => {
  const items: EventLogItem[] = [
    { kind: 'log', log: { format: 'csv', name: 'orders', attributes: {} } },
    {
      kind: 'case',
      case: { caseId: '1', attributes: {}, events: [event('b'), event('a'), event('b')] },
    },
    {
      kind: 'rejection',
      rejection: { line: 3, reason: 'bad-timestamp', detail: 'x', caseId: '2' },
    },
    { kind: 'case', case: { caseId: '2', attributes: {}, events: [event('c')] } },
    { kind: 'rejection', rejection: { line: 7, reason: 'missing-case-id', detail: 'y' } },
    { kind: 'rejection', rejection: { line: 9, reason: 'bad-timestamp', detail: 'z' } },
  ];

  it('counts cases, events, distinct activities and rejections by reason', () => {
    expect(summarizeImport(items)).toEqual({
      log: 'orders',
      cases: 2,
      events: 4,
      activities: 3,
      activityNames: ['a', 'b', 'c'],
      rejected: 3,
      rejectedByReason: { 'bad-timestamp': 2, 'missing-case-id': 1 },
      rejections: [
        { line: 3, reason: 'bad-timestamp', detail: 'x', caseId: '2' },
        { line: 7, reason: 'missing-case-id', detail: 'y' },
        { line: 9, reason: 'bad-timestamp', detail: 'z' },
      ],
    });
  });

  it('keeps the first rejections only, but counts all', () => {
    const summarizer = createImportSummarizer(1);
    items.forEach((item) => summarizer.add(item));
    expect(summarizer.summary()).toMatchObject({ rejected: 3, rejections: [{ line: 3 }] });
  });
});
