/**
 * Reading and writing header carriers: Kafka message headers (kafkajs `IHeaders`:
 * values are `Buffer | string | array`), Node HTTP headers (`IncomingHttpHeaders`) and
 * fetch-style `Headers` objects (with `get`/`set`). Header names are case-insensitive.
 */

export type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;

/** A plain object of headers, or anything with `get(name)` (fetch `Headers`). */
export type HeaderCarrier =
  Record<string, HeaderValue> | { get(name: string): string | null | undefined };

function toText(value: Buffer | string): string {
  return typeof value === 'string' ? value : value.toString('utf8');
}

function isGetter(
  carrier: HeaderCarrier,
): carrier is { get(name: string): string | null | undefined } {
  return typeof (carrier as { get?: unknown }).get === 'function';
}

/**
 * Every value of header `name` (case-insensitive), in order. Arrays and repeated keys
 * differing only in case contribute several values.
 */
export function headerValues(carrier: HeaderCarrier | undefined, name: string): string[] {
  if (carrier === undefined || carrier === null) return [];
  if (isGetter(carrier)) {
    const value = carrier.get(name);
    return value === null || value === undefined ? [] : [value];
  }
  const lower = name.toLowerCase();
  const values: string[] = [];
  for (const [key, value] of Object.entries(carrier)) {
    if (key.toLowerCase() !== lower || value === undefined) continue;
    if (Array.isArray(value)) values.push(...value.map(toText));
    else values.push(toText(value));
  }
  return values;
}

/** The single value of header `name`; `undefined` when absent or repeated. */
export function singleHeader(carrier: HeaderCarrier | undefined, name: string): string | undefined {
  const values = headerValues(carrier, name);
  return values.length === 1 ? values[0] : undefined;
}
