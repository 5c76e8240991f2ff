/**
 * Turns one `POST /api/events` body into the pipeline's units: one `IncomingMessage` per
 * event (topic `http`, partition 0, offset = the event's index in the request), so HTTP
 * input goes through the same `BatchIngester` — same decoding, validation and dead
 * letters — as Kafka input. Pure: bytes and headers in, messages out.
 *
 * - structured: the body is the event; the message value is the body.
 * - binary: the `ce-*` headers become `ce_*` message headers (the Kafka binary binding),
 *   the body is the value (`data`).
 * - batch: the body must be a JSON array (else 400) of at most `maxEvents` elements (else
 *   413); each element becomes a structured message whose value is that element's JSON.
 *   The count is taken after `JSON.parse` (the body is already bounded by the body
 *   limit) and before any element is re-serialized, decoded or stored — the per-event
 *   work is what the cap protects. Structured and binary requests are one event each.
 */
import { STRUCTURED_CONTENT_TYPE, type Headers } from '@flowtrail/sdk/protocol';
import type { IncomingMessage } from '../../ports/incoming-message.ts';
import type { IngestMode } from './content-type.ts';
import type { IngestUnit } from '../../app/ingest/ingest-outcome.ts';

export const HTTP_TOPIC = 'http';

export type { IngestUnit };

export type ParseResult =
  { ok: true; units: IngestUnit[] } | { ok: false; status: 400 | 413; error: string };

export type RequestHeaders = Record<string, string | string[] | undefined>;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function message(index: number, value: Buffer | null, headers: Headers): IncomingMessage {
  return { topic: HTTP_TOPIC, partition: 0, offset: String(index), key: null, value, headers };
}

function idOf(candidate: unknown): string | undefined {
  if (typeof candidate !== 'object' || candidate === null) return undefined;
  const id = (candidate as { id?: unknown }).id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

function withId(unit: IngestUnit, id: string | undefined): IngestUnit {
  return id === undefined ? unit : { ...unit, id };
}

function tryParse(bytes: Buffer): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(bytes.toString('utf8')) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

function reserialized(element: unknown): string | undefined {
  try {
    return JSON.stringify(element) ?? 'null';
  } catch {
    return undefined;
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The `ce-*` request headers as Kafka-binding `ce_*` headers, plus the content type. */
export function binaryHeaders(headers: RequestHeaders): Headers {
  const out: Headers = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    const str = first(value);
    if (str === undefined) continue;
    if (lower.startsWith('ce-')) out[`ce_${lower.slice(3)}`] = str;
    else if (lower === 'content-type') out['content-type'] = str;
  }
  return out;
}

/**
 * Splits a request into units. `maxEventBytes` only bounds the work spent reading ids
 * (an oversized event is still handed on, and the decoder rejects it as `oversized`).
 */
export function parseIngestRequest(
  mode: IngestMode,
  body: Buffer,
  headers: RequestHeaders,
  maxEventBytes: number,
  maxEvents = Number.POSITIVE_INFINITY,
): ParseResult {
  if (mode === 'binary') {
    const ceId = first(headers['ce-id']);
    const unit: IngestUnit = { message: message(0, body, binaryHeaders(headers)) };
    return { ok: true, units: [withId(unit, ceId === undefined ? undefined : safeDecode(ceId))] };
  }
  const structured: Headers = { 'content-type': STRUCTURED_CONTENT_TYPE };
  if (mode === 'structured') {
    const parsed = body.length <= maxEventBytes ? tryParse(body) : undefined;
    const unit: IngestUnit = { message: message(0, body, structured) };
    return { ok: true, units: [withId(unit, parsed?.ok ? idOf(parsed.value) : undefined)] };
  }
  const parsed = tryParse(body);
  if (!parsed.ok) {
    return { ok: false, status: 400, error: `batch body is not valid JSON: ${parsed.error}` };
  }
  if (!Array.isArray(parsed.value)) {
    return { ok: false, status: 400, error: 'batch body must be a JSON array of CloudEvents' };
  }
  if (parsed.value.length > maxEvents) {
    return {
      ok: false,
      status: 413,
      error: `batch of ${parsed.value.length} events is over the limit of ${maxEvents} per request`,
    };
  }
  const units: IngestUnit[] = [];
  for (const [index, element] of (parsed.value as unknown[]).entries()) {
    const json = reserialized(element);
    if (json === undefined) {
      // JSON.stringify recurses: an element nested ~10,000 deep overflows the stack
      // (JSON.parse does not). Refused whole, named, rather than answered with a 500.
      return {
        ok: false,
        status: 400,
        error: `batch element ${index} is nested too deeply to process`,
      };
    }
    units.push(withId({ message: message(index, Buffer.from(json), structured) }, idOf(element)));
  }
  return { ok: true, units };
}
