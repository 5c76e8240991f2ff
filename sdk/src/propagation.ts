/**
 * Process-context propagation between systems, next to W3C trace context.
 *
 * Headers written (lower-case; the same for Kafka message headers and HTTP):
 * - `flowtrail-parent`: `source;process;instance;eventId[;expectationId]`, each part
 *   percent-encoded (`encodeURIComponent`), so `;` inside a part cannot split it;
 * - `flowtrail-keys`: business keys, `key=value` pairs joined by `,`, percent-encoded;
 * - `flowtrail-message`: the message id of the `flowtrail.message.sent` event (encoded);
 * - `traceparent` / `tracestate`: W3C Trace Context level 1.
 *
 * The receiving side extracts a {@link ParentContext} and starts its subprocess with
 * `data.parent` and `ftcausation` = the sending event's id.
 */
import { headerValues, singleHeader, type HeaderCarrier } from './header-carrier.ts';
import { normaliseTracestate, parseTraceparent, type TraceContext } from './trace-context.ts';

export const PARENT_HEADER = 'flowtrail-parent';
export const KEYS_HEADER = 'flowtrail-keys';
export const MESSAGE_HEADER = 'flowtrail-message';
export const TRACEPARENT_HEADER = 'traceparent';
export const TRACESTATE_HEADER = 'tracestate';

/** What one system tells the next about the process instance that caused a message. */
export interface ParentContext {
  source: string;
  process: string;
  instance: string;
  /**
   * Id of the event that caused the message (e.g. the `flowtrail.message.sent` event);
   * the receiver's first event carries it as `ftcausation`. Empty when none was emitted.
   */
  eventId?: string;
  /** `data.messageId` of the `flowtrail.message.sent` event, for the receiver to pair. */
  messageId?: string;
  /** The expectation the receiver fulfils by running its subprocess, if any. */
  expectationId?: string;
  businessKeys?: Record<string, string>;
}

/** Everything a carrier can hold: process context and/or trace context. */
export interface PropagatedContext {
  parent?: ParentContext;
  trace?: TraceContext;
}

export function encodeParent(parent: ParentContext): string {
  const parts = [parent.source, parent.process, parent.instance, parent.eventId ?? ''];
  if (parent.expectationId !== undefined) parts.push(parent.expectationId);
  return parts.map(encodeURIComponent).join(';');
}

export function decodeParent(value: string): ParentContext | undefined {
  const parts = value.trim().split(';');
  if (parts.length !== 4 && parts.length !== 5) return undefined;
  let decoded: string[];
  try {
    decoded = parts.map((p) => decodeURIComponent(p));
  } catch {
    return undefined;
  }
  const [source, process, instance, eventId, expectationId] = decoded as [
    string,
    string,
    string,
    string,
    string | undefined,
  ];
  if (source === '' || process === '' || instance === '' || expectationId === '') return undefined;
  const parent: ParentContext = { source, process, instance };
  if (eventId !== '') parent.eventId = eventId;
  if (expectationId !== undefined) parent.expectationId = expectationId;
  return parent;
}

export function encodeKeys(keys: Record<string, string>): string {
  return Object.entries(keys)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join(',');
}

export function decodeKeys(value: string): Record<string, string> | undefined {
  const keys: Record<string, string> = {};
  try {
    for (const pair of value.split(',')) {
      const trimmed = pair.trim();
      if (trimmed === '') continue;
      const eq = trimmed.indexOf('=');
      if (eq <= 0) return undefined;
      keys[decodeURIComponent(trimmed.slice(0, eq))] = decodeURIComponent(trimmed.slice(eq + 1));
    }
  } catch {
    return undefined;
  }
  return Object.keys(keys).length > 0 ? keys : undefined;
}

/**
 * Writes the context into `carrier` (mutated, then returned) as string values, which both
 * kafkajs and Node HTTP accept. Pass `{}` to get a fresh headers object.
 */
export function injectContext<C extends Record<string, unknown>>(
  carrier: C,
  ctx: PropagatedContext,
): C & Record<string, string> {
  const out = carrier as Record<string, unknown>;
  if (ctx.parent !== undefined) {
    out[PARENT_HEADER] = encodeParent(ctx.parent);
    const keys = ctx.parent.businessKeys;
    if (keys !== undefined && Object.keys(keys).length > 0) out[KEYS_HEADER] = encodeKeys(keys);
    if (ctx.parent.messageId !== undefined)
      out[MESSAGE_HEADER] = encodeURIComponent(ctx.parent.messageId);
  }
  if (ctx.trace !== undefined) {
    out[TRACEPARENT_HEADER] = ctx.trace.traceparent;
    if (ctx.trace.tracestate !== undefined) out[TRACESTATE_HEADER] = ctx.trace.tracestate;
  }
  return carrier as C & Record<string, string>;
}

/**
 * Reads the W3C trace context: exactly one valid `traceparent` (repeated headers are
 * invalid), plus the combined `tracestate` headers when they form a valid list.
 */
export function extractTraceContext(carrier: HeaderCarrier | undefined): TraceContext | undefined {
  const raw = singleHeader(carrier, TRACEPARENT_HEADER);
  if (raw === undefined) return undefined;
  const parsed = parseTraceparent(raw);
  if (parsed === undefined) return undefined;
  const flags = (parsed.traceFlags & 0xff).toString(16).padStart(2, '0');
  const traceparent = `00-${parsed.traceId}-${parsed.parentId}-${flags}`;
  const states = headerValues(carrier, TRACESTATE_HEADER);
  const tracestate = states.length > 0 ? normaliseTracestate(states) : undefined;
  return tracestate === undefined ? { traceparent } : { traceparent, tracestate };
}

/** Reads the process context; `undefined` when absent or malformed. */
export function extractParent(carrier: HeaderCarrier | undefined): ParentContext | undefined {
  const raw = singleHeader(carrier, PARENT_HEADER);
  const parent = raw === undefined ? undefined : decodeParent(raw);
  if (parent === undefined) return undefined;
  const keysRaw = singleHeader(carrier, KEYS_HEADER);
  const keys = keysRaw === undefined ? undefined : decodeKeys(keysRaw);
  if (keys !== undefined) parent.businessKeys = keys;
  const messageId = singleHeader(carrier, MESSAGE_HEADER)?.trim();
  if (messageId) parent.messageId = safeDecode(messageId);
  return parent;
}

/** Reads both contexts. Never throws: malformed headers are ignored. */
export function extractContext(carrier: HeaderCarrier | undefined): PropagatedContext {
  const result: PropagatedContext = {};
  try {
    const parent = extractParent(carrier);
    if (parent !== undefined) result.parent = parent;
    const trace = extractTraceContext(carrier);
    if (trace !== undefined) result.trace = trace;
  } catch {
    // a hostile carrier (throwing getter…) yields an empty context
  }
  return result;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
