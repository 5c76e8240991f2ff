import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/domain/definitions/duration.ts';

const ms = (text: string) => {
  const result = parseDuration(text);
  if (!result.ok) throw new Error(result.message);
  return result.ms;
};

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

  it.each(['', 'P', 'PT', 'P1DT', '5', 'm', '5 minutes', '5x', '-5m', 'PT5', '5m garbage', 'P5H'])(
    'rejects %j',
    (text) => {
      const result = parseDuration(text);
      expect(result.ok).toBe(false);
    },
  );

  it('rejects years and months with a reason', () => {
    const result = parseDuration('P1M');
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/years and months/) });
    expect(parseDuration('P1Y').ok).toBe(false);
  });

  it('says what is expected', () => {
    expect(parseDuration('5 minutes')).toEqual({
      ok: false,
      message: expect.stringContaining('"5 minutes" is not a duration'),
    });
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
});

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [45_900, '45 s'],
    [720_000, '12 min'],
    [3_600_000, '1 h'],
    [11_100_000, '3 h 5 min'],
    [187_200_000, '2 d 4 h'],
  ])('%d ms is %s', (value, text) => {
    expect(formatDuration(value)).toBe(text);
  });
});
