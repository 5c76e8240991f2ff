/**
 * `@flowtrail/sdk/protocol` — the public event contract (protocol v1), shared by the SDK
 * and the collector: schema and types (`schema.ts`), the `flowtrail.*` types
 * (`event-types.ts`), validation (`validate.ts`) and the Kafka/HTTP bindings (`codec.ts`).
 * Everything here is pure: no IO, no clock.
 */
export * from './event-types.ts';
export * from './schema.ts';
export * from './validate.ts';
export * from './codec.ts';
export * from './instance-key.ts';
export * from './command.ts';
