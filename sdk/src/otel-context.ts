/**
 * Reads the W3C trace context of the ACTIVE OpenTelemetry span. Only `@opentelemetry/api`
 * is used: without a registered SDK / context manager there is never an active span and
 * events simply carry no `traceparent`.
 */
import { context, isSpanContextValid, trace, type SpanContext } from '@opentelemetry/api';
import { formatTraceparent, normaliseTracestate, type TraceContext } from './trace-context.ts';

/**
 * The last span context read and what it gave: a span's context is one object for the
 * span's life, and its events are usually emitted one after another, so the formatting
 * and checking below run once per span, not once per event. Compared field by field
 * (not only by identity), so a context object changed in place is read again.
 */
let last:
  | {
      sc: SpanContext;
      traceId: string;
      spanId: string;
      traceFlags: number;
      traceState: SpanContext['traceState'];
      result: TraceContext | undefined;
    }
  | undefined;

/** The active span's trace context, or `undefined` when there is no valid active span. */
export function activeTraceContext(): TraceContext | undefined {
  const found = activeTrace();
  return found === undefined ? undefined : { ...found }; // yours: the cached one stays intact
}

/**
 * `activeTraceContext()` for the SDK's own use: the cached object itself, to be read, not
 * changed or handed out.
 */
export function activeTrace(): TraceContext | undefined {
  try {
    const span = trace.getSpan(context.active());
    if (span === undefined) return undefined;
    const sc = span.spanContext();
    const cached = last;
    if (
      cached !== undefined &&
      cached.sc === sc &&
      cached.traceId === sc.traceId &&
      cached.spanId === sc.spanId &&
      cached.traceFlags === sc.traceFlags &&
      cached.traceState === sc.traceState
    ) {
      return cached.result;
    }
    const result = readSpanContext(sc);
    last = {
      sc,
      traceId: sc.traceId,
      spanId: sc.spanId,
      traceFlags: sc.traceFlags,
      traceState: sc.traceState,
      result,
    };
    return result;
  } catch {
    return undefined; // a broken tracer must never break the business call
  }
}

function readSpanContext(sc: SpanContext): TraceContext | undefined {
  if (!isSpanContextValid(sc)) return undefined;
  const traceparent = formatTraceparent({
    traceId: sc.traceId,
    parentId: sc.spanId,
    traceFlags: sc.traceFlags,
  });
  if (traceparent === undefined) return undefined;
  const tracestate = normaliseTracestate(sc.traceState?.serialize());
  return tracestate === undefined ? { traceparent } : { traceparent, tracestate };
}
