/**
 * Effective deadlines of an instance (docs/definitions.md "Deadline
 * precedence"): for each open step or wait, the instance itself, and each open
 * expectation, the deadline that applies — from the event, else the definition, else
 * learned history, else none. Pure; `stuck.ts` compares them with `now`.
 *
 * Steps. A running step's deadline counts from its start (`deadline`); a waiting step's
 * from the beginning of the wait (`waitDeadline`), or from its start when the tier has
 * no wait deadline. Per tier, in order:
 * - event: the step's `deadline` (the fold keeps the latest of `step.started` /
 *   `step.waiting`);
 * - definition: the step's `waitDeadline` / `deadline` in the definition;
 * - learned: the step's learned wait / duration deadline.
 * Progress: a tier's deadline that had already passed when the step last moved (its
 * latest `step.started` or `step.waiting` is strictly after it) is stale and skipped —
 * the step made progress after it — and the next tier is tried.
 *
 * Instance: `deadline` on the state (`process.started` `data.deadline`, when the fold
 * carries it), else the definition's `deadline` from `startedAt`. Expectations: their
 * event `deadline`, else the definition's expectation (same system and process) from
 * `registeredAt`. Neither is cleared by progress: they bound the whole instance/wait.
 *
 * Terminal instances have no effective deadline.
 */
import { earliestTime } from '../instance/event-order.ts';
import type { ExpectationState, InstanceState, StepState } from '../instance/instance-state.ts';
import type { ProcessDefinition } from '../definitions/definition-schema.ts';
import { learnedKey, type LearnedDeadlines } from './learned-deadlines.ts';

/** The state, plus the instance deadline once the fold records `process.started` ones. */
export type StuckInput = InstanceState & { deadline?: string };

export interface DeadlineContext {
  /** The definition of the state's process (usually its latest version), if any. */
  definition?: ProcessDefinition;
  learned?: LearnedDeadlines;
}

export type DeadlineSource = 'event' | 'definition' | 'learned';

export type EffectiveDeadline = {
  /** ISO time: the event's own string, or a computed UTC instant. */
  deadline: string;
  deadlineMs: number;
  source: DeadlineSource;
} & (
  | { target: 'step'; step: StepState; phase: 'running' | 'waiting' }
  | { target: 'instance' }
  | { target: 'expectation'; expectation: ExpectationState }
);

interface Candidate {
  deadline: string;
  deadlineMs: number;
  source: DeadlineSource;
}

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

export function isTerminal(state: InstanceState): boolean {
  return TERMINAL.has(state.status);
}

function fromEvent(deadline: string | undefined): Candidate | undefined {
  const ms = deadline === undefined ? NaN : Date.parse(deadline);
  return Number.isNaN(ms)
    ? undefined
    : { deadline: deadline as string, deadlineMs: ms, source: 'event' };
}

function after(
  anchor: string | undefined,
  durationMs: number | undefined,
  source: DeadlineSource,
): Candidate | undefined {
  if (anchor === undefined || durationMs === undefined) return undefined;
  const ms = Date.parse(anchor) + durationMs;
  return Number.isNaN(ms)
    ? undefined
    : { deadline: new Date(ms).toISOString(), deadlineMs: ms, source };
}

/** The step's deadline from one tier's durations: the wait's while waiting, else the attempt's. */
function fromDurations(
  step: StepState,
  durations: { deadlineMs?: number; waitDeadlineMs?: number } | undefined,
  source: DeadlineSource,
): Candidate | undefined {
  if (durations === undefined) return undefined;
  const wait =
    step.status === 'waiting'
      ? after(step.waitingSince, durations.waitDeadlineMs, source)
      : undefined;
  return wait ?? after(step.startedAt, durations.deadlineMs, source);
}

function lastMoveMs(step: StepState): number {
  const moves = [step.startedAt, step.waitingSince].map((t) =>
    t === undefined ? NaN : Date.parse(t),
  );
  return Math.max(-Infinity, ...moves.filter((ms) => !Number.isNaN(ms)));
}

function stepDeadline(
  step: StepState,
  state: InstanceState,
  ctx: DeadlineContext,
): Candidate | undefined {
  const defined = ctx.definition?.steps.find((s) => s.name === step.name);
  const learned = ctx.learned?.get(learnedKey(state.process, step.name));
  const moved = lastMoveMs(step);
  const tiers = [
    () => fromEvent(step.deadline),
    () => fromDurations(step, defined, 'definition'),
    () => fromDurations(step, learned, 'learned'),
  ];
  for (const tier of tiers) {
    const candidate = tier();
    if (candidate !== undefined && !(moved > candidate.deadlineMs)) return candidate;
  }
  return undefined;
}

function expectationDeadline(
  expectation: ExpectationState,
  ctx: DeadlineContext,
): Candidate | undefined {
  const defined = ctx.definition?.expectations.find(
    (e) => e.system === expectation.system && e.process === expectation.process,
  );
  return (
    fromEvent(expectation.deadline) ??
    after(expectation.registeredAt, defined?.deadlineMs, 'definition')
  );
}

/** Every effective deadline of the instance, in state order (steps, instance, expectations). */
export function effectiveDeadlines(state: StuckInput, ctx: DeadlineContext): EffectiveDeadline[] {
  if (isTerminal(state)) return [];
  const out: EffectiveDeadline[] = [];
  for (const step of state.steps) {
    if (step.status !== 'running' && step.status !== 'waiting') continue;
    const candidate = stepDeadline(step, state, ctx);
    if (candidate !== undefined)
      out.push({ ...candidate, target: 'step', step, phase: step.status });
  }
  const instance =
    fromEvent(state.deadline) ?? after(state.startedAt, ctx.definition?.deadlineMs, 'definition');
  if (instance !== undefined) out.push({ ...instance, target: 'instance' });
  for (const expectation of state.expectations) {
    if (expectation.status !== 'open') continue;
    const candidate = expectationDeadline(expectation, ctx);
    if (candidate !== undefined) out.push({ ...candidate, target: 'expectation', expectation });
  }
  return out;
}

/**
 * The earliest effective deadline (ISO), or undefined when nothing can become stuck.
 * The collector stores it on the state and finds overdue instances by querying it;
 * recompute it when the state, the definition or the learned deadlines change.
 */
export function effectiveNextDeadline(state: StuckInput, ctx: DeadlineContext): string | undefined {
  return earliestTime(effectiveDeadlines(state, ctx).map((d) => d.deadline));
}

/**
 * The state with `nextDeadline` = its effective next deadline under `ctx` (omitted when
 * there is none), everything else unchanged. The ingest fold stores
 * `withEffectiveNextDeadline(foldInstance(events), ctx)`; when the definition (or the
 * learned deadlines) change, applying it to a STORED state gives what folding its events
 * again would give — the stored `nextDeadline` is never an input, so re-deriving needs
 * no events. Pure and idempotent.
 */
export function withEffectiveNextDeadline(
  state: InstanceState,
  ctx: DeadlineContext,
): InstanceState {
  const next = effectiveNextDeadline(state, ctx);
  const { nextDeadline: _stored, ...rest } = state;
  return next === undefined ? rest : { ...rest, nextDeadline: next };
}
