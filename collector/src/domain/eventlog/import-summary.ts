/**
 * What an import read: cases, events, distinct activities, rejected input with reasons.
 * Pure: a summarizer is fed the items of `readEventLog` as they stream by.
 */
import type { EventLogItem, Rejection, RejectionReason } from './imported-case.ts';

export interface ImportSummary {
  /** The log's name, when its `log` item was seen. */
  log?: string;
  cases: number;
  /** Imported events (XES events, CSV rows), not the Flowtrail events generated from them. */
  events: number;
  /** Number of distinct activities. */
  activities: number;
  /** Distinct activity names, sorted. */
  activityNames: string[];
  /** Number of rejected rows / elements. */
  rejected: number;
  rejectedByReason: Partial<Record<RejectionReason, number>>;
  /** The first `maxRejections` rejections, in file order (all are counted). */
  rejections: Rejection[];
}

export interface ImportSummarizer {
  add(item: EventLogItem): void;
  summary(): ImportSummary;
}

export function createImportSummarizer(maxRejections = 1000): ImportSummarizer {
  let log: string | undefined;
  let cases = 0;
  let events = 0;
  let rejected = 0;
  const activities = new Set<string>();
  const byReason: Partial<Record<RejectionReason, number>> = {};
  const rejections: Rejection[] = [];
  return {
    add(item) {
      if (item.kind === 'log') log = item.log.name;
      else if (item.kind === 'case') {
        cases += 1;
        events += item.case.events.length;
        for (const event of item.case.events) activities.add(event.activity);
      } else {
        rejected += 1;
        const reason = item.rejection.reason;
        byReason[reason] = (byReason[reason] ?? 0) + 1;
        if (rejections.length < maxRejections) rejections.push(item.rejection);
      }
    },
    summary() {
      const activityNames = [...activities].sort();
      return {
        ...(log === undefined ? {} : { log }),
        cases,
        events,
        activities: activityNames.length,
        activityNames,
        rejected,
        rejectedByReason: { ...byReason },
        rejections: [...rejections],
      };
    },
  };
}

/** The summary of a list of items. */
export function summarizeImport(
  items: Iterable<EventLogItem>,
  maxRejections?: number,
): ImportSummary {
  const summarizer = createImportSummarizer(maxRejections);
  for (const item of items) summarizer.add(item);
  return summarizer.summary();
}
