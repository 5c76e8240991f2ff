import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldInstance } from '../../src/domain/instance/fold.ts';
import { findingId } from '../../src/domain/detection/finding.ts';
import { detectStuck, effectiveNextDeadline } from '../../src/domain/detection/stuck.ts';
import { historyArb } from '../instance/history-arbitrary.ts';
import { definitionArb, learnedArb } from './deadline-arbitraries.ts';

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
