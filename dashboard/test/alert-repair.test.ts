/** `repairedAutomatically`: the alerts page's count of alerts the systems repaired themselves. */
import { describe, expect, it } from 'vitest';
import { repairedAutomatically } from '@/lib/alert-repair';

const since = '2026-12-04T10:00:00.000Z';
const at = (s: number) => new Date(Date.parse(since) + s * 1000).toISOString();
const fired = { at: at(0), status: 'firing' };
const claimed = { at: at(1), status: 'firing', note: `rung 0:re-trigger @${since}: re-trigger` };
const asked = {
  at: at(1),
  status: 'firing',
  note: `rung 0:re-trigger @${since}: → resend start asked of shop (attempt 1)`,
};
const resolved = { at: at(5), status: 'resolved', note: 'recovered' };

describe('repairedAutomatically', () => {
  it('a resolved alert whose resend was asked and nobody touched', () => {
    expect(
      repairedAutomatically({ status: 'resolved', history: [fired, claimed, asked, resolved] }),
    ).toBe(true);
  });

  it('not while open, not without a resend, not when the ladder had no channel', () => {
    expect(repairedAutomatically({ status: 'firing', history: [fired, claimed, asked] })).toBe(
      false,
    );
    expect(repairedAutomatically({ status: 'resolved', history: [fired, resolved] })).toBe(false);
    const noChannel = {
      ...asked,
      note: `rung 0:re-trigger @${since}: → no command channel configured`,
    };
    expect(
      repairedAutomatically({ status: 'resolved', history: [fired, claimed, noChannel, resolved] }),
    ).toBe(false);
    expect(repairedAutomatically({ status: 'resolved' })).toBe(false);
  });

  it('not when a person acknowledged or silenced it in that episode', () => {
    const ack = { at: at(2), status: 'acknowledged', note: 'acknowledged by ann' };
    const silenced = { at: at(2), status: 'silenced', note: 'silenced until … by ann' };
    for (const touch of [ack, silenced]) {
      expect(
        repairedAutomatically({
          status: 'resolved',
          history: [fired, claimed, asked, touch, resolved],
        }),
      ).toBe(false);
    }
  });

  it('judges the last episode only', () => {
    const ack = { at: at(2), status: 'acknowledged', note: 'acknowledged by ann' };
    const returned = { at: at(10), status: 'firing', note: 'returned: …' };
    const later = { ...asked, at: at(11) };
    const end = { ...resolved, at: at(20) };
    // Acknowledged in the first episode, repaired by itself in the second.
    expect(
      repairedAutomatically({
        status: 'resolved',
        history: [fired, ack, resolved, returned, claimed, later, end],
      }),
    ).toBe(true);
    // Repaired in the first, resolved without a resend in the second.
    expect(
      repairedAutomatically({
        status: 'resolved',
        history: [fired, claimed, asked, resolved, returned, end],
      }),
    ).toBe(false);
  });
});
