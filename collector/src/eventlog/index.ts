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
export type * from './imported-case.ts';
export type { CsvColumnMapping } from './csv-columns.ts';
export type { CsvDelimiter } from './csv-delimiter.ts';
export type { CsvReadOptions } from './csv-reader.ts';
export type { XesReadOptions } from './xes-reader.ts';
export type { ConversionOptions } from './to-flowtrail-events.ts';
export type { EventSource } from './instance-groups.ts';
export type { ExportSelection } from './exported-steps.ts';
export type { XesWriteOptions } from './xes-writer.ts';
export type { OcelWriteOptions } from './ocel-writer.ts';
export type * from './ocel-model.ts';
export type { ImportSummary, ImportSummarizer } from './import-summary.ts';

export { readEventLog, formatOf, type ReadEventLogOptions } from './read-event-log.ts';
export { readXesChunks } from './xes-reader.ts';
export { readCsvChunks } from './csv-reader.ts';
export { CsvMappingError, resolveColumns, COLUMN_CANDIDATES } from './csv-columns.ts';
export { detectDelimiter } from './csv-delimiter.ts';
export { parseTimestamp } from './timestamp.ts';
export {
  toFlowtrailEvents,
  DEFAULT_IMPORT_SOURCE,
  LIFECYCLE_EVENT_PREFIX,
} from './to-flowtrail-events.ts';
export { businessKeysOf, looksLikeKey } from './business-keys.ts';
export { uuidV5, IMPORT_NAMESPACE } from './event-id.ts';
export { writeXes, xesTrace } from './xes-writer.ts';
export { writeOcel, buildOcel } from './ocel-writer.ts';
export { createImportSummarizer, summarizeImport } from './import-summary.ts';
