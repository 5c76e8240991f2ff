/**
 * The `SummaryStore` capability of the Elasticsearch store (ports/summary-store.ts): each
 * instance's ingest summary in `<prefix>-summaries` (document id = instance key, stored
 * only: the mapping indexes nothing), written in the SAME bulk request as its state, both
 * under `external_gte` versions of their event counts. Reads are `mget`s, real-time, so a
 * batch needs no refresh to continue its folds.
 *
 * Items of one bulk are not atomic together: a summary whose write failed, or that lags
 * the state for any other reason (a state written by `writeStates`, e.g. `flowtrail
 * repair`), is told apart by `stateEventCount` ≠ the summary's count, and the caller
 * re-folds. A failed summary item is therefore logged, not a failure of the state.
 */
import type { Client, estypes } from '@elastic/elasticsearch';
import type { InstanceState } from '../../domain/instance/instance-state.ts';
import type { FoldedInstance } from '../../ports/atomic-batch.ts';
import type { ItemFailure, WriteResult } from '../../ports/event-store.ts';
import type { StoredSummary } from '../../ports/summary-store.ts';
import type { Logger } from '../../shared/logger.ts';
import { bulkOutcomes, type BulkItemOutcome } from './es-bulk.ts';
import { isRetriableStatus, toStorageError } from './es-errors.ts';
import { instancesIndex, summariesIndex } from './index-names.ts';
import { sourceOfMgetItem } from './es-mget.ts';
import type { EventsRefresher } from './es-events-refresher.ts';

/** The template of the summaries index: stored, never indexed or searched. */
export function summariesTemplate(
  prefix: string,
  replicas: number,
): estypes.IndicesPutIndexTemplateRequest {
  return {
    name: `${prefix}-summaries`,
    index_patterns: [summariesIndex(prefix)],
    priority: 200,
    template: {
      // Never searched (read by real-time `mget` only), so never refreshed: no periodic
      // refresh, no small segments to merge.
      settings: { number_of_shards: 1, number_of_replicas: replicas, refresh_interval: '-1' },
      mappings: { enabled: false },
    },
  };
}

const MGET_PAGE = 1000;
/** Instances (a state and a summary each) per bulk request of `writeFoldedStates`. */
const STATES_PAGE = 1000;

export async function readSummaries(
  client: Client,
  prefix: string,
  keys: readonly string[],
): Promise<Map<string, StoredSummary>> {
  const result = new Map<string, StoredSummary>();
  const unique = [...new Set(keys)];
  for (let i = 0; i < unique.length; i += MGET_PAGE) {
    const page = unique.slice(i, i + MGET_PAGE);
    let response: estypes.MgetResponse<{ eventCount?: number; summary?: unknown }>;
    try {
      response = await client.mget({
        docs: page.flatMap((key) => [
          { _index: summariesIndex(prefix), _id: key },
          { _index: instancesIndex(prefix), _id: key, _source: ['eventCount'] },
        ]),
      });
    } catch (err) {
      throw toStorageError('read summaries', err);
    }
    page.forEach((key, n) => {
      // An unreadable document throws (es-mget.ts): taken for absent, both would make
      // the instance look new and be folded from its batch alone.
      const stored = sourceOfMgetItem(response.docs[2 * n], 'read summaries')?.summary;
      const count = sourceOfMgetItem(response.docs[2 * n + 1], 'read summaries')?.eventCount;
      if (stored === undefined && typeof count !== 'number') return;
      result.set(key, {
        ...(stored === undefined ? {} : { summary: stored }),
        ...(typeof count === 'number' ? { stateEventCount: count } : {}),
      });
    });
  }
  return result;
}

export async function writeFoldedStates(
  client: Client,
  prefix: string,
  logger: Logger,
  folded: readonly FoldedInstance[],
  refresher: Pick<EventsRefresher, 'ownWrites'>,
): Promise<WriteResult<InstanceState>> {
  const result: WriteResult<InstanceState> = { retriable: [], rejected: [] };
  if (folded.length === 0) return result;
  // A state never becomes visible before its events are searchable: the timeline of a
  // state just written (`getEvents`, a search) finds all its events. At most one refresh
  // per batch, shared with the batches folded meanwhile; none when a re-fold's read
  // already refreshed after the events were written.
  await refresher.ownWrites();
  // Pages of STATES_PAGE instances: a batch may touch 10,000, and one request of all their
  // states and summaries could pass Elasticsearch's request size limit.
  const outcomes: BulkItemOutcome[] = [];
  for (let start = 0; start < folded.length; start += STATES_PAGE) {
    const page = folded.slice(start, start + STATES_PAGE);
    const operations = page.flatMap(({ state, summary }) => [
      {
        index: {
          _index: instancesIndex(prefix),
          _id: state.key,
          version: state.eventCount,
          version_type: 'external_gte' as const,
        },
      },
      state,
      {
        index: {
          _index: summariesIndex(prefix),
          _id: state.key,
          version: summary.fold.acc.eventCount,
          version_type: 'external_gte' as const,
        },
      },
      { summary },
    ]);
    for (const outcome of await bulkOutcomes(client, 'bulk states', operations, 2 * page.length)) {
      outcomes.push(outcome);
    }
  }
  let summaryFailures = 0;
  folded.forEach(({ state }, i) => {
    const stateItem = outcomes[2 * i];
    const summaryItem = outcomes[2 * i + 1];
    if (summaryItem?.error !== undefined && summaryItem.status !== 409) summaryFailures++;
    // 409: the stored state was folded from more events; ours is superseded, not failed.
    if (stateItem === undefined || stateItem.error === undefined || stateItem.status === 409) {
      return;
    }
    const failure: ItemFailure<InstanceState> = {
      item: state,
      status: stateItem.status,
      error: stateItem.error,
    };
    (isRetriableStatus(stateItem.status) ? result.retriable : result.rejected).push(failure);
  });
  if (summaryFailures > 0) {
    logger.warn({ summaryFailures }, 'summaries not stored; their instances re-fold next time');
  }
  return result;
}
