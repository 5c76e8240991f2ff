/**
 * Properties of the alert lifecycle over random sweeps: reconcile is idempotent, each
 * finding id has at most one alert, open alerts are exactly the present findings, and an
 * alert only fires when it was not already firing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { acknowledge, silence } from '../../src/domain/alerts/actions.ts';
import type { Alert } from '../../src/domain/alerts/alert.ts';
import { reconcile } from '../../src/domain/alerts/reconcile.ts';
import { FINDING_KINDS, findingId, type Finding } from '../../src/domain/detection/finding.ts';
import { at, makeFinding } from './alert-fixtures.ts';

const findingArb: fc.Arbitrary<Finding> = fc
  .record({
    kind: fc.constantFrom(...FINDING_KINDS.slice(0, 3)),
    instance: fc.constantFrom('o-1', 'o-2', 'o/3'),
    step: fc.option(fc.constantFrom('pick', 'pack'), { nil: undefined }),
    owner: fc.option(fc.constantFrom('ann', 'bob'), { nil: undefined }),
    expectationId: fc.option(fc.constantFrom('x-1', 'x-2'), { nil: undefined }),
    summary: fc.constantFrom('late', 'later'),
  })
  .map((init) => makeFinding(init));

/** One sweep (its findings, seconds after the previous one) or a human action on one alert. */
type Step =
  | { type: 'sweep'; findings: Finding[]; after: number }
  | { type: 'ack' | 'silence'; pick: number; after: number; forSeconds: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant('sweep' as const),
      findings: fc.array(findingArb, { maxLength: 8 }),
      after: fc.integer({ min: 0, max: 200 }),
    }),
  },
  fc.record({
    type: fc.constantFrom('ack' as const, 'silence' as const),
    pick: fc.nat(),
    after: fc.integer({ min: 0, max: 200 }),
    forSeconds: fc.integer({ min: 1, max: 400 }),
  }),
);

/** What a store would hold after the upserts (versions bumped). */
function apply(stored: Map<string, Alert>, upserts: readonly Alert[]): void {
  for (const alert of upserts) stored.set(alert.id, { ...alert, version: alert.version + 1 });
}

describe('reconcile properties', () => {
  it('is idempotent, one alert per finding id, open alerts = present findings', () => {
    fc.assert(
      fc.property(
        fc.array(stepArb, { maxLength: 12 }),
        fc.array(findingArb, { maxLength: 8 }),
        (steps, last) => {
          const stored = new Map<string, Alert>();
          let clock = 0;
          const sweep = (findings: Finding[]) => {
            const result = reconcile([...stored.values()], findings, at(clock));
            const upsertIds = result.upserts.map((a) => a.id);
            expect(new Set(upsertIds).size).toBe(upsertIds.length);
            for (const t of result.transitions) {
              expect(t.from).not.toBe(t.to);
              if (t.to === 'firing') expect(stored.get(t.alert.id)?.status).not.toBe('firing');
              if (t.from === null) expect(stored.has(t.alert.id)).toBe(false);
            }
            apply(stored, result.upserts);
            const present = new Set(findings.map(findingId));
            const open = [...stored.values()].filter((a) => a.status !== 'resolved');
            expect(open.map((a) => a.id).sort()).toEqual([...present].sort());
            // The same findings again at the same moment: nothing to do.
            expect(reconcile([...stored.values()], findings, at(clock))).toEqual({
              upserts: [],
              transitions: [],
            });
          };
          for (const step of [...steps, { type: 'sweep' as const, findings: last, after: 1 }]) {
            clock += step.after;
            if (step.type === 'sweep') {
              sweep(step.findings);
              continue;
            }
            const alerts = [...stored.values()];
            const alert = alerts[step.pick % Math.max(1, alerts.length)];
            if (alert === undefined) continue;
            const result =
              step.type === 'ack'
                ? acknowledge(alert, 'ann', at(clock))
                : silence(alert, at(clock + step.forSeconds), 'bob', at(clock));
            if (result.ok && result.changed) apply(stored, [result.alert]);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives each finding id at most one alert, whatever the order and duplication', () => {
    fc.assert(
      fc.property(fc.array(findingArb, { maxLength: 20 }), (findings) => {
        const { upserts, transitions } = reconcile([], findings, at(0));
        const ids = new Set(findings.map(findingId));
        expect(upserts.map((a) => a.id).sort()).toEqual([...ids].sort());
        expect(transitions).toHaveLength(ids.size);
        const reversed = reconcile([], [...findings].reverse(), at(0));
        expect(reversed.upserts.map((a) => a.id).sort()).toEqual([...ids].sort());
      }),
    );
  });
});
