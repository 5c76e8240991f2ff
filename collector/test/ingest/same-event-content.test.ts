/**
 * "Same content" of two copies of one event identity (domain/instance/same-event-content.ts):
 * equal as JSON whatever the key order, different as soon as any member differs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sameEventContent } from '../../src/domain/instance/same-event-content.ts';

/** The same JSON value with every object's keys in another order. */
function reordered(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((item, i) => reordered(item, seed + i));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  const rotated = keys.map((_, i) => keys[(i + seed) % keys.length] as string).reverse();
  const out: Record<string, unknown> = {};
  for (const key of rotated) {
    Object.defineProperty(out, key, {
      value: reordered((value as Record<string, unknown>)[key], seed + 1),
      enumerable: true,
    });
  }
  return out;
}

const event = fc.record({
  specversion: fc.constant('1.0'),
  id: fc.string({ maxLength: 6 }),
  source: fc.string({ maxLength: 6 }),
  type: fc.string({ maxLength: 6 }),
  time: fc.constantFrom('2024-05-01T10:00:00Z', '2024-05-01T12:00:00+02:00'),
  ftprocess: fc.string({ maxLength: 4 }),
  ftinstance: fc.string({ maxLength: 4 }),
  data: fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 3 })),
});

describe('sameEventContent', () => {
  it('is reflexive, symmetric and blind to key order and a JSON round trip', () => {
    fc.assert(
      fc.property(event, fc.nat(), (e, seed) => {
        const copy = reordered(e, seed);
        expect(sameEventContent(e, e)).toBe(true);
        expect(sameEventContent(e, copy)).toBe(true);
        expect(sameEventContent(copy, e)).toBe(true);
        expect(sameEventContent(e, JSON.parse(JSON.stringify(e)))).toBe(true);
      }),
    );
  });

  it('sees any changed, added or removed member, in data too', () => {
    fc.assert(
      fc.property(
        event,
        fc.constantFrom('type', 'time', 'ftinstance', 'data'),
        fc.jsonValue({ maxDepth: 2 }),
        (e, field, value) => {
          const changed = { ...e, [field]: value };
          fc.pre(JSON.stringify(value) !== JSON.stringify(e[field]));
          expect(sameEventContent(e, changed)).toBe(false);
          expect(sameEventContent(changed, e)).toBe(false);
          expect(sameEventContent(e, { ...e, ftstep: 'extra' })).toBe(false);
          expect(sameEventContent(e, { ...e, data: { ...e.data, added: value } })).toBe(false);
        },
      ),
    );
  });

  it('agrees with comparing canonical copies: equal exactly when equal as JSON', () => {
    fc.assert(
      fc.property(event, event, (a, b) => {
        const asJson = (v: unknown) => JSON.stringify(reordered(v, 0));
        expect(sameEventContent(a, b)).toBe(asJson(a) === asJson(b));
      }),
    );
  });
});
