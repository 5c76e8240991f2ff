/**
 * Event-log import and export (docs/event-logs.md): read XES and CSV logs as cases
 * (streamed), turn a case into the Flowtrail events of one process instance, and write
 * stored events as XES or OCEL 2.0. No CLI and no storage here: the readers are thin
 * streaming adapters, everything else is pure.
 *
 * ```ts
 * let log: EventLogInfo | undefined;
 * const summary = createImportSummarizer();
 * for await (const item of readEventLog('receipt.xes')) {
 *   summary.add(item);
 *   if (item.kind === 'log') log = item.log;
 *   if (item.kind === 'case') store(toFlowtrailEvents(item.case, { logName: log?.name }));
 * }
 * ```
 */
export type * from '../../domain/eventlog/imported-case.ts';
export type { CsvColumnMapping } from '../../domain/eventlog/csv-columns.ts';
export type { CsvDelimiter } from '../../domain/eventlog/csv-delimiter.ts';
export type { CsvReadOptions } from './csv-reader.ts';
export type { XesReadOptions } from './xes-reader.ts';
export type { ConversionOptions } from '../../domain/eventlog/to-flowtrail-events.ts';
export type { EventSource } from '../../domain/eventlog/instance-groups.ts';
export type { ExportSelection } from '../../domain/eventlog/exported-steps.ts';
export type { XesWriteOptions } from '../../domain/eventlog/xes-writer.ts';
export type { OcelWriteOptions } from '../../domain/eventlog/ocel-writer.ts';
export type * from '../../domain/eventlog/ocel-model.ts';
export type { ImportSummary, ImportSummarizer } from '../../domain/eventlog/import-summary.ts';

export { readEventLog, formatOf, type ReadEventLogOptions } from './read-event-log.ts';
export { readXesChunks } from './xes-reader.ts';
export { readCsvChunks } from './csv-reader.ts';
export {
  CsvMappingError,
  resolveColumns,
  COLUMN_CANDIDATES,
} from '../../domain/eventlog/csv-columns.ts';
export { detectDelimiter } from '../../domain/eventlog/csv-delimiter.ts';
export { parseTimestamp } from '../../domain/eventlog/timestamp.ts';
export {
  toFlowtrailEvents,
  DEFAULT_IMPORT_SOURCE,
  LIFECYCLE_EVENT_PREFIX,
} from '../../domain/eventlog/to-flowtrail-events.ts';
export { businessKeysOf, looksLikeKey } from '../../domain/eventlog/business-keys.ts';
export { uuidV5, IMPORT_NAMESPACE } from '../../domain/eventlog/event-id.ts';
export { writeXes, xesTrace } from '../../domain/eventlog/xes-writer.ts';
export { writeOcel, buildOcel } from '../../domain/eventlog/ocel-writer.ts';
export { createImportSummarizer, summarizeImport } from '../../domain/eventlog/import-summary.ts';
