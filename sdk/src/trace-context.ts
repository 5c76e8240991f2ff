/**
 * W3C Trace Context level 1: parsing and formatting of the `traceparent` and
 * `tracestate` header values (https://www.w3.org/TR/trace-context/). Pure functions.
 */

export interface TraceParent {
  /** Version as received (two lowercase hex digits). We always write `00`. */
  version: string;
  /** 32 lowercase hex digits, not all zero. */
  traceId: string;
  /** 16 lowercase hex digits, not all zero (the caller's span id). */
  parentId: string;
  /** The trace-flags byte; bit 0 is `sampled`. */
  traceFlags: number;
}

/** A traceparent plus its (validated) tracestate, as carried by events and headers. */
export interface TraceContext {
  traceparent: string;
  tracestate?: string;
}

const OWS = /^[ \t]+|[ \t]+$/g;
const V00 = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_PARENT_ID = '0'.repeat(16);
const V00_LENGTH = 55;

/**
 * Parses a `traceparent` value; `undefined` when it must be ignored. Version `00` must be
 * exactly 55 characters; a higher version (not `ff`) is parsed by its first 55 characters
 * and may carry more fields after a `-`, as the spec requires for forward compatibility.
 */
export function parseTraceparent(value: string): TraceParent | undefined {
  const trimmed = value.replace(OWS, '');
  if (trimmed.length < V00_LENGTH) return undefined;
  const version = trimmed.slice(0, 2);
  if (!/^[0-9a-f]{2}$/.test(version) || version === 'ff') return undefined;
  if (version === '00' && trimmed.length !== V00_LENGTH) return undefined;
  if (trimmed.length > V00_LENGTH && trimmed[V00_LENGTH] !== '-') return undefined;
  const match = V00.exec(trimmed.slice(0, V00_LENGTH));
  if (match === null) return undefined;
  const [, , traceId, parentId, flags] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
  ];
  if (traceId === ZERO_TRACE_ID || parentId === ZERO_PARENT_ID) return undefined;
  return { version, traceId, parentId, traceFlags: Number.parseInt(flags, 16) };
}

/** Formats a version-00 `traceparent`; `undefined` when the ids are not valid. */
export function formatTraceparent(
  tp: Pick<TraceParent, 'traceId' | 'parentId' | 'traceFlags'>,
): string | undefined {
  const flags = (tp.traceFlags & 0xff).toString(16).padStart(2, '0');
  const value = `00-${tp.traceId}-${tp.parentId}-${flags}`;
  return parseTraceparent(value) === undefined ? undefined : value;
}

const SIMPLE_KEY = /^[a-z][a-z0-9_\-*/]{0,255}$/;
const TENANT_KEY = /^[a-z0-9][a-z0-9_\-*/]{0,240}@[a-z][a-z0-9_\-*/]{0,13}$/;
const VALUE = /^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;
const MAX_MEMBERS = 32;

/**
 * Parses one or more `tracestate` header values (several headers are one list, joined
 * in order). Returns the list members, or `undefined` when the list is invalid and must
 * be discarded as a whole (bad key or value, duplicate key, more than 32 members).
 * Empty members and optional whitespace are allowed.
 */
export function parseTracestate(values: string | string[]): [string, string][] | undefined {
  const members: [string, string][] = [];
  const seen = new Set<string>();
  for (const header of Array.isArray(values) ? values : [values]) {
    for (const raw of header.split(',')) {
      const member = raw.replace(OWS, '');
      if (member === '') continue;
      const eq = member.indexOf('=');
      if (eq <= 0) return undefined;
      const key = member.slice(0, eq);
      const val = member.slice(eq + 1);
      if (!(SIMPLE_KEY.test(key) || TENANT_KEY.test(key)) || !VALUE.test(val)) return undefined;
      if (seen.has(key)) return undefined;
      seen.add(key);
      members.push([key, val]);
    }
  }
  return members.length > MAX_MEMBERS ? undefined : members;
}

/** Formats tracestate members; `undefined` for an empty list (omit the header). */
export function formatTracestate(members: [string, string][]): string | undefined {
  if (members.length === 0) return undefined;
  return members.map(([k, v]) => `${k}=${v}`).join(',');
}

/** Normalises a tracestate string; `undefined` when invalid or empty. */
export function normaliseTracestate(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  const members = parseTracestate(value);
  return members === undefined ? undefined : formatTracestate(members);
}
