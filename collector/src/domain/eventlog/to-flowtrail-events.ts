/**
 * One imported case → the Flowtrail events of one process instance. Pure.
 *
 * - `source` = option (default `import`), `ftprocess` = option (default the log name),
 *   `ftinstance` = the case id.
 * - `flowtrail.process.started` at the earliest time of the case, with
 *   `data.businessKeys` (`caseId` + key-like case attributes) and `data.attributes` (the
 *   case attributes); `flowtrail.process.completed` at the latest time.
 * - Events are ordered by time (start time for interval rows), stably. Each event is a
 *   step named by its activity, owned (`ftowner`) by its resource:
 *   - lifecycle `start` → `step.started`; the next `complete` of the same activity ends
 *     it (first in, first out);
 *   - `complete` (also missing / `unknown`) → `step.completed`. Its start is, in order:
 *     the row's explicit start time; an open `start` of that activity; else the latest
 *     completion before it in the case — a `step.started` with `data.derivedStart: true`
 *     is emitted at that time. The first event of a case has no earlier completion: it
 *     gets no start and so no duration (unknown, not zero) — the analytics still count
 *     it, in the hour it completed (docs/event-logs.md).
 *   - `ate_abort` / `pi_abort` → `step.failed` (started like `complete`);
 *   - `suspend` → `step.waiting`;
 *   - any other transition (`schedule`, `assign`, `resume`…) → a custom event
 *     `xes.lifecycle.<transition>` of the step, so nothing is lost.
 * - Ids are UUIDv5 of (source, process, case id, position, kind, activity, time), so the
 *   same log imported twice gives the same ids.
 */
import { EventTypes, type EventData, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { instantOf } from '../instance/event-order.ts';
import { businessKeysOf } from './business-keys.ts';
import { importedEventId } from './event-id.ts';
import type { ImportedCase, ImportedEvent } from './imported-case.ts';

export const DEFAULT_IMPORT_SOURCE = 'import';

export interface ConversionOptions {
  /** `source` of the events (default `import`). */
  source?: string;
  /** `ftprocess` (default `logName`). */
  process?: string;
  /** The log's name (`EventLogInfo.name`): the default process. */
  logName?: string;
  /** Case attributes to use as business keys (default: names that look like keys). */
  businessKeys?: readonly string[];
}

/** Custom event type of lifecycle transitions Flowtrail has no step event for. */
export const LIFECYCLE_EVENT_PREFIX = 'xes.lifecycle.';

const FAILED = new Set(['ate_abort', 'pi_abort']);
const COMPLETED = new Set(['complete', 'unknown', '']);

function sortKey(event: ImportedEvent): number {
  return instantOf(event.startTimestamp ?? event.timestamp);
}

/** Events by (start or own) time then own time; ties keep file order. */
export function orderCaseEvents(events: readonly ImportedEvent[]): ImportedEvent[] {
  return events
    .map((event, index) => ({ event, index }))
    .sort(
      (a, b) =>
        sortKey(a.event) - sortKey(b.event) ||
        instantOf(a.event.timestamp) - instantOf(b.event.timestamp) ||
        a.index - b.index,
    )
    .map(({ event }) => event);
}

function earliest(times: readonly string[]): string {
  return times.reduce((best, time) => (instantOf(time) < instantOf(best) ? time : best));
}

function latest(times: readonly string[]): string {
  return times.reduce((best, time) => (instantOf(time) > instantOf(best) ? time : best));
}

export function toFlowtrailEvents(
  imported: ImportedCase,
  options: ConversionOptions = {},
): FlowtrailEvent[] {
  if (imported.events.length === 0) return [];
  const source = options.source ?? DEFAULT_IMPORT_SOURCE;
  const process = options.process ?? options.logName ?? 'imported-log';
  const caseId = imported.caseId;
  const out: FlowtrailEvent[] = [];

  const emit = (
    type: string,
    time: string,
    position: number,
    data: EventData,
    step?: ImportedEvent,
  ): void => {
    const id = importedEventId([
      source,
      process,
      caseId,
      position,
      type,
      step?.activity ?? '',
      time,
    ]);
    const event: FlowtrailEvent = {
      specversion: '1.0',
      id,
      source,
      type,
      time,
      ftprocess: process,
      ftinstance: caseId,
      data,
    };
    if (step !== undefined) event.ftstep = step.activity;
    if (step?.resource !== undefined) event.ftowner = step.resource;
    out.push(event);
  };
  const withAttributes = (event: ImportedEvent): EventData =>
    Object.keys(event.attributes).length > 0 ? { attributes: { ...event.attributes } } : {};

  const ordered = orderCaseEvents(imported.events);
  const allTimes = ordered.flatMap((e) =>
    e.startTimestamp === undefined ? [e.timestamp] : [e.startTimestamp, e.timestamp],
  );
  const startData: EventData = {
    businessKeys: businessKeysOf(caseId, imported.attributes, options.businessKeys),
  };
  if (Object.keys(imported.attributes).length > 0)
    startData.attributes = { ...imported.attributes };
  emit(EventTypes.processStarted, earliest(allTimes), -1, startData);

  const openStarts = new Map<string, number>();
  let lastEnd: string | undefined;
  ordered.forEach((event, position) => {
    const lifecycle = event.lifecycle;
    if (lifecycle === 'start') {
      openStarts.set(event.activity, (openStarts.get(event.activity) ?? 0) + 1);
      emit(EventTypes.stepStarted, event.timestamp, position, withAttributes(event), event);
      return;
    }
    if (lifecycle === 'suspend') {
      emit(EventTypes.stepWaiting, event.timestamp, position, withAttributes(event), event);
      return;
    }
    const failed = FAILED.has(lifecycle);
    if (!failed && !COMPLETED.has(lifecycle)) {
      const type = `${LIFECYCLE_EVENT_PREFIX}${lifecycle}`;
      emit(type, event.timestamp, position, withAttributes(event), event);
      return;
    }
    const open = openStarts.get(event.activity) ?? 0;
    if (event.startTimestamp !== undefined) {
      emit(EventTypes.stepStarted, event.startTimestamp, position, {}, event);
    } else if (open > 0) {
      openStarts.set(event.activity, open - 1);
    } else if (lastEnd !== undefined) {
      emit(EventTypes.stepStarted, lastEnd, position, { derivedStart: true }, event);
    }
    const data = withAttributes(event);
    if (failed) data.error = { message: `lifecycle ${lifecycle}`, code: lifecycle };
    emit(
      failed ? EventTypes.stepFailed : EventTypes.stepCompleted,
      event.timestamp,
      position,
      data,
      event,
    );
    if (lastEnd === undefined || instantOf(event.timestamp) >= instantOf(lastEnd)) {
      lastEnd = event.timestamp;
    }
  });

  emit(EventTypes.processCompleted, latest(allTimes), ordered.length, {});
  return out;
}
