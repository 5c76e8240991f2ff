import { describe, expect, it } from 'vitest';
import { parseTimestamp } from '../../src/tools/eventlog/index.ts';

describe('parseTimestamp', () => {
  it.each([
    ['2011-10-11T13:45:40.276+02:00', '2011-10-11T13:45:40.276+02:00'],
    ['2011-10-11 13:45:40.276', '2011-10-11T13:45:40.276Z'],
    ['2010-12-30 14:32:00+01:00', '2010-12-30T14:32:00+01:00'],
    ['2010-12-30T14:32:00.123456Z', '2010-12-30T14:32:00.123Z'],
    ['2010-12-30 14:32', '2010-12-30T14:32:00Z'],
    ['2010-12-30', '2010-12-30T00:00:00Z'],
    ['2010/12/30 14:32:00 +0100', '2010-12-30T14:32:00+01:00'],
    ['2010-12-30T14:32:00.5-05', '2010-12-30T14:32:00.500-05:00'],
  ])('%s → %s', (raw, expected) => {
    expect(parseTimestamp(raw)).toBe(expected);
  });

  it('gives timestamps without offset the default offset', () => {
    expect(parseTimestamp('2011-10-11 13:45:40', '+02:00')).toBe('2011-10-11T13:45:40+02:00');
  });

  it.each([
    '',
    'yesterday',
    '30-12-2010 14:32',
    '2010-02-30 10:00',
    '2010-13-01',
    '2010-12-30 25:00',
    '1293716000',
  ])('rejects %j', (raw) => {
    expect(parseTimestamp(raw)).toBeUndefined();
  });
});
