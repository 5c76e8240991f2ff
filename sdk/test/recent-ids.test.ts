/**
 * `RecentIds`, the bounded id set of the SDK's command dedupe (read with `touch`) and of
 * the collector's acknowledged command ids (read with `has`): the cases of both former
 * implementations, and a model check against a plain list.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecentIds } from '../src/index.ts';

describe('RecentIds', () => {
  it('keeps the newest ids up to its capacity (collector: acknowledged ids)', () => {
    const recent = new RecentIds(2);
    recent.add('a');
    recent.add('b');
    recent.add('a'); // newest again
    recent.add('c'); // evicts b
    expect([recent.has('a'), recent.has('b'), recent.has('c'), recent.size]).toEqual([
      true,
      false,
      true,
      2,
    ]);
    expect(() => new RecentIds(0)).toThrow(RangeError);
    expect(() => new RecentIds(1.5)).toThrow(RangeError);
  });

  it('evicts the least recently used id when read with touch (SDK: command dedupe)', () => {
    const ids = new RecentIds(2);
    ids.add('a');
    ids.add('b');
    expect(ids.touch('a')).toBe(true); // a is now the most recent
    ids.add('c');
    expect(ids.touch('b')).toBe(false);
    expect(ids.touch('a')).toBe(true);
    expect(ids.touch('c')).toBe(true);
    expect(ids.size).toBe(2);
  });

  it('does not make an id newer on has, nor remember one on touch', () => {
    const ids = new RecentIds(2);
    ids.add('a');
    ids.add('b');
    expect(ids.has('a')).toBe(true);
    ids.add('c'); // a is still the oldest
    expect([ids.has('a'), ids.has('b'), ids.has('c')]).toEqual([false, true, true]);
    expect(ids.touch('x')).toBe(false);
    expect(ids.has('x')).toBe(false);
  });

  it('behaves like a list of the last `capacity` distinct ids used', () => {
    const op = fc.record({
      kind: fc.constantFrom('add', 'has', 'touch'),
      id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
    });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(op, { maxLength: 40 }), (cap, ops) => {
        const ids = new RecentIds(cap);
        let model: string[] = []; // oldest first
        const use = (id: string) => {
          model = [...model.filter((m) => m !== id), id].slice(-cap);
        };
        for (const { kind, id } of ops) {
          const known = model.includes(id);
          if (kind === 'add') ids.add(id);
          else expect(kind === 'has' ? ids.has(id) : ids.touch(id)).toBe(known);
          if (kind === 'add' || (kind === 'touch' && known)) use(id);
          expect(ids.size).toBe(model.length);
          expect(ids.size).toBeLessThanOrEqual(cap);
        }
      }),
    );
  });
});
