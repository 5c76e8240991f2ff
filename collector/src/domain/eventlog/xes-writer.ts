/**
 * Stored Flowtrail events → an XES document (IEEE 1849-2016), as text chunks: one trace
 * per process instance, its events the exported steps (`exported-steps.ts`) with
 * `concept:name`, `time:timestamp`, `lifecycle:transition`, `org:resource` (`ftowner`)
 * and the event's `data.attributes`. Trace attributes: `concept:name` (the instance id),
 * `flowtrail:source`, `flowtrail:process`, the case attributes and business keys of the
 * instance's `process.started`. Pure (no IO): the caller writes the chunks.
 */
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { kindOf, scalarOf } from './attribute-kind.ts';
import { exportedSteps, processStartOf, type ExportSelection } from './exported-steps.ts';
import { instanceGroups, type EventSource } from './instance-groups.ts';
import { escapeXmlAttribute } from './xml-text.ts';

export interface XesWriteOptions extends ExportSelection {
  /** The log's `concept:name` (default: the process name when there is one, else `flowtrail`). */
  logName?: string;
}

const XES_TAG = {
  string: 'string',
  integer: 'int',
  float: 'float',
  boolean: 'boolean',
  time: 'date',
};

/** Written from the event itself; attributes of these names are not repeated. */
const RESERVED_EVENT_KEYS = new Set([
  'concept:name',
  'time:timestamp',
  'lifecycle:transition',
  'org:resource',
]);

/** The case id key is the trace's concept:name already. */
const SKIPPED_KEYS = new Set(['caseId']);

function attribute(key: string, value: unknown, indent: string): string {
  const scalar = scalarOf(value);
  const tag = XES_TAG[kindOf(scalar) ?? 'string'];
  return `${indent}<${tag} key="${escapeXmlAttribute(key)}" value="${escapeXmlAttribute(String(scalar))}"/>\n`;
}

export function xesHeader(logName: string): string {
  const ext = (name: string, prefix: string) =>
    `  <extension name="${name}" prefix="${prefix}" uri="http://www.xes-standard.org/${prefix}.xesext"/>\n`;
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<log xes.version="1849-2016" xes.features="nested-attributes" xmlns="http://www.xes-standard.org/">\n' +
    ext('Concept', 'concept') +
    ext('Time', 'time') +
    ext('Lifecycle', 'lifecycle') +
    ext('Organizational', 'org') +
    '  <global scope="trace">\n    <string key="concept:name" value="__INVALID__"/>\n  </global>\n' +
    '  <global scope="event">\n    <string key="concept:name" value="__INVALID__"/>\n' +
    '    <date key="time:timestamp" value="1970-01-01T00:00:00.000+00:00"/>\n' +
    '    <string key="lifecycle:transition" value="complete"/>\n  </global>\n' +
    '  <classifier name="Activity" keys="concept:name"/>\n' +
    '  <classifier name="Activity and lifecycle" keys="concept:name lifecycle:transition"/>\n' +
    '  <classifier name="Resource" keys="org:resource"/>\n' +
    attribute('concept:name', logName, '  ')
  );
}

/** One `<trace>` for the events of one instance; empty when it has no exported step. */
export function xesTrace(
  events: readonly FlowtrailEvent[],
  selection: ExportSelection = {},
): string {
  const steps = exportedSteps(events, selection);
  const first = events[0];
  if (steps.length === 0 || first === undefined) return '';
  const start = processStartOf(events);
  let xml = '  <trace>\n' + attribute('concept:name', first.ftinstance, '    ');
  xml += attribute('flowtrail:source', first.source, '    ');
  xml += attribute('flowtrail:process', first.ftprocess, '    ');
  const caseAttributes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(start?.data.businessKeys ?? {})) {
    if (!SKIPPED_KEYS.has(key)) caseAttributes[key] = value;
  }
  Object.assign(caseAttributes, start?.data.attributes ?? {});
  for (const [key, value] of Object.entries(caseAttributes)) {
    if (!key.startsWith('flowtrail:') && key !== 'concept:name')
      xml += attribute(key, value, '    ');
  }
  for (const { event, activity, lifecycle } of steps) {
    xml += '    <event>\n' + attribute('concept:name', activity, '      ');
    xml += attribute('time:timestamp', event.time, '      ');
    xml += attribute('lifecycle:transition', lifecycle, '      ');
    if (event.ftowner !== undefined) xml += attribute('org:resource', event.ftowner, '      ');
    for (const [key, value] of Object.entries(event.data.attributes ?? {})) {
      if (!RESERVED_EVENT_KEYS.has(key)) xml += attribute(key, value, '      ');
    }
    xml += '    </event>\n';
  }
  return xml + '  </trace>\n';
}

/**
 * The XES document of `source`, chunk by chunk (header, one chunk per trace, footer).
 * Instances without exported steps are left out.
 */
export async function* writeXes(
  source: EventSource,
  options: XesWriteOptions = {},
): AsyncGenerator<string> {
  let headerWritten = false;
  for await (const events of instanceGroups(source)) {
    const trace = xesTrace(events, options);
    if (trace === '') continue;
    if (!headerWritten) {
      yield xesHeader(options.logName ?? events[0]?.ftprocess ?? 'flowtrail');
      headerWritten = true;
    }
    yield trace;
  }
  if (!headerWritten) yield xesHeader(options.logName ?? 'flowtrail');
  yield '</log>\n';
}
