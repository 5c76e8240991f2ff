/**
 * Argument checks of the detection queries, the same on every store: a bad time or page
 * size is the caller's mistake, a non-retriable `StorageError` (400) naming the store.
 */
import { StorageError } from '../shared/errors.ts';
import { MAX_DETECTION_PAGE } from './event-store.ts';

export interface DetectionArguments {
  /** Milliseconds of a detection query's time, or a non-retriable 400. */
  instantArgument(name: string, time: string): number;
  /** `limit` when it is an integer in `min`..MAX_DETECTION_PAGE, else a non-retriable 400. */
  limitArgument(limit: number, min?: number): number;
}

/** The checks of one store; `store` starts the error messages ("sqlite", "elasticsearch"). */
export function detectionArguments(store: string): DetectionArguments {
  return {
    instantArgument(name, time) {
      const ms = Date.parse(time);
      if (Number.isNaN(ms)) {
        throw new StorageError(
          `${store} detection query: invalid ${name} ${JSON.stringify(time)}`,
          false,
          400,
        );
      }
      return ms;
    },
    limitArgument(limit, min = 0) {
      if (!Number.isInteger(limit) || limit < min || limit > MAX_DETECTION_PAGE) {
        throw new StorageError(
          `${store} detection query: limit must be an integer in ${min}..${MAX_DETECTION_PAGE}, got ${limit}`,
          false,
          400,
        );
      }
      return limit;
    },
  };
}
