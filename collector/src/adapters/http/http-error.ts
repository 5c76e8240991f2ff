/**
 * Errors the HTTP API answers with. Each carries its status code and whether the client
 * may succeed by sending the same request again (`retriable`), and becomes the JSON body
 * `{error, retriable, problems?}`.
 */
import { AppError, type AppErrorKind } from '../../app/errors.ts';
import { isRetriable } from '../../shared/errors.ts';

/** The status of each kind of application error. */
const APP_ERROR_STATUS: Record<AppErrorKind, number> = {
  'not-found': 404,
  invalid: 400,
  unavailable: 503,
};

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retriable = false,
    /** Every problem found (e.g. each bad query parameter), when there are several. */
    readonly problems?: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HttpError';
  }
}

export interface ErrorBody {
  error: string;
  retriable: boolean;
  problems?: string[];
}

/**
 * Status and body for any error: an `HttpError` as is, an application error by its kind,
 * a retriable store failure as 503.
 */
export function errorResponse(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof HttpError) {
    return {
      status: err.status,
      body: {
        error: err.message,
        retriable: err.retriable,
        ...(err.problems === undefined ? {} : { problems: [...err.problems] }),
      },
    };
  }
  if (err instanceof AppError) {
    const problems = (err as { problems?: readonly string[] }).problems;
    return {
      status: APP_ERROR_STATUS[err.kind],
      body: {
        error: err.message,
        retriable: err.retriable,
        ...(problems === undefined ? {} : { problems: [...problems] }),
      },
    };
  }
  if (isRetriable(err)) {
    return {
      status: 503,
      body: { error: `storage unavailable: ${(err as Error).message}`, retriable: true },
    };
  }
  return { status: 500, body: { error: 'internal error', retriable: false } };
}
