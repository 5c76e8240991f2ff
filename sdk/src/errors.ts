/**
 * Every error the SDK reports. The SDK never throws into business code: these reach the
 * `onError` callback (and the counters in `ft.stats()`). Only setup throws — a bad
 * options object (`ConfigError`) fails fast in `createFlowtrail` / `sdkOptionsFromEnv`.
 *
 * `retriable` says whether trying the same thing again may succeed.
 */

/** Base class of all Flowtrail SDK errors. */
export class FlowtrailError extends Error {
  /** Stable machine-readable code, e.g. `invalid-event`. */
  readonly code: string;
  /** Whether retrying the same operation may succeed. */
  readonly retriable: boolean;

  constructor(message: string, options: { code: string; retriable: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.retriable = options.retriable;
  }
}

/**
 * Thrown by `createFlowtrail`, `sdkOptionsFromEnv` and transport constructors when the
 * configuration is unusable. Lists every problem found, not only the first.
 */
export class ConfigError extends FlowtrailError {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`invalid Flowtrail SDK configuration:\n  - ${problems.join('\n  - ')}`, {
      code: 'config',
      retriable: false,
    });
    this.problems = problems;
  }
}

/**
 * Reported by the process/step handles when a call would produce an event that breaks
 * protocol v1 (or the event could not be built at all, e.g. the clock threw). The event
 * is not sent; `stats().invalid` counts it.
 */
export class InvalidEventError extends FlowtrailError {
  readonly errors: string[];
  readonly eventType: string;

  constructor(eventType: string, errors: string[], cause?: unknown) {
    super(`invalid ${eventType} event: ${errors.join('; ')}`, {
      code: 'invalid-event',
      retriable: false,
      cause,
    });
    this.errors = errors;
    this.eventType = eventType;
  }
}

/**
 * Reported by the delivery queue when events are discarded: the in-memory queue is full
 * (`reason: 'queue-full'`), the SDK was shut down (`'shutdown'`), or the on-disk spool
 * is full (`'spool-full'`: the newest events are dropped until the spool has room again).
 * `stats().dropped` counts these events (`stats().spoolDropped` the spool's share).
 * Queue-full and spool-full are reported once per overflow episode, not once per event.
 */
export class EventDroppedError extends FlowtrailError {
  readonly reason: 'queue-full' | 'shutdown' | 'spool-full';

  constructor(reason: 'queue-full' | 'shutdown' | 'spool-full', detail: string) {
    super(detail, { code: `dropped-${reason}`, retriable: reason !== 'shutdown' });
    this.reason = reason;
  }
}

/**
 * Thrown by a `Transport` when a send fails. The delivery queue retries it when
 * `retriable` is true. Transports wrap their client's errors in this class (`cause`).
 */
export class TransportError extends FlowtrailError {
  constructor(message: string, options: { retriable: boolean; cause?: unknown }) {
    super(message, { code: 'transport', ...options });
  }
}

/**
 * Reported by the delivery queue when a batch is given up: retries exhausted or the
 * error was not retriable. `stats().failed` counts the batch's events.
 */
export class ExportFailedError extends FlowtrailError {
  readonly events: number;
  readonly attempts: number;

  constructor(events: number, attempts: number, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(`gave up sending ${events} event(s) after ${attempts} attempt(s): ${why}`, {
      code: 'export-failed',
      retriable: false,
      cause,
    });
    this.events = events;
    this.attempts = attempts;
  }
}

/**
 * Reported by the delivery queue when the on-disk spool cannot be used: the directory
 * cannot be created or locked (`operation: 'open'`), a write fails (`'write'`, e.g. no
 * space left), a segment cannot be read (`'read'`) or deleted (`'delete'`), records were
 * found corrupted (`'corrupt'`, not retriable), or closing fails (`'close'`). Never thrown: the batch at
 * hand falls back to the in-memory retries, and the spool is tried again later.
 * `stats().spoolErrors` counts these.
 */
export class SpoolError extends FlowtrailError {
  readonly operation: 'open' | 'write' | 'read' | 'delete' | 'corrupt' | 'close';

  constructor(
    operation: 'open' | 'write' | 'read' | 'delete' | 'corrupt' | 'close',
    message: string,
    cause?: unknown,
  ) {
    const why = cause === undefined ? '' : `: ${cause instanceof Error ? cause.message : cause}`;
    const retriable = operation !== 'corrupt'; // a corrupt record stays corrupt
    super(`spool ${operation}: ${message}${why}`, { code: 'spool', retriable, cause });
    this.operation = operation;
  }
}

/** Reported when the transport's `close()` fails during `shutdown()`. */
export class TransportCloseError extends FlowtrailError {
  constructor(cause: unknown) {
    super(`closing the transport failed: ${cause instanceof Error ? cause.message : cause}`, {
      code: 'transport-close',
      retriable: false,
      cause,
    });
  }
}

/** Wraps anything that is not an Error, so `onError` always receives a FlowtrailError. */
export function asFlowtrailError(err: unknown): FlowtrailError {
  if (err instanceof FlowtrailError) return err;
  return new FlowtrailError(err instanceof Error ? err.message : String(err), {
    code: 'internal',
    retriable: false,
    cause: err,
  });
}
