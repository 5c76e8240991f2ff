import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { processesWithMovedLearnedDeadlines } from '../../src/domain/detection/learned-changes.ts';
import {
  learnedKey,
  type LearnedDeadline,
  type LearnedDeadlines,
} from '../../src/domain/detection/learned-deadlines.ts';

const MIN = 60_000;

function learned(
  process: string,
  step: string,
  deadlineMs?: number,
  waitDeadlineMs?: number,
): LearnedDeadline {
  return {
    process,
    step,
    durationSamples: 20,
    waitSamples: 20,
    ...(deadlineMs === undefined ? {} : { deadlineMs }),
    ...(waitDeadlineMs === undefined ? {} : { waitDeadlineMs }),
  };
}

const mapOf = (...entries: LearnedDeadline[]): LearnedDeadlines =>
  new Map(entries.map((e) => [learnedKey(e.process, e.step), e]));

describe('processesWithMovedLearnedDeadlines', () => {
  it('names a process whose step moved by more than 10 %, not one that drifted less', () => {
    const before = mapOf(learned('pay', 'auth', 10 * MIN), learned('ship', 'pick', 10 * MIN));
    const after = mapOf(learned('pay', 'auth', 11.5 * MIN), learned('ship', 'pick', 10.9 * MIN));
    expect(processesWithMovedLearnedDeadlines(before, after)).toEqual(['pay']);
    // Shrinking counts as much as growing; exactly 10 % does not.
    const shrunk = mapOf(learned('pay', 'auth', 5 * MIN), learned('ship', 'pick', 9 * MIN));
    expect(processesWithMovedLearnedDeadlines(before, shrunk)).toEqual(['pay']);
  });

  it('names a process whose step gained or lost a learned deadline or wait deadline', () => {
    const before = mapOf(learned('pay', 'auth', 10 * MIN), learned('ship', 'pick', 10 * MIN));
    expect(processesWithMovedLearnedDeadlines(new Map(), before)).toEqual(['pay', 'ship']);
    expect(processesWithMovedLearnedDeadlines(before, new Map())).toEqual(['pay', 'ship']);
    const waits = mapOf(
      learned('pay', 'auth', 10 * MIN, 3 * MIN),
      learned('ship', 'pick', 10 * MIN),
    );
    expect(processesWithMovedLearnedDeadlines(before, waits)).toEqual(['pay']);
    const newStep = new Map([...before, [learnedKey('bill', 'x'), learned('bill', 'x', MIN)]]);
    expect(processesWithMovedLearnedDeadlines(before, newStep)).toEqual(['bill']);
  });

  it('honours the ratio it is given and refuses a negative one', () => {
    const before = mapOf(learned('pay', 'auth', 10 * MIN));
    const after = mapOf(learned('pay', 'auth', 10 * MIN + 1));
    expect(processesWithMovedLearnedDeadlines(before, after)).toEqual([]);
    expect(processesWithMovedLearnedDeadlines(before, after, 0)).toEqual(['pay']);
    expect(() => processesWithMovedLearnedDeadlines(before, after, -1)).toThrow(RangeError);
  });

  const deadlinesArb: fc.Arbitrary<LearnedDeadlines> = fc
    .array(
      fc.record({
        process: fc.constantFrom('pay', 'ship', 'bill'),
        step: fc.constantFrom('a', 'b'),
        deadlineMs: fc.option(fc.integer({ min: MIN, max: 100 * MIN }), { nil: undefined }),
        waitDeadlineMs: fc.option(fc.integer({ min: MIN, max: 100 * MIN }), { nil: undefined }),
      }),
    )
    .map((rows) =>
      mapOf(...rows.map((r) => learned(r.process, r.step, r.deadlineMs, r.waitDeadlineMs))),
    );

  it('is empty for the same deadlines, symmetric in membership, sorted and without repeats', () => {
    fc.assert(
      fc.property(deadlinesArb, deadlinesArb, (a, b) => {
        expect(processesWithMovedLearnedDeadlines(a, a)).toEqual([]);
        const ab = processesWithMovedLearnedDeadlines(a, b, 0);
        expect(ab).toEqual(processesWithMovedLearnedDeadlines(b, a, 0));
        expect(ab).toEqual([...new Set(ab)].sort());
        // With ratio 0 a process is named exactly when one of its steps differs.
        const differs = new Set<string>();
        for (const key of new Set([...a.keys(), ...b.keys()])) {
          const [x, y] = [a.get(key), b.get(key)];
          if (x?.deadlineMs !== y?.deadlineMs || x?.waitDeadlineMs !== y?.waitDeadlineMs) {
            differs.add((x ?? y)?.process ?? '');
          }
        }
        expect(ab).toEqual([...differs].sort());
      }),
    );
  });
});
