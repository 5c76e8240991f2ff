/** `formatDuration`, the collector's short human form (the parser's cases are the SDK's). */
import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../src/domain/definitions/format-duration.ts';

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
