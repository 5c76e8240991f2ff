/**
 * The errors the application layer (app/) throws on purpose, in its own terms: what went
 * wrong, not which HTTP status says so. The HTTP adapter maps them onto statuses
 * (adapters/http/http-error.ts `errorResponse`): not-found → 404, invalid → 400,
 * unavailable → 503. Each says whether the same request may succeed later (`retriable`).
 */
export type AppErrorKind = 'not-found' | 'invalid' | 'unavailable';

export abstract class AppError extends Error {
  abstract readonly kind: AppErrorKind;

  constructor(
    message: string,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Thrown by the queries (app/queries/) for an instance or process nobody has seen. */
export class NotFoundError extends AppError {
  readonly kind = 'not-found';

  constructor(message: string) {
    super(message, false);
  }
}

/** Thrown by the queries for a request that can never be answered as asked. */
export class InvalidRequestError extends AppError {
  readonly kind = 'invalid';

  constructor(
    message: string,
    /** Every problem found, when there are several. */
    readonly problems?: readonly string[],
  ) {
    super(message, false);
  }
}

/**
 * Thrown when this node cannot serve the request now (the live hub is full or shutting
 * down: retriable) or at all (a part it needs is not enabled here: not retriable).
 */
export class UnavailableError extends AppError {
  readonly kind = 'unavailable';
}
