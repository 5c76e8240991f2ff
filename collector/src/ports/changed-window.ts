/**
 * The types of `DetectionReader.instancesChangedBetween` (event-store.ts): a page of the
 * instances whose last event falls in a time window, and the cursor to the next page.
 */
import type { InstanceState } from '../domain/instance/instance-state.ts';

/** A position in the `instancesChangedBetween` order: after this instance. */
export interface ChangeCursor {
  /** The instance's `lastEventAt` as the store compares it (ISO-8601, milliseconds, `Z`). */
  lastEventAt: string;
  key: string;
}

/** What `instancesChangedBetween` reads. */
export interface ChangedWindowQuery {
  /** `lastEventAt` at or after this instant. */
  since: string;
  /** `lastEventAt` before this instant. */
  until: string;
  /** Instances per page, 1..MAX_DETECTION_PAGE. */
  limit: number;
  /** Only instances after this position (a page's `next`). */
  after?: ChangeCursor;
}

/** One page of `instancesChangedBetween`. */
export interface ChangedWindowPage {
  /** By `lastEventAt` (as an instant) ascending, ties by `key` descending (bytewise). */
  instances: InstanceState[];
  /** The position of the last instance when the page is full, else absent. */
  next?: ChangeCursor;
}
