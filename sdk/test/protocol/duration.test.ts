/**
 * `parseDuration`, the one duration parser of the collector (definitions, silences) and
 * the dashboard (heat map deadlines): the forms it reads, the texts it refuses, and the
 * cases where the dashboard's former parser read differently (the collector's reading
 * won, see the comment of src/protocol/duration.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/protocol/index.ts';

const ms = (text: string) => {
  const result = parseDuration(text);
  if (!result.ok) throw new Error(result.message);
  return result.ms;
};

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

describe('parseDuration', () => {
  it.each([
    ['PT5M', 300_000],
    ['PT30S', 30_000],
    ['PT0.5S', 500],
    ['PT1,5S', 1_500],
    ['PT2H', 7_200_000],
    ['P1D', 86_400_000],
    ['P1DT2H', 93_600_000],
    ['P2W', 1_209_600_000],
    ['P1W2D', 777_600_000],
    ['PT1H30M15S', 5_415_000],
    ['pt5m', 300_000],
    ['PT0S', 0],
    ['30s', 30_000],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1w', 604_800_000],
    ['250ms', 250],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    [' 5m ', 300_000],
    ['5M', 300_000],
  ])('%s is %d ms', (text, expected) => {
    expect(ms(text)).toBe(expected);
  });

  it.each([
    '',
    '   ',
    'P',
    'PT',
    'P1DT',
    '5',
    'm',
    '5 minutes',
    '5x',
    '-5m',
    'PT5',
    '5m garbage',
    'P5H',
    '1h 30m',
    'PT-5M',
  ])('rejects %j', (text) => {
    const result = parseDuration(text);
    expect(result.ok).toBe(false);
  });

  it('rejects years and months with a reason', () => {
    const result = parseDuration('P1M');
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/years and months/) });
    expect(parseDuration('P1Y').ok).toBe(false);
    expect(parseDuration('P1Y2M3D').ok).toBe(false);
  });

  it('says what is expected', () => {
    expect(parseDuration('5 minutes')).toEqual({
      ok: false,
      message: expect.stringContaining('"5 minutes" is not a duration'),
    });
    expect(parseDuration('  ')).toEqual({ ok: false, message: 'empty duration' });
  });

  // The dashboard's heat map read deadlines with a parser of its own; these are the texts
  // where it answered differently. The collector accepts them in definitions, so the
  // dashboard now reads them the same way.
  it.each([
    ['PT1,5S', 1_500, 'a decimal comma (ISO-8601 allows it)'],
    ['5M', 5 * MINUTE, 'an upper-case short form, minutes'],
    ['2H', 2 * HOUR, 'an upper-case short form, hours'],
    ['1.5H', 90 * MINUTE, 'an upper-case decimal short form'],
    ['250MS', 250, 'upper-case milliseconds'],
    ['0.0005s', 1, 'fractional milliseconds, rounded'],
    ['PT0.0004S', 0, 'fractional milliseconds, rounded down'],
  ])('reads %j as %d ms (%s)', (text, expected) => {
    expect(ms(text)).toBe(expected);
  });

  it('reads the short form and ISO form of the same seconds alike', () => {
    fc.assert(
      fc.property(fc.nat({ max: 10_000_000 }), (seconds) => {
        expect(ms(`${seconds}s`)).toBe(seconds * 1000);
        expect(ms(`PT${seconds}S`)).toBe(seconds * 1000);
      }),
    );
  });

  it('adds the parts of a compound duration', () => {
    fc.assert(
      fc.property(fc.nat({ max: 99 }), fc.nat({ max: 99 }), fc.nat({ max: 99 }), (d, h, m) => {
        expect(ms(`${d}d${h}h${m}m`)).toBe(ms(`P${d}DT${h}H${m}M`));
        expect(ms(`P${d}DT${h}H${m}M`)).toBe(((d * 24 + h) * 60 + m) * 60_000);
      }),
    );
  });

  // Format → parse: any duration written out in either form, in any case and with
  // surrounding whitespace, reads back as the milliseconds it was written from.
  const parts = fc.record({
    w: fc.nat({ max: 52 }),
    d: fc.nat({ max: 6 }),
    h: fc.nat({ max: 23 }),
    m: fc.nat({ max: 59 }),
    s: fc.nat({ max: 59 }),
    ms: fc.nat({ max: 999 }),
  });
  type Parts = typeof parts extends fc.Arbitrary<infer T> ? T : never;
  const total = (p: Parts) => p.w * WEEK + p.d * DAY + p.h * HOUR + p.m * MINUTE + p.s * SECOND;

  /** Short form: the non-zero parts in order (`1w2d3h`), `0s` when all are zero. */
  const short = (p: Parts) => {
    const text = (['w', 'd', 'h', 'm', 's', 'ms'] as const)
      .filter((unit) => p[unit] > 0)
      .map((unit) => `${p[unit]}${unit}`)
      .join('');
    return text === '' ? '0s' : text;
  };
  /** ISO-8601: `P1W2DT3H4M5.006S`, each part only when non-zero, `PT0S` for zero. */
  const iso = (p: Parts) => {
    const seconds = p.s + p.ms / 1000;
    const date = `${p.w > 0 ? `${p.w}W` : ''}${p.d > 0 ? `${p.d}D` : ''}`;
    const time = `${p.h > 0 ? `${p.h}H` : ''}${p.m > 0 ? `${p.m}M` : ''}${seconds > 0 ? `${seconds}S` : ''}`;
    if (date === '' && time === '') return 'PT0S';
    return `P${date}${time === '' ? '' : `T${time}`}`;
  };
  const dressed = fc.record({
    upper: fc.boolean(),
    before: fc.constantFrom('', ' ', '\t', '  '),
    after: fc.constantFrom('', ' ', '\n'),
  });
  const dress = (text: string, how: { upper: boolean; before: string; after: string }) =>
    `${how.before}${how.upper ? text.toUpperCase() : text.toLowerCase()}${how.after}`;

  it('reads back any duration written in the short form', () => {
    fc.assert(
      fc.property(parts, dressed, (p, how) => {
        expect(ms(dress(short(p), how))).toBe(total(p) + p.ms);
      }),
    );
  });

  it('reads back any duration written in ISO-8601', () => {
    fc.assert(
      fc.property(parts, dressed, (p, how) => {
        expect(ms(dress(iso(p), how))).toBe(total(p) + p.ms);
      }),
    );
  });

  it('never throws, and a duration is a whole number of milliseconds ≥ 0', () => {
    const alphabet = fc.constantFrom(...'0123456789.,PTYMWDHSpms hdw-x'.split(''));
    fc.assert(
      fc.property(fc.string({ unit: alphabet, maxLength: 16 }), (text) => {
        const result = parseDuration(text);
        if (result.ok) {
          expect(Number.isInteger(result.ms)).toBe(true);
          expect(result.ms).toBeGreaterThanOrEqual(0);
        } else {
          expect(result.message).not.toBe('');
        }
      }),
    );
  });
});
