/**
 * Nonconformance (docs/detection.md): the steps of an instance came in an order its process
 * definition does not allow. Pure: a function of (state, definition, events?, now).
 *
 * `ConformanceDefinition` is the structural part of a process definition this rule
 * needs; `ProcessDefinition` (definitions/definition-schema.ts) satisfies it.
 * - `start`: steps allowed to come first; absent = any.
 * - `next` of a step: steps allowed to follow it; absent = any, `[]` = none.
 *
 * The step sequence: with the instance's events, every `step.started` in fold order
 * (and the first event of a step that was never started); without them, the steps of
 * the state in order of first appearance. A step is allowed when it repeats the step
 * right before it (a retry), or when it is enabled: by `start` for the first step, by
 * the `next` of a step that ran before it and that it has not consumed yet (so the
 * parallel branches of a split are all allowed). A step the definition does not know is
 * never allowed. One finding per instance, at the first violation, after the grace.
 */
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { isStepType, EventTypes } from '@flowtrail/sdk/protocol';
import { orderEvents } from '../instance/event-order.ts';
import type { InstanceState } from '../instance/instance-state.ts';
import { buildFinding } from './consistency-finding.ts';
import { isDue, nowMs, plusMs, type Now } from './consistency-time.ts';
import type { Finding, JsonValue } from './finding.ts';

export interface ConformanceStep {
  name: string;
  next?: readonly string[];
}

export interface ConformanceDefinition {
  process: string;
  version?: number;
  start?: readonly string[];
  steps: readonly ConformanceStep[];
}

export interface StepOccurrence {
  step: string;
  /** Time of the event that began it. */
  at: string;
}

export interface Violation {
  step: string;
  at: string;
  /** The step right before it; absent for the first step. */
  after?: string;
  /** Steps that were allowed instead; absent when the step is unknown to the definition. */
  allowed?: string[];
  unknownStep?: true;
}

/** The step sequence of an instance (see the file comment). */
export function stepOccurrences(
  state: InstanceState,
  events?: readonly FlowtrailEvent[],
): StepOccurrence[] {
  if (events === undefined) {
    return state.steps.map((step) => ({
      step: step.name,
      at: step.startedAt ?? step.waitingSince ?? step.endedAt ?? state.lastEventAt,
    }));
  }
  const seen = new Set<string>();
  const out: StepOccurrence[] = [];
  for (const event of orderEvents(events)) {
    const step = event.ftstep;
    if (!isStepType(event.type) || step === undefined) continue;
    if (event.type === EventTypes.stepStarted || !seen.has(step))
      out.push({ step, at: event.time });
    seen.add(step);
  }
  return out;
}

/** Every place where the sequence breaks the definition. */
export function conformanceViolations(
  occurrences: readonly StepOccurrence[],
  definition: ConformanceDefinition,
): Violation[] {
  const steps = new Map(definition.steps.map((step) => [step.name, step]));
  const violations: Violation[] = [];
  let any = definition.start === undefined;
  const enabled = new Set(definition.start ?? []);
  let previous: string | undefined;
  for (const { step, at } of occurrences) {
    if (step === previous) continue; // a retry of the same step
    const known = steps.get(step);
    const where: Violation = { step, at };
    if (previous !== undefined) where.after = previous;
    previous = step;
    if (known === undefined) {
      violations.push({ ...where, unknownStep: true });
      any = true; // nothing is known after an unknown step: do not cascade
      continue;
    }
    if (!any && !enabled.has(step)) violations.push({ ...where, allowed: [...enabled].sort() });
    enabled.delete(step);
    any = known.next === undefined;
    for (const next of known.next ?? []) enabled.add(next);
  }
  return violations;
}

function describe(violation: Violation, definition: ConformanceDefinition): string {
  const { step, after, allowed } = violation;
  if (violation.unknownStep)
    return `step ${step} is not in the definition of ${definition.process}`;
  const options = allowed?.length ? allowed.join(', ') : 'no step';
  return after === undefined
    ? `step ${step} came first; ${definition.process} starts with ${options}`
    : `step ${step} came after ${after}; ${definition.process} allows there only ${options}`;
}

function violationJson(violation: Violation): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = { step: violation.step, at: violation.at };
  if (violation.after !== undefined) out.after = violation.after;
  if (violation.allowed !== undefined) out.allowed = violation.allowed;
  if (violation.unknownStep) out.unknownStep = true;
  return out;
}

export interface ConformanceOptions {
  now: Now;
  /** Default 30 000. */
  graceMs?: number;
  /** The instance's events (any order, duplicates allowed), for the full sequence. */
  events?: readonly FlowtrailEvent[];
}

/** A `nonconformance` finding when the instance's step order breaks its definition. */
export function detectNonconformance(
  state: InstanceState,
  definition: ConformanceDefinition,
  options: ConformanceOptions,
): Finding[] {
  if (definition.process !== state.process) return [];
  const violations = conformanceViolations(stepOccurrences(state, options.events), definition);
  const [first] = violations;
  if (first === undefined) return [];
  const since = plusMs(first.at, options.graceMs ?? 30_000);
  if (!isDue(since, nowMs(options.now))) return [];
  const more = violations.length > 1 ? ` (and ${violations.length - 1} more)` : '';
  const details: { [key: string]: JsonValue } = {
    violations: violations.map(violationJson),
    definition: definition.process,
  };
  if (definition.version !== undefined) details.version = definition.version;
  return [
    buildFinding({
      kind: 'nonconformance',
      subject: state,
      step: first.step,
      since,
      summary: `${describe(first, definition)}${more}`,
      details,
    }),
  ];
}
