import { describe, expect, it } from 'vitest';
import {
  formatProblem,
  type DefinitionProblem,
} from '../../src/domain/definitions/definition-error.ts';
import {
  parseDefinition,
  parseDefinitionYaml,
} from '../../src/domain/definitions/parse-definition.ts';

const VALID = `
process: payment
version: 2
description: Authorize and capture.
owner: team-payments
deadline: P1D
start: [authorize]
steps:
  - name: authorize
    owner: team-payments
    deadline: PT15M
    next: [capture]
  - name: capture
    deadline: 2m
    waitDeadline: 10m
    next: []
expectations:
  - system: psp
    process: settlement
    deadline: 1h
escalation:
  - action: re-trigger
    after: 0s
  - action: escalate
    after: 30m
    to: team-support
`;

function problemsOf(text: string): DefinitionProblem[] {
  const result = parseDefinitionYaml(text, 'payment.yaml');
  if (result.ok) throw new Error('expected problems');
  return result.problems;
}

/** `path: message` of each problem, for compact assertions. */
const brief = (problems: DefinitionProblem[]) => problems.map((p) => `${p.path}: ${p.message}`);

describe('parseDefinitionYaml', () => {
  it('turns valid YAML into a typed definition with durations in ms', () => {
    const result = parseDefinitionYaml(VALID, 'payment.yaml');
    expect(result).toEqual({
      ok: true,
      definition: {
        process: 'payment',
        version: 2,
        description: 'Authorize and capture.',
        owner: 'team-payments',
        deadline: 'P1D',
        deadlineMs: 86_400_000,
        start: ['authorize'],
        steps: [
          {
            name: 'authorize',
            owner: 'team-payments',
            deadline: 'PT15M',
            deadlineMs: 900_000,
            next: ['capture'],
          },
          {
            name: 'capture',
            deadline: '2m',
            deadlineMs: 120_000,
            waitDeadline: '10m',
            waitDeadlineMs: 600_000,
            next: [],
          },
        ],
        expectations: [
          { system: 'psp', process: 'settlement', deadline: '1h', deadlineMs: 3_600_000 },
        ],
        escalation: [
          { action: 're-trigger', after: '0s', afterMs: 0 },
          { action: 'escalate', after: '30m', afterMs: 1_800_000, to: 'team-support' },
        ],
        origin: 'payment.yaml',
      },
    });
  });

  it('fills empty expectations and escalation for a minimal definition', () => {
    const result = parseDefinitionYaml('process: p\nversion: 1\nsteps: [{name: a}]\n', 'p.yaml');
    expect(result).toEqual({
      ok: true,
      definition: {
        process: 'p',
        version: 1,
        steps: [{ name: 'a' }],
        expectations: [],
        escalation: [],
        origin: 'p.yaml',
      },
    });
  });

  it('lists every problem at once, with origin, path and position', () => {
    const problems = problemsOf(`process: payment
steps:
  - name: authorize
    deadline: 5 minutes
    next: [capture, refund]
  - name: capture
    waitDeadline: PT0S
  - name: authorize
start: [pay]
expectations:
  - system: psp
    process: settlement
    deadline: P1M
escalation:
  - action: page-everyone
    after: 1h
  - action: notify-owner
    after: 5m
colour: blue
`);
    expect(brief(problems)).toEqual([
      '/version: Expected required property',
      '/colour: Unexpected property',
      '/steps/0/deadline: "5 minutes" is not a duration (expected ISO-8601 like PT5M or P1DT2H, or a short form like 30s, 5m, 2h, 1d, 1h30m)',
      '/expectations/0/deadline: "P1M": years and months have no fixed length; use days or weeks',
      '/escalation/0/action: "page-everyone" is not one of re-trigger, notify-owner, escalate, compensate, fail',
      '/steps/2/name: duplicate step authorize',
      '/steps/0/next/1: unknown step "refund"',
      '/steps/1/waitDeadline: a deadline must be longer than zero',
      '/start/0: unknown step "pay"',
      '/escalation/1/after: escalation rungs must be listed in order of their delay (after)',
    ]);
    expect(problems.every((p) => p.origin === 'payment.yaml')).toBe(true);
    const deadline = problems.find((p) => p.path === '/steps/0/deadline');
    expect(deadline).toMatchObject({ line: 4, column: 15 });
    expect(problems.find((p) => p.path === '/start/0')).toMatchObject({ line: 9, column: 9 });
    expect(formatProblem(deadline as DefinitionProblem)).toMatch(
      /^payment\.yaml:4:15 \/steps\/0\/deadline: "5 minutes" is not a duration/,
    );
  });

  it('reports a missing version, a version below 1 and a non-integer version', () => {
    const base = 'process: p\nsteps: [{name: a}]\n';
    expect(brief(problemsOf(base))).toEqual(['/version: Expected required property']);
    expect(brief(problemsOf(`${base}version: 0\n`))).toEqual([
      '/version: Expected integer to be greater or equal to 1',
    ]);
    expect(brief(problemsOf(`${base}version: 1.5\n`))).toEqual(['/version: Expected integer']);
    expect(brief(problemsOf(`${base}version: "2"\n`))).toEqual(['/version: Expected integer']);
  });

  it('reports a definition without steps, and duplicate expectations', () => {
    expect(brief(problemsOf('process: p\nversion: 1\nsteps: []\n'))).toEqual([
      '/steps: Expected array length to be greater or equal to 1',
    ]);
    const twice = `process: p
version: 1
steps: [{name: a}]
expectations:
  - {system: c, process: x, deadline: 5m}
  - {system: c, process: x, deadline: 9m}
`;
    expect(brief(problemsOf(twice))).toEqual(['/expectations/1: duplicate expectation c/x']);
  });

  it('reports YAML syntax errors with their position', () => {
    const problems = problemsOf('process: p\nversion: 1\nsteps: [\n  - name: a\nprocess: q\n');
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatchObject({
      origin: 'payment.yaml',
      path: '/',
      line: expect.any(Number),
    });
  });

  it('reports duplicate keys and an empty or non-object document', () => {
    expect(
      problemsOf('process: p\nprocess: q\nversion: 1\nsteps: [{name: a}]\n')[0]?.message,
    ).toMatch(/unique/);
    expect(brief(problemsOf(''))).toEqual(['/: Expected object']);
    expect(brief(problemsOf('- a\n- b\n'))).toEqual(['/: Expected object']);
  });
});

describe('parseDefinition (decoded JSON, for the HTTP API)', () => {
  it('accepts a valid value and lists problems of an invalid one without positions', () => {
    const ok = parseDefinition({ process: 'p', version: 1, steps: [{ name: 'a' }] }, 'api');
    expect(ok.ok).toBe(true);
    const bad = parseDefinition(
      { process: 'p', version: 1, steps: [{ name: 'a', next: ['b'] }] },
      'api',
    );
    expect(bad).toEqual({
      ok: false,
      problems: [{ origin: 'api', path: '/steps/0/next/0', message: 'unknown step "b"' }],
    });
  });
});
