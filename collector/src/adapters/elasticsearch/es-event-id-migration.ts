/**
 * Moves event documents written under the old id scheme (`_id` = event `id`, before
 * identity was (source, id)) to the document id of their identity (es-event-document.ts).
 * Run by `ElasticsearchEventStore.prepare`, so every start finishes what an earlier one
 * (or an older collector still running during an upgrade) left.
 *
 * The minimal distribution has no `_reindex`, no `_update_by_query` and no scripts, so
 * the adapter does it itself, a page at a time: the documents WITHOUT an `idScheme` field
 * (every new document has one), each stored under its new id in the index it is in by the
 * same rules as `writeEvents` (es-event-writes.ts: never overwriting, identities checked
 * across all the events indices), then the old document deleted. Every step can be
 * repeated, so the migration is idempotent and resumes where it was interrupted: a page
 * stopped between its creates and its deletes finds the new documents stored with the
 * same content next time and only deletes.
 *
 * - A legacy document whose identity is stored already with the same content (the
 *   interrupted page, or a replay a new collector wrote meanwhile) is deleted: the event
 *   stays, once.
 * - One whose identity is stored with DIFFERENT content (a conflicting copy written under
 *   the new id while the old one was still unmigrated) is not deleted: it is rewritten in
 *   place, marked `idScheme: event-id`, so it is kept, readable as before, and not found
 *   again. Counted and logged (`conflicts`).
 * - One whose old id happens to be its new id (an id that is its identity's hash) is only
 *   marked `source-id`: it is where it belongs.
 * - Two legacy documents of one identity in two daily indices (the old scheme collided
 *   only within one index) follow the same rules: the first moved, the second deleted
 *   when equal, kept and marked when not.
 */
import type { Client, estypes } from '@elastic/elasticsearch';
import type { Logger } from '../../shared/logger.ts';
import { StorageError } from '../../shared/errors.ts';
import { bulkOutcomes } from './es-bulk.ts';
import { isRetriableStatus, toStorageError } from './es-errors.ts';
import {
  eventDocumentId,
  eventOfDocument,
  ID_SCHEME_FIELD,
  toEventDocument,
  type EventDocument,
  type IdScheme,
} from './es-event-document.ts';
import { refreshEvents } from './es-event-scan.ts';
import { storeEventDocuments, type EventEntry, type StoreOutcome } from './es-event-writes.ts';
import { eventsIndexPattern } from './index-names.ts';

/** Legacy documents per page. */
export const MIGRATION_PAGE = 500;

export interface EventIdMigrationReport {
  /** Legacy documents stored under their new id (and deleted under the old one). */
  migrated: number;
  /** Legacy documents deleted because their identity was stored the same already. */
  duplicates: number;
  /** Legacy documents kept in place (marked `event-id`): their identity differs stored. */
  conflicts: number;
  /** Legacy documents kept in place (marked `event-id`) because the store refused the move. */
  kept: number;
  pages: number;
}

interface Legacy {
  index: string;
  /** The old document id (= the event id). */
  oldId: string;
  document: EventDocument;
}

export async function migrateLegacyEventIds(
  client: Client,
  prefix: string,
  logger: Logger,
  pageSize = MIGRATION_PAGE,
): Promise<EventIdMigrationReport> {
  const report: EventIdMigrationReport = {
    migrated: 0,
    duplicates: 0,
    conflicts: 0,
    kept: 0,
    pages: 0,
  };
  for (;;) {
    const page = await legacyPage(client, prefix, pageSize);
    if (page.length === 0) break;
    const counts = await migratePage(client, prefix, page);
    report.migrated += counts.migrated;
    report.duplicates += counts.duplicates;
    report.conflicts += counts.conflicts;
    report.kept += counts.kept;
    report.pages++;
    logger.info(
      { ...counts, documents: page.length, page: report.pages },
      'events index: documents moved to (source, id) document ids',
    );
  }
  if (report.pages > 0) {
    if (report.conflicts + report.kept > 0) {
      logger.warn({ ...report }, 'events index: id migration done; conflicting copies kept');
    } else {
      logger.info({ ...report }, 'events index: id migration done');
    }
  }
  return report;
}

/** Up to `size` documents without an `idScheme` (after a refresh: the last page's deletes). */
async function legacyPage(client: Client, prefix: string, size: number): Promise<Legacy[]> {
  await refreshEvents(client, prefix);
  let response: estypes.SearchResponse<EventDocument>;
  try {
    response = await client.search<EventDocument>({
      index: eventsIndexPattern(prefix),
      allow_no_indices: true,
      ignore_unavailable: true,
      query: { bool: { must_not: [{ exists: { field: ID_SCHEME_FIELD } }] } },
      size,
      track_total_hits: false,
    });
  } catch (err) {
    throw toStorageError('find legacy event documents', err);
  }
  return response.hits.hits.flatMap((hit) =>
    hit._id === undefined || hit._source === undefined
      ? []
      : [{ index: hit._index, oldId: hit._id, document: hit._source }],
  );
}

async function migratePage(
  client: Client,
  prefix: string,
  page: readonly Legacy[],
): Promise<Omit<EventIdMigrationReport, 'pages'>> {
  const counts = { migrated: 0, duplicates: 0, conflicts: 0, kept: 0 };
  const operations: object[] = [];
  let count = 0;
  /** Rewrites the legacy document in place with an `idScheme`, so it is not found again. */
  const mark = (legacy: Legacy, scheme: IdScheme): void => {
    operations.push(
      { index: { _index: legacy.index, _id: legacy.oldId } },
      toEventDocument(eventOfDocument(legacy.document), scheme),
    );
    count++;
  };
  const moving: { legacy: Legacy; entry: EventEntry }[] = [];
  for (const legacy of page) {
    const event = eventOfDocument(legacy.document);
    const entry = { event, index: legacy.index, id: eventDocumentId(event) };
    // An old id that happens to be its identity's new id is already where it belongs:
    // moved onto itself it would be deleted. Only marked.
    if (entry.id === legacy.oldId) mark(legacy, 'source-id');
    else moving.push({ legacy, entry });
  }
  const outcomes = await storeEventDocuments(
    client,
    prefix,
    moving.map((m) => m.entry),
  );
  moving.forEach(({ legacy }, n) => {
    const outcome = outcomes[n] as StoreOutcome;
    switch (outcome.kind) {
      case 'created':
      case 'same':
        counts[outcome.kind === 'created' ? 'migrated' : 'duplicates']++;
        operations.push({ delete: { _index: legacy.index, _id: legacy.oldId } });
        count++;
        return;
      case 'conflict':
        counts.conflicts++;
        mark(legacy, 'event-id');
        return;
      case 'failed':
        if (outcome.retriable) {
          throw new StorageError(
            `elasticsearch migrate event ids failed with ${outcome.status}`,
            true,
            outcome.status,
          );
        }
        // Refused by the index it is in already (never seen): left there, marked.
        counts.kept++;
        mark(legacy, 'event-id');
    }
  });
  const results = await bulkOutcomes(client, 'migrate event ids', operations, count);
  for (const result of results) {
    // 404: deleted meanwhile by another collector migrating the same page.
    if (result.error !== undefined && result.status !== 404) {
      throw new StorageError(
        `elasticsearch migrate event ids failed with ${result.status}: ${JSON.stringify(result.error)}`,
        isRetriableStatus(result.status),
        result.status,
      );
    }
  }
  return counts;
}
