import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  defaultLadder,
  dueRungs,
  ladderOf,
  nextRungAt,
  rungId,
} from '../../src/domain/escalation/ladder.ts';

const since = '2026-11-22T10:00:00.000Z';
const plus = (ms: number) => new Date(Date.parse(since) + ms).toISOString();

describe('escalation ladder', () => {
  const ladder = ladderOf(
    [
      { action: 're-trigger', after: '0s' },
      { action: 'notify-owner', after: '5m' },
      { action: 'escalate', after: '30m', to: 'team-ops' },
      { action: 'fail', after: '2h' },
    ],
    'stuck',
  );

  it('takes each rung once, after its own delay', () => {
    expect(dueRungs(ladder, since, new Set(), plus(0)).map((d) => d.id)).toEqual(['0:re-trigger']);
    expect(dueRungs(ladder, since, new Set(['0:re-trigger']), plus(299_999))).toEqual([]);
    expect(dueRungs(ladder, since, new Set(['0:re-trigger']), plus(300_000))).toEqual([
      {
        id: '1:notify-owner',
        rung: { action: 'notify-owner', afterMs: 300_000 },
        dueAt: plus(300_000),
      },
    ]);
    const late = dueRungs(ladder, since, new Set(), plus(3 * 3_600_000));
    expect(late.map((d) => d.id)).toEqual([
      '0:re-trigger',
      '1:notify-owner',
      '2:escalate',
      '3:fail',
    ]);
    expect(late[2]?.rung.to).toBe('team-ops');
  });

  it('says when the next rung is due', () => {
    expect(nextRungAt(ladder, since, new Set(['0:re-trigger']))).toBe(plus(300_000));
    expect(nextRungAt(ladder, since, new Set(ladder.map((r, i) => rungId(i, r))))).toBeUndefined();
  });

  it('defaults: re-trigger only where a resend can repair, then notify the owner', () => {
    expect(defaultLadder('missing-subprocess').map((r) => r.action)).toEqual([
      're-trigger',
      'notify-owner',
    ]);
    expect(defaultLadder('lost-completion').map((r) => r.action)).toEqual([
      're-trigger',
      'notify-owner',
    ]);
    expect(defaultLadder('orphan').map((r) => r.action)).toEqual(['notify-owner']);
    expect(ladderOf(undefined, 'stuck')).toEqual(defaultLadder('stuck'));
  });

  it('property: taking the due rungs leaves none due at the same moment; rungs never run twice', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4 * 3_600_000 }),
        fc.integer({ min: 0, max: 3_600_000 }),
        (t1, dt) => {
          const taken = new Set<string>();
          for (const d of dueRungs(ladder, since, taken, plus(t1))) taken.add(d.id);
          expect(dueRungs(ladder, since, taken, plus(t1))).toEqual([]);
          const later = dueRungs(ladder, since, taken, plus(t1 + dt));
          for (const d of later) expect(taken.has(d.id)).toBe(false);
        },
      ),
    );
  });
});
