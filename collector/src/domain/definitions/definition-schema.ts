/**
 * Process definitions (docs/definitions.md): the single source of truth for
 * what a definition file may contain. The TypeBox schemas are plain JSON Schema and
 * give the TypeScript types; `parse-definition.ts` compiles them once and adds the
 * checks a schema cannot express (references between steps, unique names).
 */
import { FormatRegistry, Type, type Static } from '@sinclair/typebox';
import { parseDuration } from '@flowtrail/sdk/protocol';

/** JSON Schema `format` of a duration text (`PT5M`, `5m`, …), see `duration.ts`. */
export const DURATION_FORMAT = 'flowtrail-duration';

if (!FormatRegistry.Has(DURATION_FORMAT)) {
  FormatRegistry.Set(DURATION_FORMAT, (value) => parseDuration(value).ok);
}

const Name = Type.String({ minLength: 1 });
const Duration = Type.String({
  format: DURATION_FORMAT,
  description: 'ISO-8601 duration (PT5M, P1DT2H) or short form (30s, 5m, 2h, 1d, 1h30m)',
});

export const ESCALATION_ACTIONS = [
  're-trigger',
  'notify-owner',
  'escalate',
  'compensate',
  'fail',
] as const;

export const StepSchema = Type.Object(
  {
    name: Name,
    description: Type.Optional(Type.String()),
    owner: Type.Optional(Name),
    /** Deadline of one attempt, counted from its `step.started`. */
    deadline: Type.Optional(Duration),
    /** Deadline of a wait inside the step, counted from its `step.waiting`. */
    waitDeadline: Type.Optional(Duration),
    /** Steps allowed to follow this one; absent = any, `[]` = none (a last step). */
    next: Type.Optional(Type.Array(Name)),
  },
  { additionalProperties: false },
);

export const ExpectationSchema = Type.Object(
  {
    /** The system expected to run the subprocess, e.g. `payments`. */
    system: Name,
    /** The subprocess it is expected to run, e.g. `payment`. */
    process: Name,
    /** Counted from the `expectation.registered` event. */
    deadline: Duration,
  },
  { additionalProperties: false },
);

export const EscalationRungSchema = Type.Object(
  {
    action: Type.Union(ESCALATION_ACTIONS.map((action) => Type.Literal(action))),
    /** Delay after the finding began (its `since`, e.g. the deadline). */
    after: Duration,
    /** Team to escalate to (`escalate`); others go to the step's owner. */
    to: Type.Optional(Name),
  },
  { additionalProperties: false },
);

export const DefinitionSchema = Type.Object(
  {
    process: Name,
    /** A safe integer: a version beyond 2^53 cannot be told from its neighbours. */
    version: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
    description: Type.Optional(Type.String()),
    owner: Type.Optional(Name),
    /**
     * The source systems (CloudEvents `source`) whose instances this definition applies
     * to; absent = every system's. Process names are chosen by each system, so two
     * systems may both run a `payment` that mean different things (applies-to.ts).
     */
    sources: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
    /** Deadline of the whole instance, counted from its `process.started`. */
    deadline: Type.Optional(Duration),
    steps: Type.Array(StepSchema, { minItems: 1 }),
    /** Steps allowed to come first; absent = any. */
    start: Type.Optional(Type.Array(Name)),
    expectations: Type.Optional(Type.Array(ExpectationSchema)),
    escalation: Type.Optional(Type.Array(EscalationRungSchema)),
  },
  { additionalProperties: false },
);

export type EscalationAction = (typeof ESCALATION_ACTIONS)[number];
export type StepDocument = Static<typeof StepSchema>;
export type ExpectationDocument = Static<typeof ExpectationSchema>;
export type EscalationRungDocument = Static<typeof EscalationRungSchema>;
/** A definition exactly as written in its file (durations as text). */
export type DefinitionDocument = Static<typeof DefinitionSchema>;

/** A step with its durations resolved to milliseconds. */
export interface StepDefinition extends StepDocument {
  deadlineMs?: number;
  waitDeadlineMs?: number;
}

export interface ExpectationDefinition extends ExpectationDocument {
  deadlineMs: number;
}

export interface EscalationRung extends EscalationRungDocument {
  afterMs: number;
}

/** A valid definition: the document, its durations in ms, and where it came from. */
export interface ProcessDefinition extends Omit<
  DefinitionDocument,
  'steps' | 'expectations' | 'escalation'
> {
  deadlineMs?: number;
  steps: StepDefinition[];
  expectations: ExpectationDefinition[];
  escalation: EscalationRung[];
  /** File name (or API origin) the definition was read from. */
  origin: string;
}
