/**
 * Commands: what the collector asks a system to do (see docs/commands.md). A command is a
 * CloudEvent too, but never a process event: the `flowtrail.command.*` types are reserved
 * for it, `validateEvent` refuses them, and they travel on their own topic
 * (`flowtrail.commands`) or through the collector's `GET /api/commands`.
 *
 * Protocol v1 knows one command, `flowtrail.command.resend`: "system `fttarget`, resend
 * the start/completion/message of instance (`ftprocess`, `ftinstance`)". Its `id` is the
 * idempotency key: a service handles each command id once. Pure: no IO, no clock.
 */
import { FormatRegistry, Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { STRUCTURED_CONTENT_TYPE } from './codec.ts';
import { isRfc3339 } from './validate.ts';

if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', isRfc3339);

/** Prefix reserved for commands; no event may use it. */
export const COMMAND_TYPE_PREFIX = 'flowtrail.command.';
export const CommandTypes = { resend: 'flowtrail.command.resend' } as const;
export type CommandType = (typeof CommandTypes)[keyof typeof CommandTypes];
/** The `source` of every command. */
export const COMMAND_SOURCE = 'flowtrail-collector';
/** The Kafka topic of commands (message key = `fttarget`). */
export const DEFAULT_COMMANDS_TOPIC = 'flowtrail.commands';
/** The collector's HTTP delivery of commands (long-poll) and their acknowledgement. */
export const COMMANDS_PATH = '/api/commands';
export const COMMANDS_ACK_PATH = '/api/commands/ack';

/** Why a resend is asked for; other strings are allowed (future rules). */
export type ResendReason = 'missing-subprocess' | 'lost-completion' | 'stuck' | (string & {});
/** What to resend: the start of a subprocess, a completion, or one message. */
export type ResendWhat = 'start' | 'completion' | 'message' | (string & {});

const NonEmpty = Type.String({ minLength: 1 });

export const ResendCommandData = Type.Object(
  {
    reason: NonEmpty,
    what: NonEmpty,
    expectationId: Type.Optional(NonEmpty),
    messageId: Type.Optional(NonEmpty),
    step: Type.Optional(NonEmpty),
    /** The finding that caused the command (stable across attempts). */
    findingId: NonEmpty,
    /** 1 for the first re-trigger of a finding, 2 for the next, … */
    attempt: Type.Integer({ minimum: 1 }),
  },
  { additionalProperties: true },
);

const ExtensionValue = Type.Union([Type.String(), Type.Number(), Type.Boolean()]);

export const ResendCommandSchema = Type.Object(
  {
    specversion: Type.Literal('1.0'),
    id: NonEmpty,
    source: Type.Literal(COMMAND_SOURCE),
    type: Type.Literal(CommandTypes.resend),
    time: Type.String({ format: 'date-time' }),
    datacontenttype: Type.Optional(Type.String()),
    /** The system that must act (B to resend a start, C to resend a completion). */
    fttarget: NonEmpty,
    /** Process and instance of the target system that the command is about. */
    ftprocess: NonEmpty,
    ftinstance: NonEmpty,
    traceparent: Type.Optional(Type.String()),
    tracestate: Type.Optional(Type.String()),
    data: ResendCommandData,
  },
  { additionalProperties: ExtensionValue },
);

export type ResendCommandData = Omit<Static<typeof ResendCommandData>, 'reason' | 'what'> & {
  reason: ResendReason;
  what: ResendWhat;
  [key: string]: unknown;
};
export type ResendCommand = Omit<Static<typeof ResendCommandSchema>, 'data'> & {
  data: ResendCommandData;
};
/** Every command of protocol v1 (one kind today). */
export type FlowtrailCommand = ResendCommand;

const resendCheck = TypeCompiler.Compile(ResendCommandSchema);

export type CommandValidationResult =
  { ok: true; command: FlowtrailCommand } | { ok: false; errors: string[] };

/** True for `flowtrail.command.*`, the reserved command types. */
export function isCommandType(type: unknown): boolean {
  return typeof type === 'string' && type.startsWith(COMMAND_TYPE_PREFIX);
}

/** Validates a decoded command (structured-mode JSON). Returns every problem; never throws. */
export function validateCommand(value: unknown): CommandValidationResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, errors: ['command must be a JSON object'] };
  }
  const raw = value as Record<string, unknown>;
  if (!isCommandType(raw.type)) {
    return {
      ok: false,
      errors: [`/type: not a Flowtrail command (expected ${COMMAND_TYPE_PREFIX}*)`],
    };
  }
  if (raw.type !== CommandTypes.resend) {
    return { ok: false, errors: [`/type: unknown command type ${JSON.stringify(raw.type)}`] };
  }
  const errors = [...resendCheck.Errors(raw)].map((e) => `${e.path || '/'}: ${e.message}`);
  if (raw.datacontenttype !== undefined && !/json/i.test(String(raw.datacontenttype))) {
    errors.push('/datacontenttype: data must be JSON');
  }
  if (errors.length > 0) return { ok: false, errors: [...new Set(errors)] };
  return { ok: true, command: raw as FlowtrailCommand };
}

/** The Kafka value of a command: structured-mode JSON (header `content-type` below). */
export function encodeCommand(command: FlowtrailCommand): Buffer {
  return Buffer.from(JSON.stringify(command), 'utf8');
}

export const COMMAND_CONTENT_TYPE = STRUCTURED_CONTENT_TYPE;

/** Decodes and validates a Kafka value (or HTTP body) holding one command. */
export function decodeCommand(bytes: Buffer | string | null | undefined): CommandValidationResult {
  if (bytes === null || bytes === undefined) return { ok: false, errors: ['empty message'] };
  let value: unknown;
  try {
    value = JSON.parse(typeof bytes === 'string' ? bytes : bytes.toString('utf8'));
  } catch (err) {
    return { ok: false, errors: [`not JSON: ${err instanceof Error ? err.message : err}`] };
  }
  return validateCommand(value);
}
