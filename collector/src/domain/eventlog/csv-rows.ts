/**
 * One CSV record → one event of a case, or a rejection. Pure.
 *
 * - Columns named `case:<name>` (the PM4Py convention) are case attributes `<name>`
 *   (first non-empty value in the case wins); every other unmapped column is an event
 *   attribute. Empty cells are left out. Values stay strings: CSV has no types.
 * - A record without case id, activity or timestamp, or whose timestamp (or start
 *   timestamp, when that column exists and the cell is not empty) does not parse, is
 *   rejected with its line number and reason.
 */
import type { CsvColumns } from './csv-columns.ts';
import type { Attributes, ImportedEvent, Rejection } from './imported-case.ts';
import { parseTimestamp } from './timestamp.ts';

export interface CsvRow {
  caseId: string;
  caseAttributes: Attributes;
  event: ImportedEvent;
}

export type CsvRowResult = { ok: true; row: CsvRow } | { ok: false; rejection: Rejection };

const CASE_PREFIX = 'case:';

function cell(record: readonly string[], index: number | undefined): string | undefined {
  if (index === undefined) return undefined;
  const value = record[index]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

export function csvRowToEvent(
  record: readonly string[],
  columns: CsvColumns,
  line: number,
  defaultOffset = 'Z',
): CsvRowResult {
  const caseId = cell(record, columns.caseId);
  const reject = (reason: Rejection['reason'], detail: string): CsvRowResult => ({
    ok: false,
    rejection: caseId === undefined ? { line, reason, detail } : { line, reason, detail, caseId },
  });
  const header = columns.header;
  if (caseId === undefined) return reject('missing-case-id', `empty ${header[columns.caseId]}`);
  const activity = cell(record, columns.activity);
  if (activity === undefined)
    return reject('missing-activity', `empty ${header[columns.activity]}`);
  const rawTime = cell(record, columns.timestamp);
  if (rawTime === undefined) {
    return reject('missing-timestamp', `empty ${header[columns.timestamp]}`);
  }
  const timestamp = parseTimestamp(rawTime, defaultOffset);
  if (timestamp === undefined) return reject('bad-timestamp', `unparseable timestamp "${rawTime}"`);
  const event: ImportedEvent = {
    activity,
    timestamp,
    lifecycle: (cell(record, columns.lifecycle) ?? 'complete').toLowerCase(),
    attributes: {},
  };
  const rawStart = cell(record, columns.startTimestamp);
  if (rawStart !== undefined) {
    const start = parseTimestamp(rawStart, defaultOffset);
    if (start === undefined)
      return reject('bad-timestamp', `unparseable start timestamp "${rawStart}"`);
    event.startTimestamp = start;
  }
  const resource = cell(record, columns.resource);
  if (resource !== undefined) event.resource = resource;

  const mapped = new Set(
    [columns.caseId, columns.activity, columns.timestamp, columns.startTimestamp]
      .concat([columns.resource, columns.lifecycle])
      .filter((index) => index !== undefined),
  );
  const caseAttributes: Attributes = {};
  header.forEach((name, index) => {
    const value = cell(record, index);
    if (mapped.has(index) || value === undefined) return;
    if (name.startsWith(CASE_PREFIX)) caseAttributes[name.slice(CASE_PREFIX.length)] = value;
    else event.attributes[name] = value;
  });
  return { ok: true, row: { caseId, caseAttributes, event } };
}
