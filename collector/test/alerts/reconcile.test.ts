/** The alert lifecycle of one sweep (`reconcile`), case by case. */
import { describe, expect, it } from 'vitest';
import { MAX_HISTORY, type Alert } from '../../src/domain/alerts/alert.ts';
import { reconcile } from '../../src/domain/alerts/reconcile.ts';
import { isNotifiable } from '../../src/domain/alerts/routing.ts';
import { findingId } from '../../src/domain/detection/finding.ts';
import { at, iso, makeAlert, makeFinding } from './alert-fixtures.ts';

const finding = makeFinding({ step: 'pick', owner: 'team-a', summary: 'pick is late' });
const id = findingId(finding);
/** The alert as the first sweep (at T0) stored it. */
const stored = (overrides: Partial<Alert> = {}): Alert =>
  makeAlert(
    { step: 'pick', owner: 'team-a', summary: 'pick is late' },
    { version: 3, ...overrides },
  );

describe('reconcile', () => {
  it('fires a new finding', () => {
    const { upserts, transitions } = reconcile([], [finding], at(0));
    expect(upserts).toEqual([
      {
        id,
        kind: 'stuck',
        status: 'firing',
        source: 'shop',
        process: 'order-fulfilment',
        instance: 'shop/order-fulfilment/o-1',
        step: 'pick',
        owner: 'team-a',
        since: finding.since,
        summary: 'pick is late',
        relatedKeys: [],
        group: 'stuck/order-fulfilment/team-a',
        details: {},
        firstSeenAt: iso(0),
        lastSeenAt: iso(0),
        history: [{ at: iso(0), status: 'firing', note: 'pick is late' }],
        version: 0,
      },
    ]);
    expect(transitions).toEqual([{ alert: upserts[0], from: null, to: 'firing' }]);
  });

  it('groups an alert without owner as unowned', () => {
    const { upserts } = reconcile([], [makeFinding({ kind: 'orphan' })], at(0));
    expect(upserts[0]?.group).toBe('orphan/order-fulfilment/unowned');
  });

  it('leaves a present finding alone within the refresh interval', () => {
    const later = { ...finding, summary: 'pick is later' };
    expect(reconcile([stored()], [later], at(30))).toEqual({ upserts: [], transitions: [] });
  });

  it('refreshes lastSeenAt, summary and details after the interval, without a transition', () => {
    const later = { ...finding, summary: 'pick is 2 min late', details: { n: 2 } };
    const { upserts, transitions } = reconcile([stored()], [later], at(61));
    expect(transitions).toEqual([]);
    expect(upserts).toEqual([
      { ...stored(), summary: 'pick is 2 min late', details: { n: 2 }, lastSeenAt: iso(61) },
    ]);
    expect(reconcile([stored()], [later], at(61), { refreshAfterMs: 120_000 }).upserts).toEqual([]);
  });

  it('writes a material change (owner, since, related keys) at once', () => {
    const moved = { ...finding, owner: 'team-b' };
    const { upserts, transitions } = reconcile([stored()], [moved], at(1));
    expect(transitions).toEqual([]);
    expect(upserts).toMatchObject([{ owner: 'team-b', group: 'stuck/order-fulfilment/team-b' }]);
    const unowned = reconcile([stored()], [{ ...finding, owner: undefined }], at(1)).upserts[0];
    expect(unowned).not.toHaveProperty('owner');
    const related = reconcile([stored()], [{ ...finding, relatedKeys: ['x'] }], at(1));
    expect(related.upserts).toMatchObject([{ relatedKeys: ['x'], status: 'firing' }]);
  });

  it('keeps an acknowledged alert acknowledged while its finding is present', () => {
    const acked = stored({ status: 'acknowledged', acknowledgedBy: 'ann', acknowledgedAt: iso(5) });
    const { upserts, transitions } = reconcile([acked], [finding], at(600));
    expect(transitions).toEqual([]);
    expect(upserts).toMatchObject([{ status: 'acknowledged', acknowledgedBy: 'ann' }]);
  });

  it('keeps a silenced alert silenced until silencedUntil, then fires it again', () => {
    const quiet = stored({ status: 'silenced', silencedUntil: iso(3600), silencedBy: 'ann' });
    expect(reconcile([quiet], [finding], at(3599)).transitions).toEqual([]);
    const { upserts, transitions } = reconcile([quiet], [finding], at(3600));
    expect(transitions).toMatchObject([{ from: 'silenced', to: 'firing' }]);
    expect(upserts[0]).toMatchObject({ status: 'firing', version: 3, lastSeenAt: iso(3600) });
    expect(upserts[0]).not.toHaveProperty('silencedUntil');
    expect(upserts[0]).not.toHaveProperty('silencedBy');
    expect(upserts[0]?.history.at(-1)).toEqual({
      at: iso(3600),
      status: 'firing',
      note: 'silence expired',
    });
  });

  it.each(['firing', 'acknowledged', 'silenced'] as const)(
    'resolves a %s alert whose finding is gone',
    (status) => {
      const open = stored({ status, ...(status === 'silenced' ? { silencedUntil: iso(99) } : {}) });
      const { upserts, transitions } = reconcile([open], [], at(10));
      expect(upserts).toEqual([
        {
          ...open,
          status: 'resolved',
          resolvedAt: iso(10),
          history: [...open.history, { at: iso(10), status: 'resolved', note: 'recovered' }],
        },
      ]);
      expect(transitions).toEqual([{ alert: upserts[0], from: status, to: 'resolved' }]);
    },
  );

  it('fires a resolved alert again when its finding returns (same id, history appended)', () => {
    const gone = stored({
      status: 'resolved',
      resolvedAt: iso(10),
      acknowledgedBy: 'ann',
      acknowledgedAt: iso(5),
      history: [
        { at: iso(0), status: 'firing' },
        { at: iso(10), status: 'resolved' },
      ],
    });
    const back = { ...finding, since: iso(100), summary: 'pick is late again' };
    const { upserts, transitions } = reconcile([gone], [back], at(200));
    const [alert] = upserts as [Alert];
    expect(transitions).toEqual([{ alert, from: 'resolved', to: 'firing' }]);
    expect(alert).toMatchObject({
      id,
      status: 'firing',
      since: iso(100),
      firstSeenAt: iso(0),
      lastSeenAt: iso(200),
      version: 3,
    });
    for (const gone of ['resolvedAt', 'acknowledgedBy', 'acknowledgedAt']) {
      expect(alert).not.toHaveProperty(gone);
    }
    expect(alert.history).toEqual([
      { at: iso(0), status: 'firing' },
      { at: iso(10), status: 'resolved' },
      { at: iso(200), status: 'firing', note: 'returned: pick is late again' },
    ]);
  });

  it('brings a returning alert back silenced while a silence set on it lasts', () => {
    const gone = stored({ status: 'resolved', resolvedAt: iso(10), silencedUntil: iso(500) });
    expect(reconcile([gone], [finding], at(499)).transitions).toMatchObject([
      { from: 'resolved', to: 'silenced', alert: { silencedUntil: iso(500) } },
    ]);
    const after = reconcile([gone], [finding], at(500));
    expect(after.transitions).toMatchObject([{ to: 'firing' }]);
    expect(after.upserts[0]).not.toHaveProperty('silencedUntil');
  });

  it('leaves a resolved alert without finding alone', () => {
    expect(reconcile([stored({ status: 'resolved' })], [], at(10))).toEqual({
      upserts: [],
      transitions: [],
    });
  });

  it('makes one alert of findings with the same id, and one per step or expectation', () => {
    const twice = reconcile([], [finding, { ...finding, summary: 'other words' }], at(0));
    expect(twice.upserts).toHaveLength(1);
    expect(twice.upserts[0]?.summary).toBe('pick is late');
    const distinct = reconcile(
      [],
      [
        makeFinding({ step: 'pick' }),
        makeFinding({ step: 'pack' }),
        makeFinding({ kind: 'missing-subprocess', expectationId: 'x-1' }),
        makeFinding({ kind: 'missing-subprocess', expectationId: 'x-2' }),
        makeFinding({ kind: 'missing-subprocess', expectationId: 'x-2' }),
      ],
      at(0),
    );
    expect(distinct.upserts.map((a) => a.id)).toEqual([
      'stuck/shop%2Forder-fulfilment%2Fo-1/step:pick',
      'stuck/shop%2Forder-fulfilment%2Fo-1/step:pack',
      'missing-subprocess/shop%2Forder-fulfilment%2Fo-1/expectation:x-1',
      'missing-subprocess/shop%2Forder-fulfilment%2Fo-1/expectation:x-2',
    ]);
  });

  it('uses the newest copy when the same alert is given twice', () => {
    const old = stored({ version: 1, status: 'firing' });
    const newer = stored({ version: 2, status: 'acknowledged' });
    expect(reconcile([newer, old], [], at(1)).transitions).toMatchObject([
      { from: 'acknowledged', to: 'resolved', alert: { version: 2 } },
    ]);
  });

  it(`keeps the last ${MAX_HISTORY} history entries`, () => {
    const history = Array.from({ length: MAX_HISTORY }, (_, i) => ({
      at: iso(i),
      status: 'firing' as const,
      note: `#${i}`,
    }));
    const { upserts } = reconcile([stored({ history })], [], at(100));
    const kept = upserts[0]?.history ?? [];
    expect(kept).toHaveLength(MAX_HISTORY);
    expect(kept[0]?.note).toBe('#1');
    expect(kept.at(-1)).toMatchObject({ status: 'resolved' });
  });
});

