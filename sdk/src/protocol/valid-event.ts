/**
 * `isValidEvent`: a hand-written yes/no answer to "would `eventErrors` (validate.ts) accept
 * this value?", for the SDK's delivery path, where every event is checked once and almost
 * every one is valid (issue 11: there `eventErrors` — the TypeBox envelope check, the
 * attribute-name regex per key, the generic integrity walk — cost ≈ 0.7–1 µs per event,
 * this ≈ 0.3 µs).
 *
 * Contract: `true` only when `eventErrors(value)` is `undefined`. `false` means "not
 * confirmed", and the caller asks `eventErrors`, which gives the reasons: so what is
 * accepted, what is rejected and every error message stay exactly those of validate.ts,
 * the reference. sdk/test/protocol/valid-event.test.ts checks the two agree on arbitrary
 * and hostile input. Exotic objects the reference reads differently (a prototype other than
 * Object.prototype or null, whose inherited properties TypeBox sees) are never confirmed.
 *
 * The envelope (its attributes read by name, then one pass over its own property names) is
 * checked here by hand; `data` goes through the same compiled TypeBox checks as validate.ts
 * (cheap on a small object) and the same integrity walk (depth, lone surrogates).
 */
import { FormatRegistry, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { FLOWTRAIL_TYPE_PREFIX, isFlowtrailType, isStepType } from './event-types.ts';
import { findIntegrityProblem, isWellFormedText } from './integrity.ts';
import { CommonData, DataSchemas } from './schema.ts';
import './validate.ts'; // registers the `date-time` format the checks below look up

const commonDataCheck = TypeCompiler.Compile(CommonData);
const dataChecks = new Map<string, TypeCheck<TSchema>>(
  Object.entries(DataSchemas).map(([type, schema]) => [type, TypeCompiler.Compile(schema)]),
);

/** CloudEvents attribute names: `/^[a-z0-9]+$/`, without the regex. */
function isAttributeName(name: string): boolean {
  if (name.length === 0) return false;
  for (let i = 0; i < name.length; i += 1) {
    const c = name.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57))) return false;
  }
  return true;
}

/** The envelope's `type: 'string', minLength: 1`, and well-formed (integrity.ts). */
function isNonEmptyText(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && isWellFormedText(value);
}

/** An optional string attribute (`undefined` passes, as TypeBox's optional does). */
function isOptionalText(value: unknown): boolean {
  return value === undefined || (typeof value === 'string' && isWellFormedText(value));
}

/** An optional non-empty string attribute. */
function isOptionalNonEmpty(value: unknown): boolean {
  return value === undefined || isNonEmptyText(value);
}

/** validate.ts: `datacontenttype`, when set, is a string that names JSON. */
function isJsonContentType(value: unknown): boolean {
  if (value === undefined || value === 'application/json') return true; // the SDK's own
  return typeof value === 'string' && isWellFormedText(value) && /json/i.test(value);
}

/** The `date-time` format as TypeBox applies it: the registered function, or no match. */
function isDateTime(value: unknown): boolean {
  if (typeof value !== 'string' || !isWellFormedText(value)) return false;
  const format = FormatRegistry.Get('date-time');
  return format !== undefined && format(value);
}

/** An extension attribute's value (schema.ts `ExtensionValue`). */
function isExtensionValue(value: unknown): boolean {
  if (typeof value === 'string') return isWellFormedText(value);
  return typeof value === 'boolean' || Number.isFinite(value);
}

/** Whether `name` is one of the envelope's own attributes (schema.ts `EnvelopeSchema`). */
function isEnvelopeName(name: string): boolean {
  // A switch on constant strings is a few pointer compares; a Set lookup hashes the name.
  switch (name) {
    case 'specversion':
    case 'id':
    case 'source':
    case 'type':
    case 'time':
    case 'datacontenttype':
    case 'dataschema':
    case 'subject':
    case 'ftprocess':
    case 'ftinstance':
    case 'ftstep':
    case 'ftowner':
    case 'ftcausation':
    case 'traceparent':
    case 'tracestate':
    case 'data':
      return true;
    default:
      return false;
  }
}

/**
 * True only when `eventErrors(value)` would find nothing wrong (see the file comment);
 * false when it would, or when this check is not sure. Never throws for plain data.
 */
export function isValidEvent(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  // The envelope's attributes read by name, as the compiled TypeBox check reads them.
  const raw = value as Record<string, unknown>;
  const type = raw.type;
  if (
    raw.specversion !== '1.0' ||
    !isNonEmptyText(raw.id) ||
    !isNonEmptyText(raw.source) ||
    !isNonEmptyText(type) ||
    !isDateTime(raw.time) ||
    !isNonEmptyText(raw.ftprocess) ||
    !isNonEmptyText(raw.ftinstance) ||
    !isOptionalNonEmpty(raw.ftstep) ||
    !isOptionalNonEmpty(raw.ftowner) ||
    !isOptionalNonEmpty(raw.ftcausation) ||
    !isJsonContentType(raw.datacontenttype) ||
    !isOptionalText(raw.dataschema) ||
    !isOptionalText(raw.subject) ||
    !isOptionalText(raw.traceparent) ||
    !isOptionalText(raw.tracestate)
  ) {
    return false;
  }
  if (type.startsWith(FLOWTRAIL_TYPE_PREFIX) && !isFlowtrailType(type)) return false;
  if (isStepType(type) && raw.ftstep === undefined) return false;
  const data = raw.data === undefined ? {} : raw.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return false;
  // Every other own name (non-enumerable ones too, as TypeBox's additionalProperties check
  // walks them) must be an attribute name with an extension value. The name and
  // well-formedness rules (validate.ts applies them to enumerable keys) are applied to all
  // own names: stricter, so never a wrong "valid".
  const names = Object.getOwnPropertyNames(raw);
  for (let i = 0; i < names.length; i += 1) {
    const name = names[i] as string;
    if (isEnvelopeName(name)) continue;
    if (!isAttributeName(name) || !isExtensionValue(raw[name])) return false;
  }
  // The integrity walk of `data` at its level in the event (2: the wrapper is level 1),
  // so its depth limit is the one validate.ts applies to the whole event.
  if (findIntegrityProblem({ data }) !== undefined) return false;
  return (dataChecks.get(type) ?? commonDataCheck).Check(data);
}
