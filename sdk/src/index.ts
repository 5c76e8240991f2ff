/**
 * `@flowtrail/sdk` — emit correlated business-process events (Flowtrail protocol v1,
 * CloudEvents 1.0) from a Node.js service (docs/sdk.md).
 *
 * Public surface:
 * - The client: {@link createFlowtrail} → {@link Flowtrail}. `ft.process(name, opts)` →
 *   {@link ProcessHandle} (`start`, `complete`, `fail`, `cancel`, `step`, `messageSent`,
 *   `messageReceived`, `expect`, `fulfil`, `assignOwner`, `event`, `inject`);
 *   `handle.step(name)` → {@link StepHandle} (`start`, `complete`, `fail`, `waiting`,
 *   `assignOwner`); `ft.continueFrom(headers)` → {@link Continuation}; `ft.flush()`,
 *   `ft.shutdown()`, `ft.stats()` → {@link DeliveryStats} ({@link FlowtrailStats} and the
 *   spool's {@link SpoolStats}). The option types of those
 *   calls: {@link ProcessOptions}, {@link StepOptions}, {@link WaitingOptions},
 *   {@link MessageSentOptions} (→ {@link SentMessage}), {@link MessageReceivedOptions},
 *   {@link ExpectOptions}, {@link EmitOptions}, {@link Instant}.
 * - Configuration: {@link FlowtrailOptions}; from the environment {@link sdkOptionsFromEnv}
 *   and {@link parseSdkEnv} ({@link SdkEnv}); the delivery queue's knobs
 *   {@link DeliveryOptions} and their {@link defaultDeliveryOptions}; the on-disk spool's
 *   {@link SpoolOptions} ({@link DEFAULT_SPOOL_MAX_BYTES}, {@link MIN_SPOOL_MAX_BYTES}).
 * - Transports: the {@link Transport} interface, {@link KafkaTransport} (with
 *   {@link DEFAULT_TOPIC}), {@link HttpTransport} (the collector's `POST` of
 *   {@link EVENTS_PATH} at {@link DEFAULT_COLLECTOR_URL}, {@link HttpRejection}),
 *   {@link MemoryTransport} (for your unit tests).
 * - Propagation: the `flowtrail-parent` / `flowtrail-keys` / `flowtrail-message` headers
 *   plus W3C `traceparent`/`tracestate` ({@link injectContext}, {@link extractContext},
 *   {@link extractParent}, {@link encodeParent}, {@link decodeParent}, the header names,
 *   {@link HeaderCarrier}); trace context ({@link parseTraceparent},
 *   {@link formatTraceparent}, {@link parseTracestate}, {@link formatTracestate},
 *   {@link activeTraceContext} for the active OpenTelemetry span).
 * - Errors (errors.ts, commands/command-errors.ts): every class says who reports it; all
 *   extend {@link FlowtrailError} and carry `retriable`.
 * - Commands from the collector (resend…): {@link handleCommands} → `{ stop, stats }`
 *   ({@link CommandSubscription}, {@link CommandStats}); your {@link CommandHandler}
 *   receives a {@link FlowtrailCommand}.
 * - {@link RecentIds}: the bounded, oldest-forgetting id set the command handler
 *   deduplicates with; exported because the collector remembers acknowledged command ids
 *   with the same one (collector/src/shared/recent-ids.ts). Not part of the event
 *   contract, so not in `@flowtrail/sdk/protocol`.
 * - From the event contract, for convenience: {@link EventTypes}, {@link CommandTypes},
 *   {@link FlowtrailEvent}; all of it (schema, validation, bindings, instance keys,
 *   durations) is `@flowtrail/sdk/protocol`.
 *
 * Guarantees: no method of a handle or of the client throws into business code after
 * `createFlowtrail` returned; problems go to `onError` and the counters.
 */
export { createFlowtrail, Flowtrail } from './flowtrail.ts';
export type { Continuation, ProcessOptions } from './flowtrail.ts';
export { ProcessHandle } from './process-handle.ts';
export type {
  ExpectOptions,
  MessageReceivedOptions,
  MessageSentOptions,
  SentMessage,
} from './process-handle.ts';
export { StepHandle } from './step-handle.ts';
export type { StepOptions, WaitingOptions } from './step-handle.ts';
export type { EmitOptions, Instant } from './event-factory.ts';
export type { FlowtrailOptions, SpoolOptions } from './options.ts';
export { DEFAULT_SPOOL_MAX_BYTES, MIN_SPOOL_MAX_BYTES } from './options.ts';
export { defaultDeliveryOptions } from './delivery-queue.ts';
export type { DeliveryOptions } from './delivery-queue.ts';
export { sdkOptionsFromEnv, parseSdkEnv } from './env/env-options.ts';
export type { SdkEnv } from './env/env-options.ts';
export type { DeliveryStats, FlowtrailStats, SpoolStats } from './stats.ts';
export type { Transport } from './transport.ts';
export { KafkaTransport, DEFAULT_TOPIC } from './transports/kafka-transport.ts';
export type { KafkaTransportOptions } from './transports/kafka-transport.ts';
export { MemoryTransport } from './transports/memory-transport.ts';
export { DEFAULT_COLLECTOR_URL, EVENTS_PATH, HttpTransport } from './transports/http-transport.ts';
export type { HttpRejection, HttpTransportOptions } from './transports/http-transport.ts';
export {
  ConfigError,
  EventDroppedError,
  ExportFailedError,
  FlowtrailError,
  InvalidEventError,
  SpoolError,
  TransportCloseError,
  TransportError,
} from './errors.ts';
export {
  KEYS_HEADER,
  MESSAGE_HEADER,
  PARENT_HEADER,
  TRACEPARENT_HEADER,
  TRACESTATE_HEADER,
  decodeParent,
  encodeParent,
  extractContext,
  extractParent,
  extractTraceContext,
  injectContext,
} from './propagation.ts';
export type { ParentContext, PropagatedContext } from './propagation.ts';
export type { HeaderCarrier, HeaderValue } from './header-carrier.ts';
export {
  formatTraceparent,
  formatTracestate,
  parseTraceparent,
  parseTracestate,
} from './trace-context.ts';
export type { TraceContext, TraceParent } from './trace-context.ts';
export { activeTraceContext } from './otel-context.ts';
export { RecentIds } from './recent-ids.ts';
export { handleCommands } from './commands/handle-commands.ts';
export type { CommandSubscription, HandleCommandsOptions } from './commands/handle-commands.ts';
export type { CommandHandler, CommandStats } from './commands/command-runner.ts';
export type { HttpCommandsOptions } from './commands/http-command-poller.ts';
export type { KafkaCommandsOptions } from './commands/kafka-command-consumer.ts';
export { CommandHandlerError, InvalidCommandError } from './commands/command-errors.ts';
export { CommandTypes } from './protocol/command.ts';
export type { FlowtrailCommand, ResendCommand } from './protocol/command.ts';
export { EventTypes } from './protocol/event-types.ts';
export type { FlowtrailEvent } from './protocol/schema.ts';
