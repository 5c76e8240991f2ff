/**
 * Which case attributes are business keys. Pure. By default the names that look like
 * keys: a final `id`, `key`, `number`, `nr` or `no` as its own word (`order id`,
 * `order_id`, `customer-key`, `invoice:number`) or camel-cased (`orderId`,
 * `invoiceNumber`, `customerNo`). Values must be strings or numbers.
 */
import type { Attributes } from './imported-case.ts';

const SEPARATED = /(^|[\s_:.-])(id|key|number|nr|no)$/i;
const CAMEL = /[a-z0-9](Id|ID|Key|Number|Nr|No)$/;

export function looksLikeKey(name: string): boolean {
  return SEPARATED.test(name) || CAMEL.test(name);
}

/** `caseId` plus the key attributes of a case (`names`, else those that look like keys). */
export function businessKeysOf(
  caseId: string,
  attributes: Attributes,
  names?: readonly string[],
): Record<string, string> {
  const keys: Record<string, string> = { caseId };
  for (const [name, value] of Object.entries(attributes)) {
    const wanted = names === undefined ? looksLikeKey(name) : names.includes(name);
    if (wanted && (typeof value === 'string' || typeof value === 'number') && value !== '') {
      keys[name] = String(value);
    }
  }
  return keys;
}
