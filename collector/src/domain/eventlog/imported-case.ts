/**
 * What the event-log readers produce: process-mining cases (XES traces, CSV rows grouped
 * by case id), independent of Flowtrail's event protocol. `to-flowtrail-events.ts` turns
 * one case into the events of one process instance.
 */

/** A scalar attribute value. XES `date` values are kept as RFC 3339 strings. */
export type AttributeValue = string | number | boolean;

export type Attributes = Record<string, AttributeValue>;

/** One event of a case (an XES `<event>`, a CSV row). */
export interface ImportedEvent {
  /** `concept:name`. */
  activity: string;
  /** `time:timestamp`, normalised to RFC 3339. */
  timestamp: string;
  /** An explicit start time (CSV start-timestamp column), normalised to RFC 3339. */
  startTimestamp?: string;
  /** `lifecycle:transition`, lower-cased; `complete` when absent. */
  lifecycle: string;
  /** `org:resource`. */
  resource?: string;
  /** Every other event attribute. */
  attributes: Attributes;
}

/** One case (trace) of the log. */
export interface ImportedCase {
  /** The case's `concept:name` (XES) or case-id column (CSV). */
  caseId: string;
  /** Case attributes other than the case id (XES trace attributes, CSV `case:*` columns). */
  attributes: Attributes;
  /** Events in file order. */
  events: ImportedEvent[];
}

export type RejectionReason =
  | 'missing-case-id'
  | 'missing-activity'
  | 'missing-timestamp'
  | 'bad-timestamp'
  | 'malformed-row'
  | 'empty-case';

/** Input that was not imported, and why: nothing is dropped silently. */
export interface Rejection {
  /** 1-based line in the file (CSV: the line of the record; XES: the element's start tag). */
  line: number;
  reason: RejectionReason;
  /** Human-readable detail, e.g. the unparseable value. */
  detail: string;
  /** The case the rejected input belonged to, when known. */
  caseId?: string;
}

export type EventLogFormat = 'xes' | 'csv';

/** Log-level information, known before the first case. */
export interface EventLogInfo {
  format: EventLogFormat;
  /** The log's `concept:name` (XES), else the file name without extension. */
  name: string;
  /** Log-level attributes (XES `<log>` attributes; empty for CSV). */
  attributes: Attributes;
}

/**
 * The items of a log, in order: exactly one `log` item first, then cases and rejections
 * as they are read.
 */
export type EventLogItem =
  | { kind: 'log'; log: EventLogInfo }
  | { kind: 'case'; case: ImportedCase }
  | { kind: 'rejection'; rejection: Rejection };
