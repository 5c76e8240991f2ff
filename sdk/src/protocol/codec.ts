/**
 * CloudEvents bindings for Kafka (structured and binary mode) and HTTP headers.
 * Pure functions: bytes and headers in, a validated event or a rejection out.
 */
import { validateEvent } from './validate.ts';
import type { FlowtrailEvent } from './schema.ts';

export const STRUCTURED_CONTENT_TYPE = 'application/cloudevents+json';
export const BATCH_CONTENT_TYPE = 'application/cloudevents-batch+json';

/** Why an input was rejected; the dead-letter topic carries it. */
export type RejectionReason =
  'oversized' | 'not-json' | 'unsupported-specversion' | 'schema-violation';

export type DecodeResult =
  { ok: true; event: FlowtrailEvent } | { ok: false; reason: RejectionReason; errors: string[] };

export type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;
export type Headers = Record<string, HeaderValue>;

export interface DecodeOptions {
  /** Inputs larger than this (value bytes) are rejected as `oversized`. */
  maxBytes: number;
}

function headerString(value: HeaderValue): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return undefined;
  return typeof first === 'string' ? first : first.toString('utf8');
}

function findHeader(headers: Headers, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === lower) return headerString(value);
  }
  return undefined;
}

function reject(reason: RejectionReason, ...errors: string[]): DecodeResult {
  return { ok: false, reason, errors };
}

function fromObject(candidate: unknown): DecodeResult {
  if (typeof candidate === 'object' && candidate !== null && 'specversion' in candidate) {
    const specversion = (candidate as { specversion: unknown }).specversion;
    if (specversion !== '1.0') {
      return reject(
        'unsupported-specversion',
        `unsupported specversion ${JSON.stringify(specversion)}`,
      );
    }
  }
  const result = validateEvent(candidate);
  return result.ok ? result : reject('schema-violation', ...result.errors);
}

function parseJson(bytes: Buffer): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(bytes.toString('utf8')) };
  } catch (err) {
    return { ok: false, error: `not valid JSON: ${(err as Error).message}` };
  }
}

/**
 * Decodes one Kafka message. Binary mode when a `ce_specversion` header is present
 * (attributes in `ce_*` headers, `data` in the value); otherwise structured mode
 * (the whole event as JSON in the value).
 */
export function decodeKafkaMessage(
  value: Buffer | null,
  headers: Headers,
  options: DecodeOptions,
): DecodeResult {
  return decodeBinding(value, headers, 'ce_', options);
}

/** Decodes one HTTP request body in binary (`ce-*` headers) or structured mode. */
export function decodeHttpSingle(
  body: Buffer,
  headers: Headers,
  options: DecodeOptions,
): DecodeResult {
  return decodeBinding(body, headers, 'ce-', options);
}

function decodeBinding(
  value: Buffer | null,
  headers: Headers,
  prefix: string,
  options: DecodeOptions,
): DecodeResult {
  const bytes = value ?? Buffer.alloc(0);
  if (bytes.length > options.maxBytes) {
    return reject('oversized', `event is ${bytes.length} bytes; the limit is ${options.maxBytes}`);
  }
  const specversion = findHeader(headers, `${prefix}specversion`);
  if (specversion === undefined) {
    const parsed = parseJson(bytes);
    return parsed.ok ? fromObject(parsed.value) : reject('not-json', parsed.error);
  }
  const event: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(headers)) {
    if (!key.toLowerCase().startsWith(prefix)) continue;
    const str = headerString(raw);
    if (str !== undefined)
      event[key.slice(prefix.length).toLowerCase()] = decodeURIComponentSafe(str);
  }
  const contentType = findHeader(headers, 'content-type');
  if (contentType !== undefined) event.datacontenttype = contentType;
  if (bytes.length > 0) {
    const parsed = parseJson(bytes);
    if (!parsed.ok) return reject('not-json', `data ${parsed.error}`);
    event.data = parsed.value;
  }
  return fromObject(event);
}

function decodeURIComponentSafe(value: string): string {
  // The HTTP binding percent-encodes header values; Kafka headers are plain UTF-8.
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Structured-mode bytes of an event (the value the SDK writes to Kafka). */
export function encodeStructured(event: FlowtrailEvent): Buffer {
  return Buffer.from(JSON.stringify(event), 'utf8');
}

/** Binary-mode Kafka headers + value of an event, for producers that prefer it. */
export function encodeKafkaBinary(event: FlowtrailEvent): {
  headers: Record<string, string>;
  value: Buffer;
} {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  for (const [key, val] of Object.entries(event)) {
    if (key === 'data' || key === 'datacontenttype' || val === undefined) continue;
    headers[`ce_${key}`] = String(val);
  }
  return { headers, value: Buffer.from(JSON.stringify(event.data ?? {}), 'utf8') };
}
