/**
 * The client: `createFlowtrail(options)`. Hands out process handles, builds their events
 * and owns the delivery queue. On the caller's thread an emitting call only builds the
 * event (id, time, trace context) and queues it; the protocol validation runs in the
 * delivery path, when the event's batch is taken from the queue (delivery-queue.ts), and
 * an invalid event is reported and counted from there. Nothing here throws into business
 * code after construction.
 */
import { DeliveryQueue, type EventCheck } from './delivery-queue.ts';
import { InvalidEventError, asFlowtrailError, type FlowtrailError } from './errors.ts';
import { buildEvent, isoTime, type EventSpec } from './event-factory.ts';
import type { HeaderCarrier } from './header-carrier.ts';
import { resolveOptions, type FlowtrailOptions, type ResolvedOptions } from './options.ts';
import { activeTrace } from './otel-context.ts';
import { ProcessHandle, type EventSink } from './process-handle.ts';
import { extractContext, type ParentContext } from './propagation.ts';
import type { FlowtrailEvent } from './protocol/schema.ts';
import { isValidEvent } from './protocol/valid-event.ts';
import { eventErrors, validateEvent } from './protocol/validate.ts';
import { Spool } from './spool/spool.ts';
import { emptyStats, type DeliveryStats } from './stats.ts';
import type { TraceContext } from './trace-context.ts';

export interface ProcessOptions {
  /** Instance id, unique within (source, process). Default: a new UUID. */
  instance?: string;
  /** Business keys stamped on every event, e.g. `{ orderId: '4711' }`. */
  businessKeys?: Record<string, string>;
  /** Owner (team or person) of the instance. */
  owner?: string;
  /**
   * Headers of the message that triggered this instance (Kafka or HTTP). Makes it a
   * subprocess: `start()` carries `data.parent` and `ftcausation`, and events inherit the
   * caller's trace context when no OpenTelemetry span is active.
   */
  parentFrom?: HeaderCarrier;
  /** The parent link given explicitly (instead of `parentFrom`). */
  parent?: ParentContext;
  /** Trace context for events emitted while no OpenTelemetry span is active. */
  trace?: TraceContext;
}

/** What `continueFrom(headers)` returns: the extracted context, ready to start a process. */
export interface Continuation {
  parent: ParentContext | undefined;
  trace: TraceContext | undefined;
  process(
    name: string,
    options?: Omit<ProcessOptions, 'parentFrom' | 'parent' | 'trace'>,
  ): ProcessHandle;
}

export class Flowtrail {
  readonly source: string;
  private readonly options: ResolvedOptions;
  private readonly counters: DeliveryStats = emptyStats();
  private readonly queue: DeliveryQueue;
  private readonly sink: EventSink;
  /** The `time` of an event emitted now: the clock's, or (default clock) from `Date.now()`. */
  private readonly now: () => string;

  constructor(options: FlowtrailOptions) {
    this.options = resolveOptions(options);
    this.source = this.options.source;
    const clock = this.options.clock;
    this.now =
      options.clock === undefined ? () => isoTime(Date.now()) : () => clock().toISOString();
    const spool =
      this.options.spool === undefined ? undefined : new Spool<FlowtrailEvent>(this.options.spool);
    this.queue = new DeliveryQueue(
      this.options.transport,
      this.options,
      this.counters,
      (err) => this.report(err),
      spool,
      checkEvent,
    );
    this.sink = {
      source: this.source,
      newId: () => this.newId(),
      emit: (type, build) => this.emitBuilt(type, build),
    };
  }

  /** A handle on one process instance. Emits nothing until you call its methods. */
  process(name: string, options: ProcessOptions = {}): ProcessHandle {
    const ctx = options.parentFrom === undefined ? {} : extractContext(options.parentFrom);
    const parent = options.parent ?? ctx.parent;
    return new ProcessHandle(this.sink, {
      name,
      instance: options.instance ?? this.newId(),
      businessKeys: options.businessKeys,
      owner: options.owner,
      parent,
      trace: options.trace ?? ctx.trace,
    });
  }

