/**
 * `readEventLog(path, options)`: the items of an XES or CSV event log file (format from
 * the extension — `.xes`, `.csv`, optionally `.gz` — unless given), streamed.
 */
import type { EventLogFormat, EventLogItem } from '../../domain/eventlog/imported-case.ts';
import { readCsvChunks, type CsvReadOptions } from './csv-reader.ts';
import { fileChunks, logNameOf } from './text-source.ts';
import { readXesChunks } from './xes-reader.ts';

export interface ReadEventLogOptions extends Omit<CsvReadOptions, 'name'> {
  /** Default: from the file extension. */
  format?: EventLogFormat;
  /** Called with the bytes read from the file so far (for a progress bar). */
  onBytesRead?: (bytes: number) => void;
}

export function formatOf(path: string): EventLogFormat | undefined {
  const name = path.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.xes')) return 'xes';
  if (name.endsWith('.csv')) return 'csv';
  return undefined;
}

/**
 * The log item, then cases and rejections, read lazily from `path`. The log's name is its
 * `concept:name` (XES) or else the file name without extension.
 */
export function readEventLog(
  path: string,
  options: ReadEventLogOptions = {},
): AsyncGenerator<EventLogItem> {
  const format = options.format ?? formatOf(path);
  const name = logNameOf(path);
  const offset =
    options.defaultOffset === undefined ? {} : { defaultOffset: options.defaultOffset };
  const { onBytesRead, ...csvOptions } = options;
  const chunks = () => fileChunks(path, onBytesRead);
  if (format === 'xes') return readXesChunks(chunks(), { fallbackName: name, ...offset });
  if (format === 'csv') return readCsvChunks(chunks(), { ...csvOptions, name });
  throw new Error(
    `unknown event log format of ${path}: use .xes, .csv (optionally .gz) or set the format`,
  );
}
