/**
 * Storing event documents by identity (source, id) without ever overwriting one — what
 * `writeEvents` of es-event-store.ts and the id migration (es-event-id-migration.ts)
 * share. For a list of (event, index, document id) entries:
 *
 * 1. Within the call, the first entry of a document id is the one written; a later one
 *    is compared with it (`sameEventContent`): the same content shares its outcome, a
 *    different one is a conflict.
 * 2. The stored documents of the call's ids, found across ALL the events indices (one
 *    `ids` search per page of ids): the daily index follows `time`, so a copy with
 *    another `time` would land in another index and never collide there. The cost
 *    follows the call, not the history. Found with the same content: nothing to write;
 *    with a different one: a conflict, the stored document untouched. No refresh first:
 *    every writer refreshes after its events bulk, before it writes their states
 *    (es-events-refresher.ts, `ownWrites`), so what the search cannot see yet is what a
 *    writer stored in the last moments and has not refreshed — for one identity, the
 *    same race as below, and for a replay of the same event (same `time`, same index)
 *    step 3 decides.
 * 3. The rest is written with `create`, never `index`: an id already in the target index
 *    (written meanwhile, or a retried request that had succeeded) is a 409, after which
 *    the stored document is read (`mget`, real-time) and compared like in step 2.
 *
 * The race left: two writers of one identity with different `time` days at the same
 * instant (two collectors, e.g. one identity sent under two instances, which Kafka keys
 * onto different partitions), both past step 2 before either document is searchable:
 * both are created, in different indices. Within one day's index `create` still decides.
 * Closing it would need one index per identity or a lock; the rule is what the producer
 * contract (CloudEvents: source + id unique per distinct event) already asks for.
 */
import type { Client, estypes } from '@elastic/elasticsearch';
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { sameEventContent } from '../../domain/instance/same-event-content.ts';
import { bulkOutcomes } from './es-bulk.ts';
import { isRetriableStatus, toStorageError } from './es-errors.ts';
import {
  eventDocumentId,
  eventOfDocument,
  toEventDocument,
  type EventDocument,
} from './es-event-document.ts';
import { eventsIndexFor, eventsIndexPattern } from './index-names.ts';
import { conflictingDuplicate, type WriteResult } from '../../ports/event-store.ts';
import type { Logger } from '../../shared/logger.ts';

export interface EventEntry {
  event: FlowtrailEvent;
  /** The events index to create the document in. */
  index: string;
  /** `eventDocumentId(event)`. */
  id: string;
}

export type StoreOutcome =
  | { kind: 'created' }
  /** The identity was already stored with the same content: nothing written. */
  | { kind: 'same' }
  /** The identity is stored with different content: nothing written. */
  | { kind: 'conflict' }
  | { kind: 'failed'; status: number; error: unknown; retriable: boolean };

/** Document ids per `ids` search / `mget`. */
const ID_PAGE = 1000;
/**
 * Hits per `ids` search: ten per id, far more than the race above can leave (an id is
 * normally stored once).
 */
const HITS_PER_SEARCH = 10_000;

/** The outcome of each entry, in order. Whole-request failures throw `StorageError`. */
export async function storeEventDocuments(
  client: Client,
  prefix: string,
  entries: readonly EventEntry[],
): Promise<StoreOutcome[]> {
  const outcomes: (StoreOutcome | undefined)[] = new Array<StoreOutcome | undefined>(
    entries.length,
  );
  if (entries.length === 0) return [];
  const firstOf = new Map<string, number>();
  const later: number[] = [];
  entries.forEach((entry, i) => {
    if (firstOf.has(entry.id)) later.push(i);
    else firstOf.set(entry.id, i);
  });

  const stored = await storedDocuments(client, prefix, [...firstOf.keys()]);
  const toCreate: number[] = [];
  for (const i of firstOf.values()) {
    const entry = entries[i] as EventEntry;
    const copies = stored.get(entry.id);
    if (copies === undefined) toCreate.push(i);
    else outcomes[i] = compared(copies, entry.event);
  }

  const recheck: number[] = [];
  for (let start = 0; start < toCreate.length; start += ID_PAGE) {
    const page = toCreate.slice(start, start + ID_PAGE);
    const operations = page.flatMap((i) => {
      const entry = entries[i] as EventEntry;
      return [{ create: { _index: entry.index, _id: entry.id } }, toEventDocument(entry.event)];
    });
    const results = await bulkOutcomes(client, 'bulk events', operations, page.length);
    results.forEach((result, n) => {
      const i = page[n] as number;
      if (result.error === undefined) outcomes[i] = { kind: 'created' };
      else if (result.status === 409) recheck.push(i);
      else outcomes[i] = failed(result.status, result.error);
    });
  }
  await recheckConflicts(client, entries, recheck, outcomes);

  for (const i of later) {
    const entry = entries[i] as EventEntry;
    const first = firstOf.get(entry.id) as number;
    const outcome = outcomes[first] as StoreOutcome;
    if (!sameEventContent((entries[first] as EventEntry).event, entry.event)) {
      outcomes[i] = { kind: 'conflict' };
    } else {
      outcomes[i] = outcome.kind === 'created' ? { kind: 'same' } : outcome;
    }
  }
  return outcomes as StoreOutcome[];
}

