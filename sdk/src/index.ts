/**
 * `@flowtrail/sdk` — emit correlated business-process events (Flowtrail protocol v1,
 * CloudEvents 1.0) from a Node.js service.
 *
 * Public surface:
 * - {@link createFlowtrail} / {@link Flowtrail}: the client. `ft.process(name, opts)` →
 *   {@link ProcessHandle} (`start`, `complete`, `fail`, `cancel`, `step`, `messageSent`,
 *   `messageReceived`, `expect`, `fulfil`, `assignOwner`, `event`, `inject`);
 *   `handle.step(name)` → {@link StepHandle} (`start`, `complete`, `fail`, `waiting`,
 *   `assignOwner`); `ft.continueFrom(headers)`; `ft.flush()`, `ft.shutdown()`,
 *   `ft.stats()`.
 * - Transports: the {@link Transport} interface, {@link KafkaTransport},
 *   {@link MemoryTransport} (for your unit tests).
 * - Configuration: {@link FlowtrailOptions}, {@link sdkOptionsFromEnv}.
 * - Propagation: `flowtrail-parent` / `flowtrail-keys` / `flowtrail-message` headers plus
 *   W3C `traceparent`/`tracestate` ({@link injectContext}, {@link extractContext},
 *   {@link parseTraceparent}, …).
 * - Errors (errors.ts): every class says who reports it; all carry `retriable`.
 * - Commands from the collector (resend…): {@link handleCommands} → `{ stop, stats }`.
 * - The event contract itself: `@flowtrail/sdk/protocol`.
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
export type { FlowtrailOptions } from './options.ts';
export { defaultDeliveryOptions } from './batch-processor.ts';
export type { DeliveryOptions } from './batch-processor.ts';
export { sdkOptionsFromEnv, parseSdkEnv } from './env-options.ts';
export type { SdkEnv } from './env-options.ts';
export type { FlowtrailStats } from './stats.ts';
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
