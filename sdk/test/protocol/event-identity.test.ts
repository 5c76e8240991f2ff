/**
 * Event identity (event-identity.ts): (source, id) as one string, injective for every
 * pair of strings — separators, quotes and lone surrogates included — total and pure.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventIdentity } from '../../src/protocol/index.ts';

/** Any UTF-16 text, lone surrogates and the characters a separator could use included. */
const text = fc.string({
  unit: fc.oneof(
    fc.constantFrom('/', '"', '\\', ',', '[', ']', '\u0000', '\ud800', '\udfff', 'a'),
    fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
  ),
  maxLength: 12,
});
const pair = fc.record({ source: text, id: text });

describe('eventIdentity', () => {
  it('is equal exactly when source and id are equal', () => {
    fc.assert(
      fc.property(pair, pair, (a, b) => {
        const same = a.source === b.source && a.id === b.id;
        expect(eventIdentity(a) === eventIdentity(b)).toBe(same);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps pairs apart that one joined string would merge', () => {
    fc.assert(
      fc.property(text, text, text, (x, y, z) => {
        const left = eventIdentity({ source: `${x}/${y}`, id: z });
        expect(left).not.toBe(eventIdentity({ source: x, id: `${y}/${z}` }));
      }),
    );
    expect(eventIdentity({ source: 'a/b', id: 'c' })).not.toBe(
      eventIdentity({ source: 'a', id: 'b/c' }),
    );
  });

  it('depends on source and id only, is deterministic and never throws', () => {
    fc.assert(
      fc.property(pair, fc.jsonValue(), (ref, extra) => {
        const identity = eventIdentity(ref);
        expect(eventIdentity({ ...ref, data: extra } as typeof ref)).toBe(identity);
        expect(eventIdentity({ id: ref.id, source: ref.source })).toBe(identity);
        // Well-formed text (lone surrogates escaped), so its UTF-8 bytes are injective too.
        expect(Buffer.from(identity, 'utf8').toString('utf8')).toBe(identity);
      }),
    );
  });

  it('names the same id from two sources as two events', () => {
    expect(eventIdentity({ source: 'shop', id: 'e-1' })).not.toBe(
      eventIdentity({ source: 'billing', id: 'e-1' }),
    );
    expect(eventIdentity({ source: 'shop', id: 'e-1' })).toBe('["shop","e-1"]');
  });
});