  /**
   * Reads the Flowtrail and W3C trace context from received headers, so that the
   * subprocess it starts is linked to the sender without passing ids by hand:
   * `ft.continueFrom(msg.headers).process('shipment').start()`.
   */
  continueFrom(headers: HeaderCarrier | undefined): Continuation {
    const ctx = extractContext(headers);
    return {
      parent: ctx.parent,
      trace: ctx.trace,
      process: (name, options = {}) =>
        this.process(name, { ...options, parent: ctx.parent, trace: ctx.trace }),
    };
  }

  /**
   * Queues an already-built CloudEvent (e.g. re-emitting one from another producer).
   * It is validated like every other event; returns whether it was queued.
   */
  emitEvent(event: FlowtrailEvent): boolean {
    const before = this.counters.invalid;
    this.emitBuilt(String(event?.type), () => event, true);
    return this.counters.invalid === before;
  }

  /**
   * Sends everything queued now; resolves when done (failures go to `onError`). With a
   * spool: also waits until what is on disk was replayed, or one replay attempt failed.
   */
  flush(): Promise<void> {
    return this.queue.flush();
  }

  /**
   * Flushes, then closes the spool (what is still on disk stays there for the next process
   * with the same directory) and the transport. Events emitted afterwards are dropped.
   */
  shutdown(): Promise<void> {
    return this.queue.shutdown();
  }

  /** A snapshot of the delivery counters (with the spool's, all 0 without a spool). */
  stats(): DeliveryStats {
    return this.queue.snapshot();
  }

  private emitBuilt(
    type: string,
    build: () => EventSpec | FlowtrailEvent,
    prebuilt = false,
  ): string {
    let id = '';
    try {
      id = this.newId();
      const built = build();
      if (prebuilt) {
        // emitEvent: its result says whether the event was queued, so it is checked now.
        const event = built as FlowtrailEvent;
        id = typeof event.id === 'string' ? event.id : id;
        const result = validateEvent(event);
        if (!result.ok) {
          this.rejectInvalid(new InvalidEventError(type, result.errors));
          return id;
        }
        this.queue.enqueue(result.event);
        return id;
      }
      // Validated in the delivery path (checkEvent), off the caller's thread.
      this.queue.enqueue(buildEvent(built as EventSpec, id, this.source, this.now, activeTrace()));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.rejectInvalid(new InvalidEventError(type, [`could not build event: ${message}`], err));
    }
    return id;
  }

  private rejectInvalid(err: InvalidEventError): void {
    this.counters.invalid += 1;
    this.report(err);
  }

  private newId(): string {
    try {
      return this.options.newId();
    } catch {
      return crypto.randomUUID();
    }
  }

  private report(err: FlowtrailError): void {
    try {
      this.options.onError(asFlowtrailError(err));
    } catch {
      // the callback's own failure must not reach business code
    }
  }
}

/**
 * The delivery queue's check of each event before it is sent: protocol v1
 * (`validateEvent`'s rules). A valid event is sent as it is: the SDK builds every event
 * with `data`, the one thing `validateEvent`'s copy would add. `isValidEvent` confirms a
 * valid event cheaply; anything it does not confirm gets the full check and its reasons.
 */
function checkEvent(event: FlowtrailEvent): ReturnType<EventCheck> {
  if (isValidEvent(event)) return { ok: true, event };
  const errors = eventErrors(event);
  if (errors !== undefined) {
    return { ok: false, error: new InvalidEventError(String(event.type), errors) };
  }
  return { ok: true, event: event.data === undefined ? { ...event, data: {} } : event };
}

/** Creates a client. Throws `ConfigError` (listing every problem) on bad options. */
export function createFlowtrail(options: FlowtrailOptions): Flowtrail {
  return new Flowtrail(options);
}
