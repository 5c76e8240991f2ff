/**
 * `withEffectiveNextDeadline`: the stored `nextDeadline` of a state under a definition
 * and learned deadlines. The ingest fold stores it; when the definition changes, the
 * sweeper re-derives stored states with it instead of folding their events again.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldInstance } from '../../src/domain/instance/fold.ts';
import type { InstanceState } from '../../src/domain/instance/instance-state.ts';
import type { ProcessDefinition } from '../../src/domain/definitions/definition-schema.ts';
import { parseDefinition } from '../../src/domain/definitions/parse-definition.ts';
import type { LearnedDeadlines } from '../../src/domain/detection/learned-deadlines.ts';
import { detectStuck } from '../../src/domain/detection/stuck.ts';
import {
  withEffectiveNextDeadline,
  type DeadlineContext,
} from '../../src/domain/detection/stuck-deadlines.ts';
import { historyArb } from '../instance/history-arbitrary.ts';
import { definitionArb, learnedArb } from './deadline-arbitraries.ts';

const ctxOf = (
  definition: ProcessDefinition | undefined,
  learned: LearnedDeadlines | undefined,
): DeadlineContext => ({
  ...(definition !== undefined ? { definition } : {}),
  ...(learned !== undefined ? { learned } : {}),
});

const ctxArb = fc.tuple(definitionArb, learnedArb).map(([d, l]) => ctxOf(d, l));

/** Any instant from an hour before the histories' window to hours after it, at 1 s steps. */
const nowArb = fc
  .integer({ min: 0, max: 8 * 3600 })
  .map((s) => new Date(Date.parse('2024-03-01T07:00:00Z') + s * 1000).toISOString());

const withoutDeadline = ({ nextDeadline: _n, ...rest }: InstanceState) => rest;

describe('withEffectiveNextDeadline', () => {
  it('re-deriving a state stored under one definition gives what folding under the new one gives', () => {
    fc.assert(
      fc.property(historyArb, ctxArb, ctxArb, (events, before, after) => {
        const stored = withEffectiveNextDeadline(foldInstance(events), before);
        const rederived = withEffectiveNextDeadline(stored, after);
        const folded = withEffectiveNextDeadline(foldInstance(events), after);
        expect(rederived).toEqual(folded);
        // The very document the ingest would write (same keys, same order).
        expect(JSON.stringify(rederived)).toBe(JSON.stringify(folded));
      }),
      { numRuns: 500 },
    );
  });

  it('is idempotent and changes nothing but nextDeadline', () => {
    fc.assert(
      fc.property(historyArb, ctxArb, ctxArb, (events, before, after) => {
        const stored = withEffectiveNextDeadline(foldInstance(events), before);
        const once = withEffectiveNextDeadline(stored, after);
        expect(JSON.stringify(withEffectiveNextDeadline(once, after))).toBe(JSON.stringify(once));
        expect(withoutDeadline(once)).toEqual(withoutDeadline(stored));
        if (['completed', 'failed', 'cancelled'].includes(once.status)) {
          expect(once.nextDeadline).toBeUndefined();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives the field the overdue query needs: stuck under the definition ⇔ past nextDeadline', () => {
    fc.assert(
      fc.property(historyArb, ctxArb, ctxArb, nowArb, (events, before, after, now) => {
        const stored = withEffectiveNextDeadline(foldInstance(events), before);
        const rederived = withEffectiveNextDeadline(stored, after);
        const stuck = detectStuck(rederived, { ...after, now }).length > 0;
        const next = rederived.nextDeadline;
        // The sweep finds stuck instances by `nextDeadline ≤ now` (and judges them with
        // the definition): nothing stuck is ever missed, nothing past it is left out.
        expect(stuck).toBe(next !== undefined && Date.parse(next) < Date.parse(now));
      }),
      { numRuns: 500 },
    );
  });

  it('is needed: a state stored under an older definition can hide a stuck step', () => {
    const events = [
      ['flowtrail.process.started', undefined, '2024-03-01T08:00:00Z'],
      ['flowtrail.step.started', 'pay', '2024-03-01T08:00:00Z'],
      ['flowtrail.step.waiting', 'pay', '2024-03-01T08:00:30Z'],
    ].map(([type, step, time], i) => ({
      specversion: '1.0' as const,
      id: `e${i}`,
      source: 'shop',
      type: type as string,
      time: time as string,
      ftprocess: 'order-fulfilment',
      ftinstance: 'o-1',
      ...(step !== undefined ? { ftstep: step } : {}),
      data: {},
    }));
    const stored = withEffectiveNextDeadline(foldInstance(events), {});
    expect(stored.nextDeadline).toBeUndefined();
    const parsed = parseDefinition(
      { process: 'order-fulfilment', version: 2, steps: [{ name: 'pay', deadline: '1m' }] },
      'test',
    );
    if (!parsed.ok) throw new Error('invalid definition');
    const { definition } = parsed;
    const now = '2024-03-01T09:00:00Z';
    expect(detectStuck(stored, { definition, now })).toHaveLength(1);
    expect(withEffectiveNextDeadline(stored, { definition }).nextDeadline).toBe(
      '2024-03-01T08:01:00.000Z',
    );
  });
});
