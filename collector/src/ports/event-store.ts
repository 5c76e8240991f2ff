/**
 * The storage ports of the collector (Jaeger style: narrow writer and reader interfaces,
 * one adapter per backend). Elasticsearch implements them in `elasticsearch/`; an
 * embedded store implements the same interfaces for the no-infrastructure default.
 * Cross-cutting concerns (retry, metrics) wrap these interfaces, never live inside them.
 */
import type { FlowtrailEvent, InstanceRef } from '@flowtrail/sdk/protocol';
import type { InstanceState, InstanceStatus } from '../domain/instance/instance-state.ts';
import type { InstanceChangeReader } from './change-feed.ts';
import type { ChangedWindowPage, ChangedWindowQuery } from './changed-window.ts';

/** One item a write could not store, and why. */
export interface ItemFailure<T> {
  item: T;
  /** Store's status for the item (HTTP-like: 429, 5xx retriable; 4xx permanent). */
  status: number;
  /** Store's error, as JSON-able data (goes to the DLQ header). */
  error: unknown;
}

/**
 * Outcome of a bulk write that reached the store. Items not listed were stored.
 * `retriable` items may succeed when written again; `rejected` items never will.
 * A write that did not reach the store at all throws a `StorageError` instead.
 */
export interface WriteResult<T> {
  retriable: ItemFailure<T>[];
  rejected: ItemFailure<T>[];
  /**
   * Items that were already stored with the same content (replays): stored, nothing
   * written. Listed by a store that can tell (Elasticsearch's `writeEvents`); absent
   * otherwise. The ingester needs it to tell a new instance from a replayed one.
   */
  unchanged?: T[];
}

/** `error.type` of the `ItemFailure` of a conflicting duplicate (see `writeEvents`). */
export const CONFLICTING_DUPLICATE = 'conflicting_duplicate';

/**
 * The rejection of an event whose identity (source, id) is already stored with different
 * content: status 409, `{ type: 'conflicting_duplicate', reason }`. The ingester
 * dead-letters it as `conflicting-duplicate` (not `storage-rejected`).
 */
export function conflictingDuplicate<T extends FlowtrailEvent>(event: T): ItemFailure<T> {
  return {
    item: event,
    status: 409,
    error: {
      type: CONFLICTING_DUPLICATE,
      reason:
        `event ${JSON.stringify(event.id)} of source ${JSON.stringify(event.source)} is ` +
        'already stored with different content; the stored event is kept',
    },
  };
}

export function isConflictingDuplicate(failure: ItemFailure<unknown>): boolean {
  const error = failure.error as { type?: unknown } | null | undefined;
  return failure.status === 409 && error?.type === CONFLICTING_DUPLICATE;
}

export interface EventWriter {
  /**
   * Stores events, identified by (source, id) (`eventIdentity`, the protocol; the same id
   * from two sources is two events). Idempotent: an event whose identity is stored with
   * the same content (`sameEventContent`) is a success that changes nothing, so replays
   * after a crash double nothing. One whose identity is stored with DIFFERENT content is
   * never written over it: it comes back `rejected` as `conflictingDuplicate` (409), the
   * stored event untouched. Within one call the first copy of an identity is the one
   * stored, a later different copy is the conflicting one.
   */
  writeEvents(events: readonly FlowtrailEvent[]): Promise<WriteResult<FlowtrailEvent>>;

  /**
   * Every stored event of each instance key (read-your-writes: includes every event whose
   * `writeEvents` resolved before this call). Keys without events are absent.
   */
  eventsOfInstances(keys: readonly string[]): Promise<Map<string, FlowtrailEvent[]>>;

  /**
   * Stores instance states by key. A state never replaces one folded from more events
   * (`eventCount` acts as the version), so concurrent writers converge on the fullest.
   */
  writeStates(states: readonly InstanceState[]): Promise<WriteResult<InstanceState>>;
}

/** Fields `search` can sort on; instances without the field sort last in both directions. */
export type InstanceSortField = 'lastEventAt' | 'startedAt' | 'durationMs';

export interface InstanceSort {
  field: InstanceSortField;
  order: 'asc' | 'desc';
}

/** Largest `keys` filter a store accepts (the query layer caps what it resolves). */
export const MAX_KEY_FILTER = 10_000;

/** Most values a facet lists (by count desc, then value asc). */
export const MAX_FACET_VALUES = 100;

