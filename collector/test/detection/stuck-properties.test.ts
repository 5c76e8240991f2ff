import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldInstance } from '../../src/core/fold.ts';
import { parseDefinition } from '../../src/definitions/parse-definition.ts';
import type { ProcessDefinition } from '../../src/definitions/definition-schema.ts';
import { findingId } from '../../src/detection/finding.ts';
import { learnedKey, type LearnedDeadlines } from '../../src/detection/learned-deadlines.ts';
import { detectStuck, effectiveNextDeadline } from '../../src/detection/stuck.ts';
import { PROCESS } from '../core/event-builders.ts';
import { historyArb } from '../core/history-arbitrary.ts';

const STEPS = ['reserve', 'pay', 'ship', 'invoice'];
const minutesArb = fc.option(fc.integer({ min: 1, max: 90 }), { nil: undefined });

const definitionArb: fc.Arbitrary<ProcessDefinition | undefined> = fc.option(
  fc
    .record({
      steps: fc.tuple(...STEPS.map(() => fc.tuple(minutesArb, minutesArb))),
      deadline: minutesArb,
      expectation: minutesArb,
    })
    .map(({ steps, deadline, expectation }) => {
      const result = parseDefinition(
        {
          process: PROCESS,
          version: 1,
          ...(deadline ? { deadline: `${deadline * 2}m` } : {}),
          steps: STEPS.map((name, i) => {
            const [attempt, wait] = steps[i] ?? [];
            return {
              name,
              ...(attempt ? { deadline: `${attempt}m` } : {}),
              ...(wait ? { waitDeadline: `PT${wait}M` } : {}),
            };
          }),
          expectations: expectation
            ? ['warehouse', 'psp', 'crm', 'shipping'].map((s) => ({
                system: s,
                process: `${s}-flow`,
                deadline: `${expectation}m`,
              }))
            : [],
        },
        'arbitrary',
      );
      if (!result.ok) throw new Error(JSON.stringify(result.problems));
      return result.definition;
    }),
  { nil: undefined },
);

const learnedArb: fc.Arbitrary<LearnedDeadlines | undefined> = fc.option(
  fc.tuple(...STEPS.map(() => fc.tuple(minutesArb, minutesArb))).map(
    (steps) =>
      new Map(
        STEPS.flatMap((step, i) => {
          const [attempt, wait] = steps[i] ?? [];
          if (!attempt && !wait) return [];
          const entry = {
            process: PROCESS,
            step,
            durationSamples: 20,
            waitSamples: 20,
            ...(attempt ? { deadlineMs: attempt * 60_000 } : {}),
            ...(wait ? { waitDeadlineMs: wait * 60_000 } : {}),
          };
          return [[learnedKey(PROCESS, step), entry] as const];
        }),
      ),
  ),
  { nil: undefined },
);

/** Any instant from an hour before the histories' window to hours after it, at 1 s steps. */
const nowMsArb = fc
  .integer({ min: 0, max: 8 * 3600 })
  .map((s) => Date.parse('2024-03-01T07:00:00Z') + s * 1000);

const scenarioArb = fc.record({
  events: historyArb,
  definition: definitionArb,
  learned: learnedArb,
  nowMs: nowMsArb,
  laterMs: fc.integer({ min: 0, max: 4 * 3600_000 }),
  atBoundary: fc.boolean(),
});

describe('detectStuck properties', () => {
  it('finds only deadlines strictly before now, none before the effective next deadline, and some after it', () => {
    fc.assert(
      fc.property(scenarioArb, ({ events, definition, learned, nowMs, atBoundary }) => {
        const state = foldInstance(events);
        const ctx = {
          ...(definition ? { definition } : {}),
          ...(learned ? { learned } : {}),
        };
        const next = effectiveNextDeadline(state, ctx);
        const now =
          atBoundary && next !== undefined
            ? new Date(Date.parse(next)).toISOString()
            : new Date(nowMs).toISOString();
        const findings = detectStuck(state, { ...ctx, now });
        const open = new Set(state.currentSteps);
        for (const finding of findings) {
          expect(Date.parse(finding.since)).toBeLessThan(Date.parse(now));
          expect(finding.since).toBe(finding.details.deadline);
          if (finding.step !== undefined) expect(open.has(finding.step)).toBe(true);
        }
        if (next === undefined || Date.parse(now) <= Date.parse(next)) expect(findings).toEqual([]);
        else expect(findings.length).toBeGreaterThan(0);
        if (['completed', 'failed', 'cancelled'].includes(state.status)) {
          expect(next).toBeUndefined();
        }
        if (findings.length > 0) {
          expect(Math.min(...findings.map((f) => Date.parse(f.since)))).toBe(
            Date.parse(next as string),
          );
        }
        expect(new Set(findings.map(findingId)).size).toBe(findings.length);
      }),
      { numRuns: 500 },
    );
  });

  it('is monotonic in time: a stuck finding stays while nothing happens', () => {
    fc.assert(
      fc.property(scenarioArb, ({ events, definition, learned, nowMs, laterMs }) => {
        const state = foldInstance(events);
        const ctx = { ...(definition ? { definition } : {}), ...(learned ? { learned } : {}) };
        const earlier = detectStuck(state, { ...ctx, now: new Date(nowMs).toISOString() });
        const later = detectStuck(state, { ...ctx, now: new Date(nowMs + laterMs).toISOString() });
        const laterIds = new Set(later.map(findingId));
        for (const finding of earlier) expect(laterIds.has(findingId(finding))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
