/**
 * Reads the W3C trace context of the ACTIVE OpenTelemetry span. Only `@opentelemetry/api`
 * is used: without a registered SDK / context manager there is never an active span and
 * events simply carry no `traceparent`.
 */
import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { formatTraceparent, normaliseTracestate, type TraceContext } from './trace-context.ts';

/** The active span's trace context, or `undefined` when there is no valid active span. */
export function activeTraceContext(): TraceContext | undefined {
  try {
    const span = trace.getSpan(context.active());
    if (span === undefined) return undefined;
    const sc = span.spanContext();
    if (!isSpanContextValid(sc)) return undefined;
    const traceparent = formatTraceparent({
      traceId: sc.traceId,
      parentId: sc.spanId,
      traceFlags: sc.traceFlags,
    });
    if (traceparent === undefined) return undefined;
    const tracestate = normaliseTracestate(sc.traceState?.serialize());
    return tracestate === undefined ? { traceparent } : { traceparent, tracestate };
  } catch {
    return undefined; // a broken tracer must never break the business call
  }
}