export interface InstanceQuery {
  /** Free text over the instance's search text. */
  text?: string;
  process?: string;
  status?: InstanceStatus;
  /** A business-key value (any key name), or `name=value` for one key. */
  businessKey?: string;
  /** Exact instance id (`InstanceState.instance`, any system and process). */
  instance?: string;
  /** A system: the instance's `source` or any of its `systems`. */
  system?: string;
  /** The instance's `owner` or the owner of any of its steps. */
  owner?: string;
  /** Any step name (`steps[].name`). */
  step?: string;
  /**
   * Activity range (ISO-8601 instants, inclusive, each optional): instances whose
   * [firstEventAt, lastEventAt] overlaps [timeFrom, timeTo].
   */
  timeFrom?: string;
  timeTo?: string;
  /**
   * Only these instance keys (at most `MAX_KEY_FILTER`; an empty list matches nothing).
   * The query layer resolves the alert statuses `stuck` / `inconsistent` into it.
   */
  keys?: readonly string[];
  /** Default: `lastEventAt` desc. Ties are always broken by `key` ascending. */
  sort?: InstanceSort;
  /** Also count the whole filtered set by status, process, system and owner. */
  facets?: boolean;
  from?: number;
  size?: number;
}

export interface FacetCount {
  value: string;
  /** Number of matching instances with this value (each instance counted once). */
  count: number;
}

/**
 * Counts over every instance matching the query (not just the page), most frequent first,
 * then by value; at most `MAX_FACET_VALUES` each. `system` counts the instance's source
 * and systems, `owner` its owner and step owners (an instance counts once per value).
 */
export interface InstanceFacets {
  status: FacetCount[];
  process: FacetCount[];
  system: FacetCount[];
  owner: FacetCount[];
}

export interface InstancePage {
  total: number;
  instances: InstanceState[];
  /** Present when the query asked for `facets`. */
  facets?: InstanceFacets;
}

export interface InstanceReader {
  getInstance(key: string): Promise<InstanceState | undefined>;
  /** The instance's events, oldest first. */
  getEvents(key: string): Promise<FlowtrailEvent[]>;
  /**
   * Instances matching every given filter, by default newest activity first
   * (`lastEventAt` desc, then `key` asc: stable pages on every store; see `sort`). Free text is a filter (all words must
   * match), not a relevance ranking. Near-real-time on Elasticsearch (~1 s refresh).
   */
  search(query: InstanceQuery): Promise<InstancePage>;
}

export interface EventScanFilter {
  process?: string;
  source?: string;
  /**
   * Instead of every instance in key order: the most recently active instances of each
   * process (what learned deadlines are computed from, sweep/detection-model.ts).
   */
  recent?: RecentScan;
}

/**
 * A recency scan: process by process (bytewise order of the process name), that process's
 * instances whose `lastEventAt` is at or after `since`, newest `lastEventAt` first (ties:
 * key ascending), at most `perProcess` of them; `process` / `source` still filter. A busy
 * process never crowds out a quiet one. Reads the instance states' `lastEventAt` (indexed:
 * SQLite `instances_by_process`, Elasticsearch `process` terms + `lastEventAt` sort), then
 * the events of a page of instances at a time. A malformed `since` or a `perProcess` below
 * 0 is a non-retriable `StorageError` (400).
 */
export interface RecentScan {
  /** ISO-8601 instant. */
  since: string;
  perProcess: number;
}

/** All events of one instance, as a scan yields them. */
export interface InstanceEvents {
  key: string;
  /** Oldest first (time instant, then id). */
  events: FlowtrailEvent[];
}

export interface EventScanner {
  /**
   * Every stored instance matching the filter with all its events, one instance at a time
   * in key order (or, with `filter.recent`, in `RecentScan` order), streamed in pages
   * (exports, heat maps, process graphs, learned deadlines). Near-real-time on
   * Elasticsearch.
   */
  scanInstanceEvents(filter: EventScanFilter): AsyncIterable<InstanceEvents>;
}

/** Largest `limit` a detection query accepts (Elasticsearch's default result window). */
export const MAX_DETECTION_PAGE = 10_000;

/** One page of `instancesChangedSince`. */
export interface ChangedInstancesPage {
  /** Sorted by `key` (bytewise). */
  instances: InstanceState[];
  /**
   * Cursor for the next page (the last key of this one), present when the page is full;
   * the next page may then be empty. Absent when there are no more instances.
   */
  next?: string;
}

