/**
 * `@flowtrail/sdk/protocol` — the public contract (protocol v1) between the systems that
 * emit events, the collector and the dashboard. Everything here is pure: no IO, no
 * clock, nothing of the rest of the SDK (the `sdk-core-does-not-reach-transports` rule
 * of .dependency-cruiser.cjs), so the collector and the dashboard import it without the
 * client and its transports.
 *
 * Public surface:
 * - Event types (event-types.ts): {@link EventTypes} (the `flowtrail.*` types),
 *   {@link FlowtrailEventType}, {@link FLOWTRAIL_TYPE_PREFIX}, {@link isFlowtrailType},
 *   {@link isStepType}.
 * - Schema (schema.ts): the TypeBox schemas, which are plain JSON Schema
 *   ({@link EnvelopeSchema}, {@link DataSchemas}, {@link CommonData}, {@link ErrorInfo},
 *   {@link ParentLink}), the types they give ({@link FlowtrailEvent}, {@link EventData}),
 *   {@link PROTOCOL_VERSION} and {@link SCHEMA_VERSION}.
 * - Validation (validate.ts): {@link validateEvent} → `{ ok, event }` or
 *   `{ ok: false, errors }`; {@link isRfc3339} for event times.
 * - Integrity (integrity.ts): what is checked before the schema so hostile input is a
 *   rejection, not an exception — {@link MAX_NESTING_DEPTH}, {@link findIntegrityProblem},
 *   {@link decodeUtf8Strict}, {@link isWellFormedText}, {@link toWellFormedText}.
 * - Bindings (codec.ts): CloudEvents over Kafka (structured and binary mode) and HTTP —
 *   {@link decodeKafkaMessage}, {@link decodeHttpSingle}, {@link encodeStructured},
 *   {@link encodeKafkaBinary}, the content types and {@link RejectionReason} (what the
 *   dead-letter topic says).
 * - Instance keys (instance-key.ts): {@link instanceKey}, {@link instanceKeyOf},
 *   {@link parseInstanceKey} — the Kafka partition key and the id of an instance's state.
 * - Event identity (event-identity.ts): {@link eventIdentity} — an
 *   event is (`source`, `id`); the same id from two sources is two events.
 * - Commands (command.ts): what the collector asks a system to do —
 *   {@link CommandTypes}, {@link ResendCommand} / {@link FlowtrailCommand},
 *   {@link validateCommand}, {@link encodeCommand}, {@link decodeCommand}, their topic
 *   and HTTP paths.
 * - Durations (duration.ts): {@link parseDuration}, the one reader of the duration texts
 *   of process definitions and alert silences (`PT5M`, `1h30m`), shared by the collector
 *   and the dashboard.
 */
export * from './event-types.ts';
export * from './schema.ts';
export * from './validate.ts';
export * from './integrity.ts';
export * from './codec.ts';
export * from './instance-key.ts';
export * from './event-identity.ts';
export * from './command.ts';
export * from './duration.ts';
