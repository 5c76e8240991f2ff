/** The kind of an attribute value, shared by the XES and OCEL writers. Pure. */
import { isRfc3339 } from '@flowtrail/sdk/protocol';

export type AttributeKind = 'string' | 'integer' | 'float' | 'boolean' | 'time';

/**
 * Numbers are `integer` or `float`, booleans `boolean`, RFC 3339 strings `time` (XES
 * `date` values are imported as such strings), other strings `string`; objects and arrays
 * are not scalar (`undefined`) and are written as JSON strings.
 */
export function kindOf(value: unknown): AttributeKind | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'float';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return isRfc3339(value) ? 'time' : 'string';
  return undefined;
}

/** The kind that can hold values of both kinds (`integer` + `float` → `float`, else `string`). */
export function widenKind(a: AttributeKind, b: AttributeKind): AttributeKind {
  if (a === b) return a;
  if ((a === 'integer' && b === 'float') || (a === 'float' && b === 'integer')) return 'float';
  return 'string';
}

/** A scalar for `value`: itself when scalar, else its JSON text. */
export function scalarOf(value: unknown): string | number | boolean {
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') {
    return value;
  }
  return JSON.stringify(value) ?? String(value);
}