function failed(status: number, error: unknown): StoreOutcome {
  return { kind: 'failed', status, error, retriable: isRetriableStatus(status) };
}

/** Same when any stored copy has the event's content (the race can leave two). */
function compared(copies: readonly EventDocument[], event: FlowtrailEvent): StoreOutcome {
  return copies.some((copy) => sameEventContent(eventOfDocument(copy), event))
    ? { kind: 'same' }
    : { kind: 'conflict' };
}

/** Every stored document of `ids` in any events index, by document id. */
async function storedDocuments(
  client: Client,
  prefix: string,
  ids: readonly string[],
): Promise<Map<string, EventDocument[]>> {
  const byId = new Map<string, EventDocument[]>();
  if (ids.length === 0) return byId;
  for (let start = 0; start < ids.length; start += ID_PAGE) {
    let response: estypes.SearchResponse<EventDocument>;
    try {
      response = await client.search<EventDocument>({
        index: eventsIndexPattern(prefix),
        allow_no_indices: true,
        ignore_unavailable: true,
        // A shard that cannot answer fails the lookup (retriably) instead of hiding a
        // stored copy, which would then be written a second time into another day's index.
        allow_partial_search_results: false,
        query: { ids: { values: ids.slice(start, start + ID_PAGE) } },
        size: HITS_PER_SEARCH,
        track_total_hits: false,
      });
    } catch (err) {
      throw toStorageError('find stored events', err);
    }
    for (const hit of response.hits.hits) {
      if (hit._id === undefined || hit._source === undefined) continue;
      const copies = byId.get(hit._id);
      if (copies === undefined) byId.set(hit._id, [hit._source]);
      else copies.push(hit._source);
    }
  }
  return byId;
}

/** Entries `create` found taken in their index: the document there, compared. */
async function recheckConflicts(
  client: Client,
  entries: readonly EventEntry[],
  recheck: readonly number[],
  outcomes: (StoreOutcome | undefined)[],
): Promise<void> {
  for (let start = 0; start < recheck.length; start += ID_PAGE) {
    const page = recheck.slice(start, start + ID_PAGE);
    let response: estypes.MgetResponse<EventDocument>;
    try {
      response = await client.mget<EventDocument>({
        docs: page.map((i) => {
          const entry = entries[i] as EventEntry;
          return { _index: entry.index, _id: entry.id };
        }),
      });
    } catch (err) {
      throw toStorageError('read conflicting events', err);
    }
    page.forEach((i, n) => {
      const doc = response.docs[n];
      if (doc !== undefined && 'found' in doc && doc.found && doc._source !== undefined) {
        outcomes[i] = compared([doc._source], (entries[i] as EventEntry).event);
      } else {
        // Never seen: a document under an identity's id is never deleted. Tried again.
        outcomes[i] = failed(503, { type: 'conflicting_document_unreadable' });
      }
    });
  }
}

/**
 * `writeEvents` of the Elasticsearch event store: each event to the daily index of its
 * `time` (an unparsable one is rejected, 400, item by item), stored by
 * `storeEventDocuments`; a stored identity with other content is a `conflictingDuplicate`,
 * one with the same content is listed in `unchanged` (present only when there is one).
 */
export async function writeEventBatch(
  client: Client,
  prefix: string,
  logger: Logger,
  events: readonly FlowtrailEvent[],
  /** Called when documents were created (es-events-refresher.ts, `noteWritten`). */
  onCreated: () => void,
): Promise<WriteResult<FlowtrailEvent>> {
  const result: WriteResult<FlowtrailEvent> = { retriable: [], rejected: [] };
  const unchanged: FlowtrailEvent[] = [];
  const entries: EventEntry[] = [];
  for (const event of events) {
    let index: string;
    try {
      index = eventsIndexFor(prefix, event.time);
    } catch (err) {
      const reason = (err as Error).message;
      result.rejected.push({ item: event, status: 400, error: { type: 'invalid_time', reason } });
      continue;
    }
    entries.push({ event, index, id: eventDocumentId(event) });
  }
  const outcomes = await storeEventDocuments(client, prefix, entries);
  if (outcomes.some((outcome) => outcome.kind === 'created')) onCreated();
  outcomes.forEach((outcome, i) => {
    const { event } = entries[i] as EventEntry;
    if (outcome.kind === 'conflict') result.rejected.push(conflictingDuplicate(event));
    else if (outcome.kind === 'same') unchanged.push(event);
    else if (outcome.kind === 'failed') {
      const failure = { item: event, status: outcome.status, error: outcome.error };
      (outcome.retriable ? result.retriable : result.rejected).push(failure);
    }
  });
  if (unchanged.length > 0) result.unchanged = unchanged;
  if (result.retriable.length + result.rejected.length > 0) {
    logger.debug(
      {
        operation: 'bulk events',
        retriable: result.retriable.length,
        rejected: result.rejected.length,
      },
      'bulk request had item failures',
    );
  }
  return result;
}
