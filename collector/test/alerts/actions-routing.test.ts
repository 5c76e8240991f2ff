/** Acknowledge and silence (pure), routing by owner, notifiable changes and grouping. */
import { describe, expect, it } from 'vitest';
import { acknowledge, silence } from '../../src/domain/alerts/actions.ts';
import type { Alert, AlertTransition } from '../../src/domain/alerts/alert.ts';
import { groupTransitions, isNotifiable, routeOf } from '../../src/domain/alerts/routing.ts';
import { at, iso, makeAlert } from './alert-fixtures.ts';

const firing = makeAlert({ owner: 'team-a' }, { version: 2 });

describe('acknowledge', () => {
  it('acknowledges a firing alert, recording who and when', () => {
    const result = acknowledge(firing, 'ann', at(5));
    expect(result).toMatchObject({
      ok: true,
      changed: true,
      alert: { status: 'acknowledged', acknowledgedBy: 'ann', acknowledgedAt: iso(5), version: 2 },
      transition: { from: 'firing', to: 'acknowledged' },
    });
    if (result.ok) {
      expect(result.alert.history.at(-1)).toEqual({
        at: iso(5),
        status: 'acknowledged',
        note: 'acknowledged by ann',
      });
    }
  });

  it('ends a silence, changes nothing twice, and refuses a resolved alert', () => {
    const silenced = { ...firing, status: 'silenced' as const, silencedUntil: iso(99) };
    const acked = acknowledge(silenced, undefined, at(5));
    expect(acked).toMatchObject({ ok: true, transition: { from: 'silenced' } });
    if (acked.ok) {
      expect(acked.alert).not.toHaveProperty('silencedUntil');
      expect(acked.alert).not.toHaveProperty('acknowledgedBy');
      expect(acknowledge(acked.alert, 'bob', at(6))).toEqual({
        ok: true,
        alert: acked.alert,
        changed: false,
      });
    }
    expect(acknowledge({ ...firing, status: 'resolved' }, 'ann', at(5))).toMatchObject({
      ok: false,
      error: expect.stringContaining('resolved'),
    });
  });
});

describe('silence', () => {
  it.each(['firing', 'acknowledged', 'silenced'] as const)('silences a %s alert', (status) => {
    const result = silence({ ...firing, status }, at(3600), 'bob', at(0));
    expect(result).toMatchObject({
      ok: true,
      changed: true,
      alert: { status: 'silenced', silencedUntil: iso(3600), silencedBy: 'bob' },
    });
    if (result.ok) {
      expect(result.transition?.from).toBe(status === 'silenced' ? undefined : status);
      expect(result.alert.history.at(-1)?.note).toBe(`silenced until ${iso(3600)} by bob`);
    }
  });

  it('records a silence on a resolved alert without a status change', () => {
    const result = silence({ ...firing, status: 'resolved' }, at(60), undefined, at(0));
    expect(result).toMatchObject({
      ok: true,
      alert: { status: 'resolved', silencedUntil: iso(60) },
    });
    expect(result.ok && result.transition).toBeUndefined();
  });

  it('refuses an end that is not in the future', () => {
    expect(silence(firing, at(0), 'bob', at(0))).toMatchObject({ ok: false });
  });
});

describe('routing', () => {
  const routes = { 'team-a': ['slack-a', 'mail-a', 'slack-a'], 'team-b': [] };
  it('routes by owner, else to the defaults', () => {
    expect(routeOf({ owner: 'team-a' }, routes, ['ops'])).toEqual(['slack-a', 'mail-a']);
    expect(routeOf({ owner: 'team-b' }, routes, ['ops'])).toEqual([]);
    expect(routeOf({ owner: 'team-c' }, routes, ['ops'])).toEqual(['ops']);
    expect(routeOf({}, routes, ['ops'])).toEqual(['ops']);
    expect(routeOf({ owner: 'constructor' }, routes, ['ops'])).toEqual(['ops']);
  });

  it('tells which changes are worth a message', () => {
    expect(isNotifiable({ from: null, to: 'firing' })).toBe(true);
    expect(isNotifiable({ from: 'silenced', to: 'firing' })).toBe(true);
    expect(isNotifiable({ from: 'firing', to: 'resolved' })).toBe(true);
    expect(isNotifiable({ from: 'acknowledged', to: 'resolved' })).toBe(true);
    expect(isNotifiable({ from: 'silenced', to: 'resolved' })).toBe(false);
    expect(isNotifiable({ from: 'firing', to: 'acknowledged' })).toBe(false);
    expect(isNotifiable({ from: 'resolved', to: 'silenced' })).toBe(false);
  });

  it('groups transitions by kind/process/owner', () => {
    const t = (alert: Alert): AlertTransition => ({ alert, from: null, to: 'firing' });
    const a2 = makeAlert({ instance: 'o-2', owner: 'team-a' });
    const a1 = makeAlert({ instance: 'o-1', owner: 'team-a' });
    const b = makeAlert({ instance: 'o-3' });
    const groups = groupTransitions([t(a2), t(b), t(a1)]);
    expect([...groups.keys()]).toEqual([
      'stuck/order-fulfilment/team-a',
      'stuck/order-fulfilment/unowned',
    ]);
    expect(groups.get('stuck/order-fulfilment/team-a')?.map((x) => x.alert.id)).toEqual([
      a1.id,
      a2.id,
    ]);
  });
});
