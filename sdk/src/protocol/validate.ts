import { FormatRegistry } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { TSchema } from '@sinclair/typebox';
import { isFlowtrailType, isStepType, FLOWTRAIL_TYPE_PREFIX } from './event-types.ts';
import { describeValue, findIntegrityProblem } from './integrity.ts';
import { CommonData, DataSchemas, EnvelopeSchema, type FlowtrailEvent } from './schema.ts';

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * True when `value` is an RFC 3339 timestamp that denotes a real instant. Every field is
 * range-checked (day against month and leap year, hour ≤ 23, minute ≤ 59, second ≤ 60,
 * offset ≤ 23:59), because `Date.parse` rolls impossible dates over (`02-30` becomes
 * `03-02`, `24:00` the next day). `Date.parse` must still succeed: the pipeline computes
 * with it (e.g. `domain/instance/`), and V8 refuses a leap second (`:60`), so that stays
 * rejected rather than becoming a NaN time.
 */
export function isRfc3339(value: string): boolean {
  if (value === lastRfc3339) return true; // events of one batch mostly share their time
  const ok = checkRfc3339(value);
  if (ok) lastRfc3339 = value;
  return ok;
}

/** The last string `isRfc3339` accepted (a pure function: safe to remember). */
let lastRfc3339: string | undefined;

function checkRfc3339(value: string): boolean {
  const m = RFC3339.exec(value);
  if (m === null) return false;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = m
    .slice(1, 7)
    .map(Number);
  const ok =
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 60 &&
    (m[8] === undefined || (Number(m[8]) <= 23 && Number(m[9]) <= 59));
  return ok && !Number.isNaN(Date.parse(value));
}

/** CloudEvents 1.0: attribute names consist of lower-case letters a–z and digits 0–9. */
const ATTRIBUTE_NAME = /^[a-z0-9]+$/;

/** At most this many problems are reported per event, so huge inputs give small reports. */
export const MAX_REPORTED_ERRORS = 100;

if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', isRfc3339);

const envelopeCheck = TypeCompiler.Compile(EnvelopeSchema);
const commonDataCheck = TypeCompiler.Compile(CommonData);
const dataChecks = new Map<string, TypeCheck<TSchema>>(
  Object.entries(DataSchemas).map(([type, schema]) => [type, TypeCompiler.Compile(schema)]),
);

export type ValidationResult =
  { ok: true; event: FlowtrailEvent } | { ok: false; errors: string[] };

/** Adds the schema errors of `value` to `errors`, up to `MAX_REPORTED_ERRORS` in all. */
function describe(
  check: TypeCheck<TSchema>,
  value: unknown,
  prefix: string,
  errors: string[],
): void {
  if (errors.length >= MAX_REPORTED_ERRORS) return;
  // The compiled check is fast; the error iterator walks the value again, slowly, and
  // yields nothing for a valid one: only asked when the check fails.
  if (check.Check(value)) return;
  for (const e of check.Errors(value)) {
    errors.push(`${prefix}${e.path || '/'}: ${e.message}`);
    if (errors.length >= MAX_REPORTED_ERRORS) return;
  }
}

/** Attribute names outside CloudEvents' a–z and 0–9 (`""`, `Ext-Upper`, `__proto__`). */
function attributeNameErrors(raw: Record<string, unknown>, errors: string[]): void {
  for (const name of Object.keys(raw)) {
    if (errors.length >= MAX_REPORTED_ERRORS) return;
    if (!ATTRIBUTE_NAME.test(name)) {
      errors.push(
        `attribute name ${describeValue(name)}: must be lower-case letters a-z and digits 0-9`,
      );
    }
  }
}

/**
 * Validates a decoded CloudEvent (structured-mode JSON object) against protocol v1:
 * the integrity checks of integrity.ts (depth, lone surrogates; the first problem only),
 * then the schema, attribute names and the rules below (at most `MAX_REPORTED_ERRORS`).
 * Pure, never throws.
 */
export function validateEvent(value: unknown): ValidationResult {
  const errors = eventErrors(value);
  if (errors !== undefined) return { ok: false, errors };
  const raw = value as Record<string, unknown>;
  return { ok: true, event: { ...raw, data: raw.data ?? {} } as FlowtrailEvent };
}

/**
 * What `validateEvent` finds wrong with `value`, or `undefined` when it is a valid event —
 * without the copy `validateEvent` returns (for a producer checking its own events, whose
 * `data` is always set). Pure, never throws.
 */
export function eventErrors(value: unknown): string[] | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return ['event must be a JSON object'];
  }
  const raw = value as Record<string, unknown>;
  if (raw.specversion !== undefined && raw.specversion !== '1.0') {
    return [`unsupported specversion ${describeValue(raw.specversion)}`];
  }
  // The decoder (codec.ts) runs this first to give the reason; repeated here so a producer
  // validating its own events (sdk/src/flowtrail.ts) refuses the same events.
  const problem = findIntegrityProblem(raw);
  if (problem !== undefined) return [problem.error];
  const errors: string[] = [];
  attributeNameErrors(raw, errors);
  describe(envelopeCheck, raw, '', errors);
  const type = typeof raw.type === 'string' ? raw.type : '';
  const data = raw.data ?? {};
  if (type.startsWith(FLOWTRAIL_TYPE_PREFIX) && !isFlowtrailType(type)) {
    errors.push(`/type: unknown Flowtrail event type ${JSON.stringify(type)}`);
  }
  if (typeof raw.ftprocess !== 'string' || typeof raw.ftinstance !== 'string') {
    errors.push(
      '/ftprocess, /ftinstance: required, so the event can be attached to its process instance',
    );
  }
  if (isStepType(type) && typeof raw.ftstep !== 'string') {
    errors.push('/ftstep: required for step events');
  }
  const contentType = raw.datacontenttype;
  if (
    contentType !== undefined &&
    !(typeof contentType === 'string' && /json/i.test(contentType))
  ) {
    errors.push('/datacontenttype: data must be JSON');
  }
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
    const check = dataChecks.get(type) ?? commonDataCheck;
    describe(check, data, '/data', errors);
  }
  return errors.length > 0 ? [...new Set(errors)] : undefined;
}
