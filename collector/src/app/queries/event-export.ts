/**
 * Stored events as a process-mining log (docs/event-logs.md): XES streamed trace by
 * trace, or one OCEL 2.0 JSON document, over the storage port's `scanInstanceEvents`.
 * No IO of its own: the caller writes the chunks (HTTP response, file).
 */
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { writeOcel } from '../../domain/eventlog/ocel-writer.ts';
import { writeXes } from '../../domain/eventlog/xes-writer.ts';
import type { EventScanFilter, EventScanner } from '../../ports/event-store.ts';

export type ExportFormat = 'xes' | 'ocel';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['xes', 'ocel'];

export interface ExportQuery extends EventScanFilter {
  format: ExportFormat;
}

export interface ExportedLog {
  contentType: string;
  /** A safe file name for `content-disposition`, e.g. `flowtrail-receipt.xes`. */
  filename: string;
  /** The document, chunk by chunk; the first chunk comes after the first store page. */
  chunks: AsyncIterable<string>;
}

const CONTENT_TYPES: Record<ExportFormat, string> = {
  xes: 'application/xml; charset=utf-8',
  ocel: 'application/json; charset=utf-8',
};

const EXTENSIONS: Record<ExportFormat, string> = { xes: 'xes', ocel: 'ocel.json' };

/** `flowtrail[-source][-process].<ext>`, reduced to characters safe in any header. */
export function exportFilename(query: ExportQuery): string {
  const parts = ['flowtrail', query.source, query.process].filter(
    (part): part is string => part !== undefined,
  );
  const base = parts
    .join('-')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[-.]+|-+$/g, '');
  return `${base.slice(0, 120) || 'flowtrail'}.${EXTENSIONS[query.format]}`;
}

async function* instanceEventGroups(
  scanner: EventScanner,
  filter: EventScanFilter,
): AsyncGenerator<readonly FlowtrailEvent[]> {
  for await (const { events } of scanner.scanInstanceEvents(filter)) {
    if (events.length > 0) yield events;
  }
}

async function* ocelChunks(scanner: EventScanner, filter: EventScanFilter): AsyncGenerator<string> {
  const log = await writeOcel(instanceEventGroups(scanner, filter));
  yield JSON.stringify(log);
}

/** The export of the instances matching `query` (all instances when no filter is given). */
export function exportLog(scanner: EventScanner, query: ExportQuery): ExportedLog {
  const filter: EventScanFilter = {
    ...(query.process === undefined ? {} : { process: query.process }),
    ...(query.source === undefined ? {} : { source: query.source }),
  };
  const chunks =
    query.format === 'xes'
      ? writeXes(instanceEventGroups(scanner, filter), {
          ...(query.process === undefined ? {} : { logName: query.process }),
        })
      : ocelChunks(scanner, filter);
  return {
    contentType: CONTENT_TYPES[query.format],
    filename: exportFilename(query),
    chunks,
  };
}
