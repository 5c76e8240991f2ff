import { describe, expect, it } from 'vitest';
import { changePage, changeArgumentProblem } from '../../src/ports/change-feed.ts';
import {
  missedChange,
  nextChange,
  parseWatermarkId,
  watermarkId,
} from '../../src/app/live/watermark.ts';

const page = (seq: number, keys: string[] = [], truncated = false) => ({ seq, keys, truncated });

describe('nextChange', () => {
  it('is undefined while neither number moved', () => {
    expect(nextChange({ events: 4, alerts: 2 }, page(4), page(2), 100)).toBeUndefined();
  });

  it('lists the changed instances of both feeds, each once, states first', () => {
    expect(
      nextChange({ events: 4, alerts: 2 }, page(6, ['a', 'b']), page(3, ['b', 'c']), 100),
    ).toEqual({ events: 6, alerts: 3, instances: ['a', 'b', 'c'], truncated: false });
    expect(nextChange({ events: 4, alerts: 2 }, page(4), page(3, ['c']), 100)).toEqual({
      events: 4,
      alerts: 3,
      instances: ['c'],
      truncated: false,
    });
  });

  it('caps the list and says so, also when a feed was cut short', () => {
    expect(nextChange({ events: 0, alerts: 0 }, page(3, ['a', 'b', 'c']), page(0), 2)).toEqual({
      events: 3,
      alerts: 0,
      instances: ['a', 'b'],
      truncated: true,
    });
    expect(nextChange({ events: 0, alerts: 0 }, page(9, ['a'], true), page(0), 2)).toMatchObject({
      instances: ['a'],
      truncated: true,
    });
    expect(nextChange({ events: 0, alerts: 0 }, page(0), page(1, [], true), 2)).toMatchObject({
      truncated: true,
    });
  });

  it('reports a store that went back (wiped) as a change without keys', () => {
    expect(nextChange({ events: 10, alerts: 5 }, page(2, ['x']), page(5), 100)).toEqual({
      events: 2,
      alerts: 5,
      instances: [],
      truncated: true,
    });
    expect(nextChange({ events: 10, alerts: 5 }, page(11, ['x']), page(0), 100)).toMatchObject({
      instances: [],
      truncated: true,
    });
  });
});

describe('watermark ids', () => {
  it('round-trips', () => {
    expect(watermarkId({ events: 12, alerts: 0 })).toBe('12-0');
    expect(parseWatermarkId('12-0')).toEqual({ events: 12, alerts: 0 });
    expect(parseWatermarkId(' 7-3 ')).toEqual({ events: 7, alerts: 3 });
  });

  it('refuses anything else', () => {
    for (const id of [undefined, '', '12', '1-2-3', '-1-2', 'a-b', '1.5-2', '9999999999999999-1']) {
      expect(parseWatermarkId(id), String(id)).toBeUndefined();
    }
  });

  it('tells a reconnecting client that missed changes, and nobody else', () => {
    const now = { events: 5, alerts: 1 };
    expect(missedChange(undefined, now)).toBeUndefined();
    expect(missedChange({ events: 5, alerts: 1 }, now)).toBeUndefined();
    expect(missedChange({ events: 4, alerts: 1 }, now)).toEqual({
      ...now,
      instances: [],
      truncated: true,
    });
  });
});

describe('change pages (storage/change-feed.ts)', () => {
  it('keeps distinct keys in order, at most `limit`', () => {
    expect(changePage(7, ['a', 'b', 'a', 'c'], 10, false)).toEqual({
      seq: 7,
      keys: ['a', 'b', 'c'],
      truncated: false,
    });
    expect(changePage(7, ['a', 'a', 'b', 'c'], 2, false)).toEqual({
      seq: 7,
      keys: ['a', 'b'],
      truncated: true,
    });
    expect(changePage(7, ['a', 'a'], 1, false)).toEqual({ seq: 7, keys: ['a'], truncated: false });
    expect(changePage(7, [], 0, true)).toEqual({ seq: 7, keys: [], truncated: true });
  });

  it('checks the arguments of a change read', () => {
    expect(changeArgumentProblem(undefined, 0)).toBeUndefined();
    expect(changeArgumentProblem(3, 1000)).toBeUndefined();
    expect(changeArgumentProblem(3, 1001)).toMatch(/limit/);
    expect(changeArgumentProblem(3, -1)).toMatch(/limit/);
    expect(changeArgumentProblem(-1, 5)).toMatch(/after/);
    expect(changeArgumentProblem(1.5, 5)).toMatch(/after/);
  });
});
