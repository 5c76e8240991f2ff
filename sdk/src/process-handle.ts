/**
 * One process instance in this system: `ft.process('order-fulfilment', {...})`.
 * Every method emits one event (or none, for `step()` and `inject()`) and never throws:
 * invalid calls are reported through `onError` and counted in `stats().invalid`.
 */
import { EventTypes } from './protocol/event-types.ts';
import {
  errorInfo,
  toIso,
  type EmitOptions,
  type EventSpec,
  type Instant,
} from './event-factory.ts';
import { activeTrace } from './otel-context.ts';
import type { HeaderCarrier } from './header-carrier.ts';
import { extractParent, injectContext, type ParentContext } from './propagation.ts';
import { StepHandle, type StepOptions } from './step-handle.ts';
import type { TraceContext } from './trace-context.ts';

// A step's `process` is its ProcessHandle: step-handle.ts types it as the `StepProcess`
// it needs, without importing this file (which imports it); here that interface becomes
// the whole ProcessHandle, so `step.process` keeps the ProcessHandle type for users.
declare module './step-handle.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- only adds the base
  interface StepProcess extends ProcessHandle {}
}

/** Where handles send their events (implemented by the Flowtrail client). */
export interface EventSink {
  readonly source: string;
  newId(): string;
  /** Builds (inside a try), validates and enqueues; returns the event id. */
  emit(type: string, build: () => EventSpec): string;
}

export interface ProcessHandleInit {
  name: string;
  instance: string;
  businessKeys?: Record<string, string>;
  owner?: string;
  parent?: ParentContext;
  trace?: TraceContext;
}

export interface MessageSentOptions extends EmitOptions {
  /** Receiving system. */
  to: string;
  /** Defaults to a new UUID; travels in the `flowtrail-message` header. */
  messageId?: string;
  /** The expectation the receiver fulfils by running its subprocess (from `expect`). */
  expectationId?: string;
  /** Headers object to write the propagation headers into (Kafka or HTTP). */
  headers?: Record<string, unknown>;
}

export interface MessageReceivedOptions extends EmitOptions {
  /** Headers of the received message: supplies `from`, `messageId` and the causation. */
  headers?: HeaderCarrier;
  from?: string;
  messageId?: string;
}

export interface ExpectOptions extends EmitOptions {
  /** The system expected to run a subprocess for this instance. */
  system: string;
  /** The subprocess it is expected to run. */
  process: string;
  /** Until when; after it the collector reports a missing subprocess. */
  deadline?: Instant;
  /** Defaults to a new UUID. */
  expectationId?: string;
}

/** What `messageSent` returns: ids plus the headers to put on the outgoing message. */
export interface SentMessage {
  eventId: string;
  messageId: string;
  headers: Record<string, string>;
}

export class ProcessHandle {
  readonly name: string;
  readonly instance: string;
  readonly businessKeys: Record<string, string>;
  /** Instance owner, stamped as `ftowner` on instance events; see `assignOwner`. */
  owner: string | undefined;
  /** The parent instance in another system, when started from propagated headers. */
  readonly parent: ParentContext | undefined;
  /** Id of the last event this handle emitted (the causation for outgoing messages). */
  lastEventId: string | undefined;
  private readonly trace: TraceContext | undefined;
  private readonly steps = new Map<string, StepHandle>();

  constructor(
    private readonly sink: EventSink,
    init: ProcessHandleInit,
  ) {
    this.name = init.name;
    this.instance = init.instance;
    this.businessKeys = { ...init.parent?.businessKeys, ...init.businessKeys };
    this.owner = init.owner;
    this.parent = init.parent;
    this.trace = init.trace;
  }

  get source(): string {
    return this.sink.source;
  }

  /**
   * `flowtrail.process.started`. For a subprocess (started from propagated headers) it
   * carries `data.parent` and `ftcausation` = the sending event's id.
   */
  start(options: EmitOptions & { deadline?: Instant } = {}): string {
    const parent = this.parent;
    // The parent's event is the causation, unless the call names one (even `undefined`).
    const withCausation =
      parent === undefined || ownEnumerable(options, 'causation')
        ? options
        : { ...options, causation: parent.eventId };
    return this.emitSpec(EventTypes.processStarted, withCausation, () => ({
      deadline: options.deadline === undefined ? undefined : toIso(options.deadline),
      parent:
        parent === undefined
          ? undefined
          : {
              source: parent.source,
              process: parent.process,
              instance: parent.instance,
              ...(parent.expectationId === undefined
                ? {}
                : { expectationId: parent.expectationId }),
            },
    }));
  }

  complete(options: EmitOptions = {}): string {
    return this.emitSpec(EventTypes.processCompleted, options, () => ({}));
  }

  fail(err: unknown, options: EmitOptions = {}): string {
    return this.emitSpec(EventTypes.processFailed, options, () => ({ error: errorInfo(err) }));
  }

  cancel(options: EmitOptions & { reason?: string } = {}): string {
    return this.emitSpec(EventTypes.processCancelled, options, () => ({ reason: options.reason }));
  }

  /** The handle of step `name` (same handle for the same name); emits nothing. */
  step(name: string, options: StepOptions = {}): StepHandle {
    let step = this.steps.get(name);
    if (step === undefined) {
      step = new StepHandle(this, name, options);
      this.steps.set(name, step);
    } else if (options.owner !== undefined) {
      step.owner = options.owner;
    }
    return step;
  }

