/**
 * Builds cases from the element stream of an XES document (IEEE 1849-2016; also the
 * older 1.0 / OpenXES files). Pure: it is fed start and end tags by a streaming XML
 * parser (`xes-reader.ts`) and returns the items each tag completes, so a log is never
 * held in memory, only the trace being read.
 *
 * - Only attributes that are direct children of `<log>`, `<trace>` or `<event>` count;
 *   nested attributes (meta data, `<list>`, `<container>`) and the attributes inside
 *   `<global>` (default values) are ignored.
 * - Values: `int`/`float` → number, `boolean` → boolean, `date` → RFC 3339 string,
 *   `string`/`id` → string.
 * - An event without `concept:name` or `time:timestamp`, or with an unparseable
 *   timestamp, is rejected; a trace without `concept:name` is rejected with all its
 *   events; a trace left without events is rejected as `empty-case`.
 */
import type {
  AttributeValue,
  Attributes,
  EventLogItem,
  ImportedEvent,
  Rejection,
} from './imported-case.ts';
import { parseTimestamp } from './timestamp.ts';

const SCALAR_TYPES = new Set(['string', 'date', 'int', 'float', 'boolean', 'id']);

export const XesKeys = {
  name: 'concept:name',
  timestamp: 'time:timestamp',
  lifecycle: 'lifecycle:transition',
  resource: 'org:resource',
} as const;

type Frame =
  | { kind: 'log'; attributes: Attributes }
  | {
      kind: 'trace';
      line: number;
      attributes: Attributes;
      events: ImportedEvent[];
      rejections: Rejection[];
    }
  | { kind: 'event'; line: number; attributes: Attributes }
  | { kind: 'other' };

export interface XesBuilderOptions {
  /** Offset for timestamps without one (default `Z`). */
  defaultOffset?: string;
  /** Log name when the log has no `concept:name` (the file name). */
  fallbackName: string;
}

export interface XesCaseBuilder {
  open(name: string, attributes: Readonly<Record<string, string>>, line: number): EventLogItem[];
  close(): EventLogItem[];
  /** Call at the end of the document. */
  end(): EventLogItem[];
}

function typedValue(type: string, raw: string, defaultOffset: string): AttributeValue {
  switch (type) {
    case 'int':
    case 'float': {
      const value = Number(raw);
      return Number.isFinite(value) ? value : raw;
    }
    case 'boolean':
      return raw.trim().toLowerCase() === 'true';
    case 'date':
      return parseTimestamp(raw, defaultOffset) ?? raw;
    default:
      return raw;
  }
}

function text(value: AttributeValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  const result = String(value);
  return result === '' ? undefined : result;
}

function withoutKeys(attributes: Attributes, keys: readonly string[]): Attributes {
  const rest: Attributes = { ...attributes };
  for (const key of keys) delete rest[key];
  return rest;
}

export function createXesCaseBuilder(options: XesBuilderOptions): XesCaseBuilder {
  const defaultOffset = options.defaultOffset ?? 'Z';
  const stack: Frame[] = [];
  let logEmitted = false;
  let logAttributes: Attributes = {};

  function logItem(): EventLogItem[] {
    if (logEmitted) return [];
    logEmitted = true;
    const name = text(logAttributes[XesKeys.name]) ?? options.fallbackName;
    return [{ kind: 'log', log: { format: 'xes', name, attributes: logAttributes } }];
  }

  function finishEvent(frame: Extract<Frame, { kind: 'event' }>, trace: Frame | undefined): void {
    if (trace?.kind !== 'trace') return;
    const reject = (reason: Rejection['reason'], detail: string): void => {
      trace.rejections.push({ line: frame.line, reason, detail });
    };
    const activity = text(frame.attributes[XesKeys.name]);
    const rawTime = text(frame.attributes[XesKeys.timestamp]);
    if (activity === undefined) return reject('missing-activity', 'event has no concept:name');
    if (rawTime === undefined) {
      return reject('missing-timestamp', `event "${activity}" has no time:timestamp`);
    }
    const timestamp = parseTimestamp(rawTime, defaultOffset);
    if (timestamp === undefined)
      return reject('bad-timestamp', `unparseable time:timestamp "${rawTime}"`);
    const event: ImportedEvent = {
      activity,
      timestamp,
      lifecycle: (text(frame.attributes[XesKeys.lifecycle]) ?? 'complete').toLowerCase(),
      attributes: withoutKeys(frame.attributes, Object.values(XesKeys)),
    };
    const resource = text(frame.attributes[XesKeys.resource]);
    if (resource !== undefined) event.resource = resource;
    trace.events.push(event);
  }

  function finishTrace(frame: Extract<Frame, { kind: 'trace' }>): EventLogItem[] {
    const caseId = text(frame.attributes[XesKeys.name]);
    if (caseId === undefined) {
      const dropped = frame.events.length + frame.rejections.length;
      const detail = `trace has no concept:name (${dropped} events not imported)`;
      return [
        { kind: 'rejection', rejection: { line: frame.line, reason: 'missing-case-id', detail } },
      ];
    }
    const items: EventLogItem[] = frame.rejections.map((rejection) => ({
      kind: 'rejection',
      rejection: { ...rejection, caseId },
    }));
    if (frame.events.length === 0) {
      const detail = 'trace has no importable events';
      items.push({
        kind: 'rejection',
        rejection: { line: frame.line, reason: 'empty-case', detail, caseId },
      });
      return items;
    }
    const attributes = withoutKeys(frame.attributes, [XesKeys.name]);
    items.push({ kind: 'case', case: { caseId, attributes, events: frame.events } });
    return items;
  }

  function open(
    name: string,
    attrs: Readonly<Record<string, string>>,
    line: number,
  ): EventLogItem[] {
    const parent = stack.at(-1);
    const local = name.includes(':') ? name.slice(name.indexOf(':') + 1) : name;
    let frame: Frame = { kind: 'other' };
    let items: EventLogItem[] = [];
    if (local === 'log' && parent === undefined) {
      frame = { kind: 'log', attributes: {} };
      logAttributes = frame.attributes;
    } else if (local === 'trace' && parent?.kind === 'log') {
      items = logItem();
      frame = { kind: 'trace', line, attributes: {}, events: [], rejections: [] };
    } else if (local === 'event' && parent?.kind === 'trace') {
      frame = { kind: 'event', line, attributes: {} };
    } else if (parent !== undefined && parent.kind !== 'other' && attrs.key !== undefined) {
      // Compound (`list`, `container`) and unknown elements are not imported.
      if (SCALAR_TYPES.has(local) && attrs.value !== undefined) {
        parent.attributes[attrs.key] = typedValue(local, attrs.value, defaultOffset);
      }
    }
    stack.push(frame);
    return items;
  }

  function close(): EventLogItem[] {
    const frame = stack.pop();
    if (frame === undefined) return [];
    if (frame.kind === 'event') {
      finishEvent(frame, stack.at(-1));
      return [];
    }
    if (frame.kind === 'trace') return finishTrace(frame);
    if (frame.kind === 'log') return logItem();
    return [];
  }

  return { open, close, end: () => logItem() };
}
