/**
 * fast-check arbitraries of what deadlines are derived from, for the process of
 * `historyArb` (collector/test/instance/history-arbitrary.ts): a definition (or none) with
 * any mix of step, wait, instance and expectation deadlines, and learned deadlines (or
 * none) for any of its steps.
 */
import fc from 'fast-check';
import { parseDefinition } from '../../src/domain/definitions/parse-definition.ts';
import type { ProcessDefinition } from '../../src/domain/definitions/definition-schema.ts';
import { learnedKey, type LearnedDeadlines } from '../../src/domain/detection/learned-deadlines.ts';
import { PROCESS } from '../instance/event-builders.ts';

const STEPS = ['reserve', 'pay', 'ship', 'invoice'];
const minutesArb = fc.option(fc.integer({ min: 1, max: 90 }), { nil: undefined });

export const definitionArb: fc.Arbitrary<ProcessDefinition | undefined> = fc.option(
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

export const learnedArb: fc.Arbitrary<LearnedDeadlines | undefined> = fc.option(
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