  /**
   * `flowtrail.message.sent`, and the headers that carry this instance's context (with
   * this event as causation) and the trace context to the receiver.
   */
  messageSent(options: MessageSentOptions): SentMessage {
    const messageId = options.messageId ?? this.sink.newId();
    const eventId = this.emitSpec(EventTypes.messageSent, options, () => ({
      messageId,
      to: options.to,
      expectationId: options.expectationId,
    }));
    const headers = this.inject(options.headers ?? {}, {
      eventId,
      messageId,
      expectationId: options.expectationId,
    });
    return { eventId, messageId, headers };
  }

  /** `flowtrail.message.received`; `headers` fill in `from`, `messageId` and causation. */
  messageReceived(options: MessageReceivedOptions): string {
    return this.emitSpec(EventTypes.messageReceived, options, () => {
      const ctx = options.headers === undefined ? undefined : extractParent(options.headers);
      return {
        messageId: options.messageId ?? ctx?.messageId,
        from: options.from ?? ctx?.source,
        causation: ctx?.eventId,
      };
    });
  }

  /** `flowtrail.expectation.registered`; returns the expectation id to send along. */
  expect(options: ExpectOptions): string {
    const expectationId = options.expectationId ?? this.sink.newId();
    this.emitSpec(EventTypes.expectationRegistered, options, () => ({
      expectationId,
      system: options.system,
      process: options.process,
      deadline: options.deadline === undefined ? undefined : toIso(options.deadline),
    }));
    return expectationId;
  }

  /** `flowtrail.expectation.fulfilled`. */
  fulfil(expectationId: string, options: EmitOptions = {}): string {
    return this.emitSpec(EventTypes.expectationFulfilled, options, () => ({ expectationId }));
  }

  /**
   * `flowtrail.owner.assigned` (owner in `ftowner`). With `step`, assigns that step;
   * otherwise the instance. Later events carry the new owner.
   */
  assignOwner(owner: string, options: EmitOptions & { step?: string } = {}): string {
    if (options.step === undefined) this.owner = owner;
    else this.step(options.step).owner = owner;
    return this.emitSpec(EventTypes.ownerAssigned, options, () => ({}), {
      owner,
      step: options.step,
    });
  }

  /** A custom business event of this instance, e.g. `billing.invoice.sent`. */
  event(type: string, data: Record<string, unknown> = {}, options: EmitOptions = {}): string {
    return this.emitSpec(type, options, () => ({ ...data }));
  }

  /**
   * Writes this instance's context (causation = `eventId`, default the last event) and
   * the active trace context into `carrier`, and returns it.
   */
  inject<C extends Record<string, unknown>>(
    carrier: C,
    extra: { eventId?: string; messageId?: string; expectationId?: string } = {},
  ): C & Record<string, string> {
    const parent: ParentContext = {
      source: this.sink.source,
      process: this.name,
      instance: this.instance,
      eventId: extra.eventId ?? this.lastEventId,
    };
    if (extra.messageId !== undefined) parent.messageId = extra.messageId;
    if (extra.expectationId !== undefined) parent.expectationId = extra.expectationId;
    if (hasKeys(this.businessKeys)) parent.businessKeys = { ...this.businessKeys };
    return injectContext(carrier, { parent, trace: activeTrace() ?? this.trace });
  }

  /** @internal Used by StepHandle: builds the spec lazily so a bad Date is reported. */
  emitSpec(
    type: string,
    options: EmitOptions,
    data: () => Record<string, unknown>,
    extra: { step?: string; owner?: string } = {},
  ): string {
    const id = this.sink.emit(type, () => {
      const built = eventData(this.businessKeys, options?.attributes, data());
      return {
        type,
        process: this.name,
        instance: this.instance,
        step: extra.step,
        owner: extra.owner ?? this.owner,
        causation: options?.causation ?? built.causation,
        time: options?.time,
        data: built.data,
        fallbackTrace: this.trace,
      };
    });
    this.lastEventId = id;
    return id;
  }
}

/** Whether `{ ...value }` would copy `key` (never throws, whatever `value` is). */
function ownEnumerable(value: unknown, key: string): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.prototype.propertyIsEnumerable.call(value, key)
  );
}

/** True when `record` has an own enumerable key (without allocating the key list). */
function hasKeys(record: Record<string, unknown>): boolean {
  for (const key in record) if (Object.hasOwn(record, key)) return true;
  return false;
}

/**
 * `data` of an event: `{ businessKeys, attributes, ...fields }` without the undefined
 * values, and `fields.causation` taken out (it becomes `ftcausation`). One object, built
 * in place (no spread, no second copy).
 */
function eventData(
  businessKeys: Record<string, string>,
  attributes: Record<string, unknown> | undefined,
  fields: Record<string, unknown>,
): { data: Record<string, unknown>; causation: string | undefined } {
  const data: Record<string, unknown> = {};
  if (hasKeys(businessKeys)) data.businessKeys = businessKeys;
  if (attributes !== undefined) data.attributes = attributes;
  let causation: string | undefined;
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (key === 'causation') causation = value as string | undefined;
    else if (value !== undefined) data[key] = value;
    else if (key in data) delete data[key]; // `fields` overrides, as the spread did
  }
  return { data, causation };
}
