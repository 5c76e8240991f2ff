import { FormatRegistry } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { TSchema } from '@sinclair/typebox';
import { isFlowtrailType, isStepType, FLOWTRAIL_TYPE_PREFIX } from './event-types.ts';
import { CommonData, DataSchemas, EnvelopeSchema, type FlowtrailEvent } from './schema.ts';

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** True when `value` is an RFC 3339 timestamp that denotes a real instant. */
export function isRfc3339(value: string): boolean {
  return RFC3339.test(value) && !Number.isNaN(Date.parse(value));
}

if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', isRfc3339);

const envelopeCheck = TypeCompiler.Compile(EnvelopeSchema);
const commonDataCheck = TypeCompiler.Compile(CommonData);
const dataChecks = new Map<string, TypeCheck<TSchema>>(
  Object.entries(DataSchemas).map(([type, schema]) => [type, TypeCompiler.Compile(schema)]),
);

export type ValidationResult =
  { ok: true; event: FlowtrailEvent } | { ok: false; errors: string[] };

function describe(check: TypeCheck<TSchema>, value: unknown, prefix: string): string[] {
  return [...check.Errors(value)].map((e) => `${prefix}${e.path || '/'}: ${e.message}`);
}

/**
 * Validates a decoded CloudEvent (structured-mode JSON object) against protocol v1.
 * Pure: returns every problem found, never throws.
 */
export function validateEvent(value: unknown): ValidationResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, errors: ['event must be a JSON object'] };
  }
  const raw = value as Record<string, unknown>;
  if (raw.specversion !== undefined && raw.specversion !== '1.0') {
    return { ok: false, errors: [`unsupported specversion ${JSON.stringify(raw.specversion)}`] };
  }
  const errors = describe(envelopeCheck, raw, '');
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
  if (raw.datacontenttype !== undefined && !/json/i.test(String(raw.datacontenttype))) {
    errors.push('/datacontenttype: data must be JSON');
  }
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
    const check = dataChecks.get(type) ?? commonDataCheck;
    errors.push(...describe(check, data, '/data'));
  }
  if (errors.length > 0) return { ok: false, errors: [...new Set(errors)] };
  return { ok: true, event: { ...raw, data } as FlowtrailEvent };
}