/** What `openInstanceKeys` lists. */
export interface OpenInstanceKeysQuery {
  /** Only instances of this process; absent: of every process. */
  process?: string;
  /** Keys per page, 1..MAX_DETECTION_PAGE. */
  limit: number;
  /** The key cursor: only keys after this one (bytewise). */
  after?: string;
}

/** One page of `openInstanceKeys`. */
export interface InstanceKeyPage {
  /** Sorted (bytewise). */
  keys: string[];
  /** As `ChangedInstancesPage.next`: the last key when the page is full, else absent. */
  next?: string;
}

/**
 * What the detection sweeps read: indexed queries only, never a scan of every open
 * instance, so a sweep's cost follows the overdue instances, not the open ones
 * (docs/detection-runtime.md). Times are ISO-8601 strings compared as instants
 * (millisecond precision, like an Elasticsearch `date`); a malformed `now`/`since` or a
 * `limit` outside 0..MAX_DETECTION_PAGE (1.. for pages) is a non-retriable `StorageError` (400).
 * `overdueInstances`, `instancesChangedSince`, `instancesChangedBetween` and `childrenOf` are
 * searches: near-real-time on Elasticsearch (~1 s refresh); `instancesByKeys` is
 * read-your-writes on every store.
 */
export interface DetectionReader {
  /**
   * Non-terminal instances whose `nextDeadline` is at or before `now`, earliest deadline
   * first, then by key; at most `limit`. Uses the indexed `nextDeadline` (Elasticsearch:
   * a `date` range + sort; SQLite: `next_deadline_ms`), so its cost grows with the number
   * of overdue instances, not with the number of open ones.
   */
  overdueInstances(now: string, limit: number): Promise<InstanceState[]>;

  /**
   * Instances whose `lastEventAt` is at or after `since` (the sweep's catch-up walk after a
   * start), in key order, `limit` per page, after the key cursor `after`.
   * Following `next` until it is absent yields every such instance exactly once, also when
   * states are rewritten meanwhile (the key of an instance never changes).
   */
  instancesChangedSince(
    since: string,
    limit: number,
    after?: string,
  ): Promise<ChangedInstancesPage>;

  /**
   * Instances whose `lastEventAt` is in [`since`, `until`), oldest `lastEventAt` first,
   * ties by key descending (the sweep's changed-since walk, sweep/changed-walk.ts),
   * `limit` per page, after the cursor `after`. Following `next` until it is absent yields
   * every instance that stays in the range exactly once; one rewritten with a later
   * `lastEventAt` meanwhile may come again (never earlier: `lastEventAt` only grows).
   * Indexed (SQLite: `instances_recent`, scanned backwards; Elasticsearch: `lastEventAt`
   * range, sorted by `lastEventAt`, `key`). A malformed instant or a `limit` outside
   * 1..MAX_DETECTION_PAGE is a non-retriable 400.
   */
  instancesChangedBetween(query: ChangedWindowQuery): Promise<ChangedWindowPage>;

  /**
   * Instances whose `parent` link points at `parent` (same source, process and instance;
   * the link's `expectationId` does not matter), sorted by key; never `parent` itself.
   */
  childrenOf(parent: InstanceRef): Promise<InstanceState[]>;

  /** The stored states of `keys`, in the order of their first occurrence; unknown keys skipped. */
  instancesByKeys(keys: readonly string[]): Promise<InstanceState[]>;

  /**
   * Keys of the non-terminal instances (of `query.process` when given), in key order,
   * `limit` per page, after the key cursor `after`: what the sweeper walks to re-derive
   * stored deadlines when a definition changes (sweep/deadline-rederivation.ts). Following
   * `next` until it is absent yields every instance that stays open meanwhile exactly
   * once. Indexed (SQLite: partial indexes over the open rows; Elasticsearch: `process` /
   * `status` filters sorted by `key`), keys only; a search (near-real-time on
   * Elasticsearch). A `limit` outside 1..MAX_DETECTION_PAGE is a non-retriable 400.
   */
  openInstanceKeys(query: OpenInstanceKeysQuery): Promise<InstanceKeyPage>;
}

/** What the collector needs from a storage backend at start and stop. */
export interface StorageLifecycle {
  /** Creates templates / indices / tables; idempotent. */
  prepare(): Promise<void>;
  close(): Promise<void>;
}

export type EventStore = EventWriter &
  InstanceReader &
  EventScanner &
  DetectionReader &
  InstanceChangeReader &
  StorageLifecycle;
