/**
 * Protocol v1: the single source of truth for what a Flowtrail event is.
 * TypeBox schemas are plain JSON Schema (draft 2020-12 compatible) and give the
 * TypeScript types; `validate.ts` compiles them once.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

export const PROTOCOL_VERSION = 1;
/** Bumped whenever the schema below changes in a compatible way. */
export const SCHEMA_VERSION = '1.0.0';

const NonEmpty = Type.String({ minLength: 1 });
const DateTime = Type.String({ format: 'date-time' });

export const ErrorInfo = Type.Object(
  { message: Type.String(), code: Type.Optional(Type.String()) },
  { additionalProperties: true },
);

export const ParentLink = Type.Object(
  {
    source: NonEmpty,
    process: NonEmpty,
    instance: NonEmpty,
    expectationId: Type.Optional(NonEmpty),
  },
  { additionalProperties: false },
);

/** Fields every `data` object may carry. */
const commonData = {
  businessKeys: Type.Optional(Type.Record(Type.String(), Type.String())),
  attributes: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  error: Type.Optional(ErrorInfo),
  deadline: Type.Optional(DateTime),
};

function data<P extends Record<string, TSchema>>(props: P) {
  return Type.Object({ ...commonData, ...props }, { additionalProperties: true });
}

/** `data` of each flowtrail.* type. Custom types use `CommonData`. */
export const DataSchemas = {
  'flowtrail.process.started': data({ parent: Type.Optional(ParentLink) }),
  'flowtrail.process.completed': data({}),
  'flowtrail.process.failed': data({}),
  'flowtrail.process.cancelled': data({}),
  'flowtrail.step.started': data({}),
  'flowtrail.step.completed': data({}),
  'flowtrail.step.failed': data({}),
  'flowtrail.step.waiting': data({ for: Type.Optional(Type.String()) }),
  'flowtrail.message.sent': data({ messageId: NonEmpty, to: NonEmpty }),
  'flowtrail.message.received': data({ messageId: NonEmpty, from: NonEmpty }),
  'flowtrail.expectation.registered': data({
    expectationId: NonEmpty,
    system: NonEmpty,
    process: NonEmpty,
  }),
  'flowtrail.expectation.fulfilled': data({ expectationId: NonEmpty }),
  'flowtrail.owner.assigned': data({}),
} as const;

export const CommonData = data({});

const ExtensionValue = Type.Union([Type.String(), Type.Number(), Type.Boolean()]);

/** The CloudEvents 1.0 envelope with Flowtrail's extension attributes. */
export const EnvelopeSchema = Type.Object(
  {
    specversion: Type.Literal('1.0'),
    id: NonEmpty,
    source: NonEmpty,
    type: NonEmpty,
    time: DateTime,
    datacontenttype: Type.Optional(Type.String()),
    dataschema: Type.Optional(Type.String()),
    subject: Type.Optional(Type.String()),
    ftprocess: Type.Optional(NonEmpty),
    ftinstance: Type.Optional(NonEmpty),
    ftstep: Type.Optional(NonEmpty),
    ftowner: Type.Optional(NonEmpty),
    ftcausation: Type.Optional(NonEmpty),
    traceparent: Type.Optional(Type.String()),
    tracestate: Type.Optional(Type.String()),
    data: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  // CloudEvents allows further extension attributes (string, number or boolean).
  { additionalProperties: ExtensionValue },
);

export type ErrorInfo = Static<typeof ErrorInfo>;
export type ParentLink = Static<typeof ParentLink>;
export type EventData = Static<typeof CommonData> & {
  parent?: ParentLink;
  for?: string;
  messageId?: string;
  to?: string;
  from?: string;
  expectationId?: string;
  system?: string;
  process?: string;
  [key: string]: unknown;
};

/** A validated Flowtrail event: every instance event carries process + instance. */
export type FlowtrailEvent = Omit<Static<typeof EnvelopeSchema>, 'data'> & {
  ftprocess: string;
  ftinstance: string;
  data: EventData;
};
