/**
 * Canonical JSON: object keys sorted, `undefined` members dropped (as JSON.stringify
 * does). Two values that are equal as JSON give the same string, whatever their key
 * order, so it is a deterministic tie-breaker between different copies of one event.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalise(value)) ?? 'null';
}

function normalise(value: unknown): unknown {
  if (Array.isArray(value))
    return value.map((item) => (item === undefined ? null : normalise(item)));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined)
      Object.defineProperty(out, key, { value: normalise(member), enumerable: true });
  }
  return out;
}
