import { describe, expect, it } from 'vitest';
import {
  conformanceViolations,
  detectNonconformance,
  stepOccurrences,
  type ConformanceDefinition,
} from '../../src/domain/detection/conformance.ts';
import type { DetectionDefinition } from '../../src/domain/detection/consistency.ts';
import type { ProcessDefinition } from '../../src/domain/definitions/definition-schema.ts';
import { order, t } from './consistency-fixtures.ts';

const linear: ConformanceDefinition = {
  process: 'order',
  version: 2,
  start: ['validate'],
  steps: [
    { name: 'validate', next: ['reserve'] },
    { name: 'reserve', next: ['pay'] },
    { name: 'pay', next: ['ship'] },
    { name: 'ship', next: [] },
  ],
};

const occurrences = (...steps: string[]) => steps.map((step, i) => ({ step, at: t(i) }));
const brokenAt = (definition: ConformanceDefinition, ...steps: string[]): string[] =>
  conformanceViolations(occurrences(...steps), definition).map((v) => v.step);

describe('conformanceViolations', () => {
  it.each([
    ['the defined order', linear, ['validate', 'reserve', 'pay', 'ship'], []],
    ['a retried step', linear, ['validate', 'reserve', 'reserve', 'pay'], []],
    ['an unfinished instance', linear, ['validate', 'reserve'], []],
    ['a skipped step', linear, ['validate', 'pay', 'ship'], ['pay']],
    ['swapped steps (reported once)', linear, ['validate', 'pay', 'reserve', 'ship'], ['pay']],
    ['a wrong first step', linear, ['reserve', 'pay'], ['reserve']],
    ['a step after the last one', linear, ['validate', 'reserve', 'pay', 'ship', 'pay'], ['pay']],
    ['a step unknown to the definition', linear, ['validate', 'audit', 'reserve'], ['audit']],
    [
      'any first step when start is absent',
      { process: 'order', steps: [{ name: 'a', next: ['b'] }, { name: 'b' }] },
      ['b', 'a', 'b'],
      [],
    ],
    [
      'any next step when next is absent',
      { process: 'order', steps: [{ name: 'a' }, { name: 'b', next: [] }] },
      ['a', 'b'],
      [],
    ],
    [
      'parallel branches of a split',
      {
        process: 'order',
        start: ['a'],
        steps: [
          { name: 'a', next: ['b', 'c'] },
          { name: 'b', next: ['d'] },
          { name: 'c', next: ['d'] },
          { name: 'd', next: [] },
        ],
      },
      ['a', 'b', 'c', 'd'],
      [],
    ],
    [
      'a loop the definition allows',
      {
        process: 'order',
        start: ['a'],
        steps: [
          { name: 'a', next: ['b'] },
          { name: 'b', next: ['a'] },
        ],
      },
      ['a', 'b', 'a', 'b'],
      [],
    ],
  ] as [string, ConformanceDefinition, string[], string[]][])(
    '%s',
    (_name, definition, steps, broken) => {
      expect(brokenAt(definition, ...steps)).toEqual(broken);
    },
  );

  it('describes what was allowed instead', () => {
    expect(conformanceViolations(occurrences('validate', 'pay'), linear)).toEqual([
      { step: 'pay', at: t(1), after: 'validate', allowed: ['reserve'] },
    ]);
  });
});

describe('stepOccurrences', () => {
  const loop = () =>
    order()
      .start(0)
      .stepStart(1, 'a')
      .stepDone(2, 'a')
      .stepStart(3, 'b')
      .stepDone(4, 'b')
      .stepStart(5, 'a');

  it('from events: every start, in time order, whatever the arrival order', () => {
    const inst = loop();
    const expected = [
      { step: 'a', at: t(1) },
      { step: 'b', at: t(3) },
      { step: 'a', at: t(5) },
    ];
    expect(stepOccurrences(inst.state(), inst.events)).toEqual(expected);
    expect(stepOccurrences(inst.state(), [...inst.events].reverse())).toEqual(expected);
  });

  it('from the state only: each step once, in order of first appearance', () => {
    expect(stepOccurrences(loop().state()).map((o) => o.step)).toEqual(['a', 'b']);
  });

  it('a step seen without a start counts at its first event', () => {
    const inst = order().start(0).stepDone(2, 'a');
    expect(stepOccurrences(inst.state(), inst.events)).toEqual([{ step: 'a', at: t(2) }]);
  });
});

describe('detectNonconformance', () => {
  const swapped = () =>
    order()
      .start(0)
      .stepStart(10, 'validate')
      .stepDone(11, 'validate')
      .stepStart(20, 'pay')
      .stepStart(30, 'reserve');

  it('one finding at the first violation, after the grace', () => {
    const inst = swapped();
    const options = { now: t(51), events: inst.events };
    const [finding, ...rest] = detectNonconformance(inst.state(), linear, options);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      kind: 'nonconformance',
      instanceKey: 'shop/order/o-1',
      relatedKeys: [],
      step: 'pay',
      owner: 'team-shop',
      since: t(50),
      details: { definition: 'order', version: 2 },
    });
    expect(finding?.summary).toBe('step pay came after validate; order allows there only reserve');
    expect(detectNonconformance(inst.state(), linear, { ...options, now: t(50) })).toEqual([]);
  });

  it('a loop only the events show', () => {
    const inst = order()
      .start(0)
      .stepStart(1, 'validate')
      .stepStart(2, 'reserve')
      .stepStart(3, 'validate');
    expect(detectNonconformance(inst.state(), linear, { now: t(100) })).toEqual([]);
    const [finding] = detectNonconformance(inst.state(), linear, {
      now: t(100),
      events: inst.events,
    });
    expect(finding?.step).toBe('validate');
  });

  it('ignores a definition of another process', () => {
    expect(
      detectNonconformance(swapped().state(), { ...linear, process: 'payment' }, { now: t(999) }),
    ).toEqual([]);
  });

  it('a process definition (definitions/) is a valid definition here', () => {
    const definition = {} as ProcessDefinition;
    const accepted: DetectionDefinition = definition;
    expect(accepted).toBe(definition);
  });
});
