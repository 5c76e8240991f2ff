/**
 * CloudEvents bindings for Kafka (structured and binary mode) and HTTP headers.
 * Pure functions: bytes and headers in, a validated event or a rejection out — never an
 * exception, whatever the input (the fuzz tests of sdk/test/protocol/ hold it to that).
 * Order of checks: size, UTF-8, JSON, integrity (depth, lone surrogates: integrity.ts),
 * specversion, schema.
 */
import { decodeUtf8Strict, describeValue, findIntegrityProblem } from './integrity.ts';
import { validateEvent } from './validate.ts';
import type { FlowtrailEvent } from './schema.ts';

export const STRUCTURED_CONTENT_TYPE = 'application/cloudevents+json';
export const BATCH_CONTENT_TYPE = 'application/cloudevents-batch+json';

/**
 * Why an input was rejected; the dead-letter topic carries it (docs/events.md lists them).
 * `too-deep`: objects and arrays nested deeper than `MAX_NESTING_DEPTH`; `invalid-unicode`:
 * bytes that are not UTF-8, or a string or key with a lone surrogate.
 */
export type RejectionReason =
  | 'oversized'
  | 'not-json'
  | 'too-deep'
  | 'invalid-unicode'
  | 'unsupported-specversion'
  | 'schema-violation';

export type DecodeResult =
  { ok: true; event: FlowtrailEvent } | { ok: false; reason: RejectionReason; errors: string[] };

export type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;
export type Headers = Record<string, HeaderValue>;

export interface DecodeOptions {
  /** Inputs larger than this (value bytes) are rejected as `oversized`. */
  maxBytes: number;
}

/** Thrown inside this module only, for a header whose bytes are not UTF-8. */
class InvalidHeader extends Error {}

function headerString(name: string, value: HeaderValue): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined || first === null) return undefined;
  if (typeof first === 'string') return first;
  if (!(first instanceof Uint8Array)) return String(first);
  const text = decodeUtf8Strict(first);
  if (text === undefined) {
    throw new InvalidHeader(`header ${describeValue(name)} is not valid UTF-8`);
  }
  return text;
}

function findHeader(headers: Headers, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === lower) return headerString(key, value);
  }
  return undefined;
}

function reject(reason: RejectionReason, ...errors: string[]): DecodeResult {
  return { ok: false, reason, errors };
}

function fromObject(candidate: unknown): DecodeResult {
  const problem = findIntegrityProblem(candidate);
  if (problem !== undefined) return reject(problem.reason, problem.error);
  if (typeof candidate === 'object' && candidate !== null && 'specversion' in candidate) {
    const specversion = (candidate as { specversion: unknown }).specversion;
    if (specversion !== '1.0') {
      return reject(
        'unsupported-specversion',
        `unsupported specversion ${describeValue(specversion)}`,
      );
    }
  }
  const result = validateEvent(candidate);
  return result.ok ? result : reject('schema-violation', ...result.errors);
}

type Parsed =
  | { ok: true; value: unknown }
  | { ok: false; reason: 'not-json' | 'invalid-unicode'; error: string };

function parseJson(bytes: Buffer): Parsed {
  const text = decodeUtf8Strict(bytes);
  if (text === undefined) return { ok: false, reason: 'invalid-unicode', error: 'not valid UTF-8' };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, reason: 'not-json', error: `not valid JSON: ${(err as Error).message}` };
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
  try {
    return decodeChecked(value, headers, prefix, options);
  } catch (err) {
    if (err instanceof InvalidHeader) return reject('invalid-unicode', err.message);
    // Not expected for any input; kept so the promise "never throws" holds regardless.
    return reject('schema-violation', `decoder failed: ${describeValue((err as Error)?.message)}`);
  }
}

/** Sets an own property, also for `__proto__` (a plain assignment would drop it). */
function define(target: Record<string, unknown>, name: string, value: unknown): void {
  Object.defineProperty(target, name, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function decodeChecked(
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
    return parsed.ok ? fromObject(parsed.value) : reject(parsed.reason, parsed.error);
  }
  const event: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(headers)) {
    if (!key.toLowerCase().startsWith(prefix)) continue;
    const str = headerString(key, raw);
    if (str !== undefined) {
      define(event, key.slice(prefix.length).toLowerCase(), decodeURIComponentSafe(str));
    }
  }
  const contentType = findHeader(headers, 'content-type');
  if (contentType !== undefined) event.datacontenttype = contentType;
  if (bytes.length > 0) {
    const parsed = parseJson(bytes);
    if (!parsed.ok) return reject(parsed.reason, `data ${parsed.error}`);
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
