/**
 * Builds protocol-v1 events from what a handle knows (process, instance, step, owner…)
 * and what the call adds. Pure except for the injected id generator and clock.
 */
import type { ErrorInfo } from './protocol/schema.ts';
import type { FlowtrailEvent } from './protocol/schema.ts';
import type { TraceContext } from './trace-context.ts';

/** Options every emitting call accepts. */
export interface EmitOptions {
  /** Free-form attributes, stored in `data.attributes`. */
  attributes?: Record<string, unknown>;
  /** Id of the event or message that caused this one (`ftcausation`). */
  causation?: string;
  /** When it happened, if not now (e.g. the commit time of the state change). */
  time?: Date;
}

/** A point in time: a Date, or an RFC 3339 string. */
export type Instant = Date | string;

/** Everything needed to build one event, before id, time and trace are added. */
export interface EventSpec {
  type: string;
  process: string;
  instance: string;
  step?: string;
  owner?: string;
  causation?: string;
  time?: Date;
  data: Record<string, unknown>;
  /** Trace context to use when no OpenTelemetry span is active (e.g. from headers). */
  fallbackTrace?: TraceContext;
}

/** `Date` → RFC 3339 string. Throws on an invalid Date (the caller reports it). */
export function toIso(instant: Instant): string {
  return typeof instant === 'string' ? instant : instant.toISOString();
}

let lastMs = Number.NaN;
let lastIso = '';

/**
 * `new Date(ms).toISOString()`, cheaper for the default clock's run of calls: the last
 * result is kept, and a time in the same second as the last one reuses its first 20
 * characters (`2026-12-03T10:58:26.`) and writes only the milliseconds.
 */
export function isoTime(ms: number): string {
  if (ms === lastMs) return lastIso;
  let iso: string;
  if (
    lastIso.length === 24 &&
    Number.isInteger(ms) &&
    ms >= 0 &&
    Math.floor(ms / 1000) === Math.floor(lastMs / 1000)
  ) {
    const frac = ms % 1000;
    iso = `${lastIso.slice(0, 20)}${frac < 10 ? '00' : frac < 100 ? '0' : ''}${frac}Z`;
  } else {
    iso = new Date(ms).toISOString(); // throws on an invalid time, as before
  }
  lastMs = ms;
  lastIso = iso;
  return iso;
}

/** Turns whatever a caller passes to `fail(err)` into the protocol's `{message, code}`. */
export function errorInfo(err: unknown): ErrorInfo {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const info: ErrorInfo = { message: err.message || err.name };
    if (typeof code === 'string' || typeof code === 'number') info.code = String(code);
    return info;
  }
  if (typeof err === 'object' && err !== null && 'message' in err) {
    const { message, code } = err as { message: unknown; code?: unknown };
    const info: ErrorInfo = { message: String(message) };
    if (code !== undefined) info.code = String(code);
    return info;
  }
  return { message: err === undefined ? 'failed' : String(err) };
}

/**
 * Assembles the CloudEvent (`spec.data` is used as is: the handles build it without
 * undefined values). Throws only if the clock or a Date is broken.
 */
export function buildEvent(
  spec: EventSpec,
  id: string,
  source: string,
  now: () => string,
  activeTrace: TraceContext | undefined,
): FlowtrailEvent {
  const event: Record<string, unknown> = {
    specversion: '1.0',
    id,
    source,
    type: spec.type,
    time: spec.time === undefined ? now() : spec.time.toISOString(),
    datacontenttype: 'application/json',
    ftprocess: spec.process,
    ftinstance: spec.instance,
  };
  if (spec.step !== undefined) event.ftstep = spec.step;
  if (spec.owner !== undefined) event.ftowner = spec.owner;
  if (spec.causation !== undefined) event.ftcausation = spec.causation;
  const trace = activeTrace ?? spec.fallbackTrace;
  if (trace !== undefined) {
    event.traceparent = trace.traceparent;
    if (trace.tracestate !== undefined) event.tracestate = trace.tracestate;
  }
  event.data = spec.data;
  return event as FlowtrailEvent;
}
