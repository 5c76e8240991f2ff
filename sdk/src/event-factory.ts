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

export interface BuildContext {
  id: string;
  source: string;
  now: () => Date;
  trace: TraceContext | undefined;
}

/** `Date` → RFC 3339 string. Throws on an invalid Date (the caller reports it). */
export function toIso(instant: Instant): string {
  return typeof instant === 'string' ? instant : instant.toISOString();
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

/** Copies `data`, leaving out undefined values (JSON would drop them anyway). */
function compact(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) if (value !== undefined) out[key] = value;
  return out;
}

/** Assembles the CloudEvent. Throws only if the clock or a Date is broken. */
export function buildEvent(spec: EventSpec, ctx: BuildContext): FlowtrailEvent {
  const event: Record<string, unknown> = {
    specversion: '1.0',
    id: ctx.id,
    source: ctx.source,
    type: spec.type,
    time: (spec.time ?? ctx.now()).toISOString(),
    datacontenttype: 'application/json',
    ftprocess: spec.process,
    ftinstance: spec.instance,
  };
  if (spec.step !== undefined) event.ftstep = spec.step;
  if (spec.owner !== undefined) event.ftowner = spec.owner;
  if (spec.causation !== undefined) event.ftcausation = spec.causation;
  const trace = ctx.trace ?? spec.fallbackTrace;
  if (trace !== undefined) {
    event.traceparent = trace.traceparent;
    if (trace.tracestate !== undefined) event.tracestate = trace.tracestate;
  }
  event.data = compact(spec.data);
  return event as FlowtrailEvent;
}