describe('reconcile: pending within the delivery grace', () => {
  const inFlight = { ...finding, pendingUntil: iso(30) };

  it('lists a finding that may be in flight as pending: no firing transition', () => {
    const { upserts, transitions } = reconcile([], [inFlight], at(0));
    expect(upserts[0]).toMatchObject({ status: 'pending', history: [{ status: 'pending' }] });
    expect(upserts[0]?.history[0]?.note).toMatch(`pending until ${iso(30)}`);
    expect(transitions).toEqual([{ alert: upserts[0], from: null, to: 'pending' }]);
    expect(isNotifiable(transitions[0]!)).toBe(false);
  });

  it('stays pending within the grace, fires once it passed with the finding present', () => {
    const pending = reconcile([], [inFlight], at(0)).upserts[0]!;
    const within = reconcile([{ ...pending, version: 1 }], [inFlight], at(10));
    expect(within.transitions).toEqual([]);
    const after = reconcile([{ ...pending, version: 1 }], [inFlight], at(30));
    expect(after.upserts[0]).toMatchObject({ status: 'firing', since: finding.since });
    expect(after.upserts[0]?.history.map((h) => h.status)).toEqual(['pending', 'firing']);
    expect(after.transitions).toEqual([{ alert: after.upserts[0], from: 'pending', to: 'firing' }]);
    expect(isNotifiable(after.transitions[0]!)).toBe(true);
  });

  it('resolves without having fired when the finding goes first: nobody is told', () => {
    const pending = reconcile([], [inFlight], at(0)).upserts[0]!;
    const cleared = reconcile([{ ...pending, version: 1 }], [], at(12));
    expect(cleared.upserts[0]).toMatchObject({ status: 'resolved', resolvedAt: iso(12) });
    expect(cleared.upserts[0]?.history.at(-1)?.note).toMatch(/never fired/);
    expect(cleared.transitions).toEqual([
      { alert: cleared.upserts[0], from: 'pending', to: 'resolved' },
    ]);
    expect(isNotifiable(cleared.transitions[0]!)).toBe(false);
  });

  it('a returning finding still in flight comes back pending, otherwise firing', () => {
    const resolved = stored({ status: 'resolved', resolvedAt: iso(5) });
    expect(reconcile([resolved], [inFlight], at(10)).upserts[0]?.status).toBe('pending');
    expect(reconcile([resolved], [inFlight], at(31)).upserts[0]?.status).toBe('firing');
    expect(reconcile([resolved], [finding], at(10)).upserts[0]?.status).toBe('firing');
  });
});
