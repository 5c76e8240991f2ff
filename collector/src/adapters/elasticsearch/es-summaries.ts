/**
 * The `SummaryStore` capability of the Elasticsearch store (ports/summary-store.ts): each
 * instance's ingest summary in `<prefix>-summaries` (document id = instance key, stored
 * only: the mapping indexes nothing) and its whole analytics contribution in
 * `<prefix>-contributions` (what es-analytics-compactor.ts sums into buckets), written in
 * the SAME bulk request as its state, all under `external_gte` versions of their event
 * counts. Reads are `mget`s, real-time, so a batch needs no refresh to continue its folds.
 *
 * Items of one bulk are not atomic together: a summary or contribution whose write
 * failed, or that lags the state for any other reason (a state written by `writeStates`,
 * e.g. `flowtrail repair`), is told apart by `stateEventCount` ≠ its count, and the
 * caller re-folds. A failed summary item is therefore logged, not a failure of the state;
 * a failed contribution item fails its state's item (retried with it), since the
 * analytics would otherwise miss the batch until the instance's next event.
 */
import type { Client, estypes } from '@elastic/elasticsearch';
import type { InstanceState } from '../../domain/instance/instance-state.ts';

import type { ItemFailure, WriteResult } from '../../ports/event-store.ts';
import type { ContributedFold, StoredSummary } from '../../ports/summary-store.ts';
import type { Logger } from '../../shared/logger.ts';
import { bulkOutcomes, type BulkItemOutcome } from './es-bulk.ts';
import { isRetriableStatus, toStorageError } from './es-errors.ts';
import { contributionsIndex, instancesIndex, summariesIndex } from './index-names.ts';
import { deltaBuckets } from '../../domain/analytics/analytics-delta.ts';
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
/** Instances (a state, a summary and a contribution each) per bulk request of `writeFoldedStates`. */
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
    let response: estypes.MgetResponse<{
      eventCount?: number;
      summary?: unknown;
      buckets?: unknown;
    }>;
    try {
      response = await client.mget({
        docs: page.flatMap((key) => [
          { _index: summariesIndex(prefix), _id: key },
          { _index: instancesIndex(prefix), _id: key, _source: ['eventCount'] },
          { _index: contributionsIndex(prefix), _id: key },
        ]),
      });
    } catch (err) {
      throw toStorageError('read summaries', err);
    }
    page.forEach((key, n) => {
      // An unreadable document throws (es-mget.ts): taken for absent, both would make
      // the instance look new and be folded from its batch alone.
      const stored = sourceOfMgetItem(response.docs[3 * n], 'read summaries')?.summary;
      const count = sourceOfMgetItem(response.docs[3 * n + 1], 'read summaries')?.eventCount;
      const item = response.docs[3 * n + 2];
      const buckets = sourceOfMgetItem(item, 'read summaries')?.buckets;
      const version = item !== undefined && 'found' in item ? item._version : undefined;
      if (stored === undefined && typeof count !== 'number') return;
      result.set(key, {
        ...(stored === undefined ? {} : { summary: stored }),
        ...(typeof count === 'number' ? { stateEventCount: count } : {}),
        ...(buckets === undefined || version === undefined
          ? {}
          : { contribution: { eventCount: version, buckets } }),
      });
    });
  }
  return result;
}

export async function writeFoldedStates(
  client: Client,
  prefix: string,
  logger: Logger,
  folded: readonly ContributedFold[],
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
    const operations = page.flatMap(({ state, summary, contribution }) => [
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
      {
        index: {
          _index: contributionsIndex(prefix),
          _id: state.key,
          version: summary.fold.acc.eventCount,
          version_type: 'external_gte' as const,
        },
      },
      { process: state.process, buckets: deltaBuckets(contribution) },
    ]);
    for (const outcome of await bulkOutcomes(client, 'bulk states', operations, 3 * page.length)) {
      outcomes.push(outcome);
    }
  }
  let summaryFailures = 0;
  folded.forEach(({ state }, i) => {
    const stateItem = outcomes[3 * i];
    // A summary or contribution not stored only makes the next batch re-fold (its
    // version then differs from the state's); the analytics follow the contributions
    // stored, so one that failed with its state stored is retried like the state.
    const summaryItem = outcomes[3 * i + 1];
    const contributionItem = outcomes[3 * i + 2];
    if (summaryItem?.error !== undefined && summaryItem.status !== 409) summaryFailures++;
    if (
      contributionItem?.error !== undefined &&
      contributionItem.status !== 409 &&
      stateItem?.error === undefined
    ) {
      const failure: ItemFailure<InstanceState> = {
        item: state,
        status: contributionItem.status,
        error: contributionItem.error,
      };
      (isRetriableStatus(contributionItem.status) ? result.retriable : result.rejected).push(
        failure,
      );
      return;
    }
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
