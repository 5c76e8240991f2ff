/**
 * Streaming CSV reader: a thin adapter from `csv-parse` to the pure `csv-delimiter.ts`,
 * `csv-columns.ts`, `csv-rows.ts` and `case-grouper.ts`. The delimiter (`,` `;` tab) is
 * detected from the header line unless given. Records that csv-parse cannot read
 * (unclosed quotes…) are rejected as `malformed-row`, one rejection per line.
 */
import { Readable } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import { createCaseGrouper } from '../../domain/eventlog/case-grouper.ts';
import {
  resolveColumns,
  type CsvColumnMapping,
  type CsvColumns,
} from '../../domain/eventlog/csv-columns.ts';
import {
  detectDelimiter,
  firstLine,
  type CsvDelimiter,
} from '../../domain/eventlog/csv-delimiter.ts';
import { csvRowToEvent } from '../../domain/eventlog/csv-rows.ts';
import type { EventLogItem, Rejection } from '../../domain/eventlog/imported-case.ts';

export interface CsvReadOptions {
  /** Column names by role; roles left out are auto-detected. */
  columns?: Partial<CsvColumnMapping>;
  /** Default: detected from the header line. */
  delimiter?: CsvDelimiter;
  /** Offset for timestamps without one (default `Z`). */
  defaultOffset?: string;
  /** Emit each case as soon as the next case starts (only for files sorted by case). */
  sortedByCase?: boolean;
  /** The log's name (default `log`). */
  name?: string;
}

interface CsvRecord {
  record: string[];
  info: { lines: number };
}

/** Buffers chunks until the header line is complete and returns them with the rest. */
async function peekHeader(
  chunks: AsyncIterable<string> | Iterable<string>,
): Promise<{ header: string; chunks: AsyncIterable<string> }> {
  const iterator = (
    Symbol.asyncIterator in chunks ? chunks[Symbol.asyncIterator]() : chunks[Symbol.iterator]()
  ) as AsyncIterator<string> | Iterator<string>;
  let head = '';
  let done = false;
  while (firstLine(head) === undefined && !done) {
    const next = await iterator.next();
    if (next.done === true) done = true;
    else head += next.value;
  }
  async function* all(): AsyncGenerator<string> {
    yield head;
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) return;
      yield next.value;
    }
  }
  return { header: firstLine(head) ?? head, chunks: all() };
}

/** Reads a CSV event log given as text chunks (a file stream, or `[text]`). */
export async function* readCsvChunks(
  source: AsyncIterable<string> | Iterable<string>,
  options: CsvReadOptions = {},
): AsyncGenerator<EventLogItem> {
  const { header, chunks } = await peekHeader(source);
  const skipped = new Map<number, Rejection>();
  const parser = parse({
    delimiter: options.delimiter ?? detectDelimiter(header),
    bom: true,
    info: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (error: CsvError | undefined) => {
      const line = Number((error as { lines?: number } | undefined)?.lines ?? 0);
      const detail = error?.message ?? 'unreadable record';
      if (!skipped.has(line)) skipped.set(line, { line, reason: 'malformed-row', detail });
      return undefined;
    },
  });
  // A read error must end the iteration below, not leave it waiting (pipe() does not forward errors).
  const input = Readable.from(chunks);
  input.on('error', (error) => parser.destroy(error));
  input.pipe(parser);
  yield { kind: 'log', log: { format: 'csv', name: options.name ?? 'log', attributes: {} } };
  const grouper = createCaseGrouper(options.sortedByCase ?? false);
  let columns: CsvColumns | undefined;
  for await (const { record, info } of parser as AsyncIterable<CsvRecord>) {
    for (const rejection of skipped.values()) yield { kind: 'rejection', rejection };
    skipped.clear();
    if (columns === undefined) {
      columns = resolveColumns(record, options.columns);
      continue;
    }
    const result = csvRowToEvent(record, columns, info.lines, options.defaultOffset);
    if (!result.ok) {
      yield { kind: 'rejection', rejection: result.rejection };
      continue;
    }
    for (const done of grouper.add(result.row)) yield { kind: 'case', case: done };
  }
  for (const rejection of skipped.values()) yield { kind: 'rejection', rejection };
  for (const done of grouper.flush()) yield { kind: 'case', case: done };
}
