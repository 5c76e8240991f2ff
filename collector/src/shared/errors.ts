/**
 * Every error the collector pipeline throws on purpose. Each class names the component
 * that throws it and says whether the operation may succeed when retried, so callers
 * (the retrier, the Kafka consumer) decide from `retriable` alone, never from messages.
 */
export type ErrorSource =
  'config' | 'storage' | 'dead-letter' | 'retrier' | 'kafka-setup' | 'dashboard';

export abstract class CollectorError extends Error {
  abstract readonly source: ErrorSource;
  abstract readonly retriable: boolean;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Thrown by `config.ts` when the environment is invalid; lists every problem at once. */
export class ConfigError extends CollectorError {
  readonly source = 'config';
  readonly retriable = false;

  /** `subject` names the role whose configuration it is (`flowtrail query`: "query node"). */
  constructor(
    readonly problems: readonly string[],
    subject = 'collector',
  ) {
    super(`invalid ${subject} configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/**
 * Thrown by a storage adapter (`storage/**`) when a whole request failed. `retriable`
 * is true for an unreachable, slow or overloaded store (connection error, timeout,
 * 429, 5xx) and false for requests the store will never accept.
 */
export class StorageError extends CollectorError {
  readonly source = 'storage';

  constructor(
    message: string,
    readonly retriable: boolean,
    readonly statusCode?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Thrown by the dead-letter producer (`pipeline/kafka-dead-letter-sink.ts`). */
export class DeadLetterError extends CollectorError {
  readonly source = 'dead-letter';

  constructor(
    message: string,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Thrown by the retrier (`retry/retrier.ts`) when the collector stops while it waits. */
export class RetryAbortedError extends CollectorError {
  readonly source = 'retrier';
  readonly retriable = false;

  constructor(operation: string, options?: { cause?: unknown }) {
    super(`${operation}: retry abandoned because the collector is stopping`, options);
  }
}

/** Thrown at start-up (`pipeline/topics.ts`) when the Kafka topics cannot be prepared. */
export class KafkaSetupError extends CollectorError {
  readonly source = 'kafka-setup';

  constructor(
    message: string,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Thrown by `embedded/dashboard/**` when `flowtrail up` cannot build or start the Next.js
 * dashboard (missing package, failed `next build`, `next start` that exits or never
 * answers). Not retriable: the output it carries says what to fix.
 */
export class DashboardError extends CollectorError {
  readonly source = 'dashboard';
  readonly retriable = false;
}

/** True when `err` says the same operation may succeed later. Unknown errors are not. */
export function isRetriable(err: unknown): boolean {
  return err instanceof CollectorError && err.retriable;
}
