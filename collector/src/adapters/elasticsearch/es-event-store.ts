/**
 * Elasticsearch adapter of the storage ports. Events live in daily indices
 * `<prefix>-events-YYYY.MM.DD` of their `time`, one document per identity (source, id):
 * document id = hash of the identity (es-event-document.ts), written with `create` after
 * a check across all the events indices, so a replay stores nothing twice and a different
 * copy of a stored identity is rejected (409 `conflicting_duplicate`) instead of
 * overwriting it (es-event-writes.ts, which also names the race left). `prepare` moves
 * documents of the old scheme (document id = event id) to it (es-event-id-migration.ts).
 * Instance states in `<prefix>-instances` (document id = instance key,
 * external_gte version = eventCount, so a state folded from fewer events never overwrites
 * a fuller one), each with its ingest summary in `<prefix>-summaries` so batches continue
 * folds without re-reading events (es-summaries.ts), and its analytics contribution,
 * which the compactor sums into hour buckets (es-analytics*.ts). The events are the
 * source of truth; states, summaries and analytics are derived and rebuildable.
 * Detection queries (`DetectionReader`, also `openInstanceKeys`): es-detection-queries.ts;
 * the change feed (`instanceChanges`, on `_seq_no`): es-change-queries.ts; `search`:
 * es-instance-search.ts; reads of states by key: es-instance-reads.ts; event reads:
 * es-event-scan.ts; recency scans: es-recent-scan.ts; bulk item outcomes: es-bulk.ts.
 */
import type { Client, estypes } from '@elastic/elasticsearch';
import type { FlowtrailEvent, InstanceRef } from '@flowtrail/sdk/protocol';
import type { ElasticsearchConfig } from './elasticsearch-config.ts';
import type { InstanceState } from '../../domain/instance/instance-state.ts';
import type { Logger } from '../../shared/logger.ts';
import type { ChangePage } from '../../ports/change-feed.ts';
import type { ChangedWindowPage, ChangedWindowQuery } from '../../ports/changed-window.ts';
import {
  type ChangedInstancesPage,
  type EventScanFilter,
  type InstanceEvents,
  type EventStore,
  type InstanceKeyPage,
  type InstancePage,
  type InstanceQuery,
  type OpenInstanceKeysQuery,
  type WriteResult,
} from '../../ports/event-store.ts';
import { bulkWrite, type BulkItemOutcome } from './es-bulk.ts';
import {
  changedBetweenPageOf,
  changedBetweenSearch,
  changedSinceSearch,
  instantArgument,
  limitArgument,
  openKeysSearch,
  overdueSearch,
} from './es-detection-queries.ts';
import { createElasticsearchClient } from './es-client.ts';
import { changePageOf, changesSearch, instanceKeysOf } from './es-change-queries.ts';
import { migrateLegacyEventIds, type EventIdMigrationReport } from './es-event-id-migration.ts';
import {
  byInstance,
  eventsByInstance,
  eventsOfInstance,
  scanEvents,
  type EventDocument,
} from './es-event-scan.ts';
import { writeEventBatch } from './es-event-writes.ts';
import { searchInstances } from './es-instance-search.ts';
import { scanRecent } from './es-recent-scan.ts';
import { instancesIndex } from './index-names.ts';
import { readSummaries, writeFoldedStates } from './es-summaries.ts';
import { prepareIndices } from './es-index-preparation.ts';
import { analyticsComplete, readBuckets } from './es-analytics.ts';
import { AnalyticsCompactor } from './es-analytics-compactor.ts';
import { EsAnalyticsCache } from './es-analytics-cache.ts';
import { catchUpEsAnalytics } from './es-analytics-catch-up.ts';
import type { AnalyticsBucket } from '../../domain/analytics/analytics-bucket.ts';
import type {
  AnalyticsCatchUpReport,
  AnalyticsMaintainer,
  AnalyticsQuery,
  AnalyticsReader,
  AnalyticsWeekReader,
} from '../../ports/analytics-store.ts';
import type { WeekView } from '../../domain/analytics/week-rollup.ts';
import { EventsRefresher } from './es-events-refresher.ts';
import { childrenOf, instancesByKeys, searchStates, storageCall } from './es-instance-reads.ts';
import type { ContributedFold, StoredSummary, SummaryStore } from '../../ports/summary-store.ts';

export class ElasticsearchEventStore
  implements EventStore, SummaryStore, AnalyticsReader, AnalyticsWeekReader, AnalyticsMaintainer
{
  /** Every refresh of the events indices this store sends, shared when they coincide. */
  private readonly refresher: EventsRefresher;
  private readonly compactor: AnalyticsCompactor;
  /** Each read process's buckets and week, kept current from the compactor's pages. */
  private readonly analytics: EsAnalyticsCache;

  constructor(
    private readonly client: Client,
    private readonly options: {
      indexPrefix: string;
      replicas: number;
      logger: Logger;
      /** Bound of the analytics cache (es-analytics-cache.ts; default 256 MiB). */
      analyticsCacheBytes?: number;
    },
  ) {
    this.refresher = EventsRefresher.of(client, options.indexPrefix);
    this.compactor = new AnalyticsCompactor(client, options.indexPrefix);
    this.analytics = new EsAnalyticsCache(client, options.indexPrefix, options.analyticsCacheBytes);
  }

  static fromConfig(config: ElasticsearchConfig, logger: Logger): ElasticsearchEventStore {
    return new ElasticsearchEventStore(createElasticsearchClient(config), {
      indexPrefix: config.indexPrefix,
      replicas: config.replicas,
      logger,
    });
  }

  private get prefix(): string {
    return this.options.indexPrefix;
  }

  async prepare(): Promise<void> {
    await prepareIndices(this.client, this.prefix, this.options.replicas);
    await this.migrateEventIds();
  }

  /**
   * Moves event documents of the old id scheme (document id = event id) to their
   * identity's id; idempotent and resumable, run by every `prepare`.
   */
  async migrateEventIds(): Promise<EventIdMigrationReport> {
    return migrateLegacyEventIds(this.client, this.prefix, this.options.logger);
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  async writeEvents(events: readonly FlowtrailEvent[]): Promise<WriteResult<FlowtrailEvent>> {
    return writeEventBatch(this.client, this.prefix, this.options.logger, events, () =>
      this.refresher.noteWritten(),
    );
  }

  async writeStates(states: readonly InstanceState[]): Promise<WriteResult<InstanceState>> {
    const index = instancesIndex(this.prefix);
    const operations = states.flatMap((state) => [
      {
        index: {
          _index: index,
          _id: state.key,
          version: state.eventCount,
          version_type: 'external_gte' as const,
        },
      },
      state,
    ]);
    // 409: the stored state was folded from more events; ours is superseded, not failed.
    return this.bulk('bulk states', operations, states, (item) => item.status === 409);
  }

  readSummaries(keys: readonly string[]): Promise<Map<string, StoredSummary>> {
    return readSummaries(this.client, this.prefix, keys);
  }

  writeFoldedStates(folded: readonly ContributedFold[]): Promise<WriteResult<InstanceState>> {
    return writeFoldedStates(this.client, this.prefix, this.options.logger, folded, this.refresher);
  }

  /**
   * The buckets, once the contributions cover every instance (es-analytics.ts); a
   * process's from the cache (es-analytics-cache.ts).
   */
  async analyticsBuckets(query: AnalyticsQuery): Promise<AnalyticsBucket[] | undefined> {
    const { process, fromHour, toHour } = query;
    if (process !== undefined) return this.analytics.buckets(process, fromHour, toHour);
    if (!(await analyticsComplete(this.client, this.prefix))) return undefined;
    return readBuckets(this.client, this.prefix, query);
  }

  analyticsWeek(process: string): Promise<WeekView | undefined> {
    return this.analytics.week(process);
  }

  analyticsCacheStats(): { processes: number; bytes: number } {
    return this.analytics.stats();
  }

  /** Adds the contributions written so far to the buckets (es-analytics-compactor.ts). */
  compactAnalytics(maxPages?: number): Promise<number> {
    return this.compactor.compactAll(maxPages);
  }

  catchUpAnalytics(options: {
    pageSize?: number;
    fromScratch?: boolean;
  }): Promise<AnalyticsCatchUpReport> {
    return catchUpEsAnalytics(this.client, this.prefix, this, this.compactor, options);
  }

  async eventsOfInstances(keys: readonly string[]): Promise<Map<string, FlowtrailEvent[]>> {
    if (keys.length === 0) return new Map();
    await this.refresher.forRead();
    return eventsByInstance(this.client, this.prefix, keys);
  }

  async *scanInstanceEvents(filter: EventScanFilter): AsyncGenerator<InstanceEvents> {
    await this.refresher.forRead();
    if (filter.recent !== undefined) {
      return yield* scanRecent(this.client, this.prefix, filter, filter.recent);
    }
    const must: estypes.QueryDslQueryContainer[] = [];
    if (filter.process !== undefined) must.push({ term: { ftprocess: filter.process } });
    if (filter.source !== undefined) must.push({ term: { source: filter.source } });
    yield* byInstance(
      this.scan({ bool: { filter: must } }, [{ instanceKey: 'asc' }, { id: 'asc' }]),
    );
  }

  async getInstance(key: string): Promise<InstanceState | undefined> {
    return this.call('get instance', async () => {
      const response = await this.client.get<InstanceState>(
        { index: instancesIndex(this.prefix), id: key },
        { ignore: [404] },
      );
      return response.found ? response._source : undefined;
    });
  }

  getEvents(key: string): Promise<FlowtrailEvent[]> {
    return eventsOfInstance(this.client, this.prefix, key);
  }

  async search(query: InstanceQuery): Promise<InstancePage> {
    return this.call('search instances', () =>
      searchInstances(this.client, instancesIndex(this.prefix), query),
    );
  }

  async overdueInstances(now: string, limit: number): Promise<InstanceState[]> {
    const nowMs = instantArgument('now', now);
    if (limitArgument(limit) === 0) return [];
    return this.searchStates(
      'overdue instances',
      overdueSearch(instancesIndex(this.prefix), nowMs, limit),
    );
  }

  async instancesChangedSince(
    since: string,
    limit: number,
    after?: string,
  ): Promise<ChangedInstancesPage> {
    const sinceMs = instantArgument('since', since);
    limitArgument(limit, 1);
    const instances = await this.searchStates(
      'instances changed since',
      changedSinceSearch(instancesIndex(this.prefix), sinceMs, limit, after),
    );
    const last = instances.length === limit ? instances[limit - 1] : undefined;
    return last === undefined ? { instances } : { instances, next: last.key };
  }

  async instancesChangedBetween(query: ChangedWindowQuery): Promise<ChangedWindowPage> {
    const request = changedBetweenSearch(instancesIndex(this.prefix), query);
    return this.call('instances changed between', async () =>
      changedBetweenPageOf(await this.client.search<InstanceState>(request), query.limit),
    );
  }

  childrenOf(parent: InstanceRef): Promise<InstanceState[]> {
    return childrenOf(this.client, this.prefix, parent);
  }

  instancesByKeys(keys: readonly string[]): Promise<InstanceState[]> {
    return instancesByKeys(this.client, this.prefix, keys);
  }

  async openInstanceKeys(query: OpenInstanceKeysQuery): Promise<InstanceKeyPage> {
    const limit = limitArgument(query.limit, 1);
    const request = openKeysSearch(instancesIndex(this.prefix), query.process, limit, query.after);
    const keys = await this.call('open instance keys', async () =>
      (await this.client.search(request)).hits.hits.flatMap((hit) =>
        hit._id === undefined ? [] : [hit._id],
      ),
    );
    const last = keys.length === limit ? keys[limit - 1] : undefined;
    return last === undefined ? { keys } : { keys, next: last };
  }

  async instanceChanges(after: number | undefined, limit: number): Promise<ChangePage> {
    const request = changesSearch(instancesIndex(this.prefix), after, limit, false);
    return this.call('instance changes', async () =>
      changePageOf(await this.client.search(request), after, limit, instanceKeysOf),
    );
  }

  private searchStates(
    operation: string,
    request: estypes.SearchRequest,
  ): Promise<InstanceState[]> {
    return searchStates(this.client, operation, request);
  }

  /** Every matching event document, paged with search_after over a total sort order. */
  private scan(
    query: estypes.QueryDslQueryContainer,
    sort: estypes.SortCombinations[],
  ): AsyncGenerator<EventDocument> {
    return scanEvents(this.client, this.prefix, query, sort);
  }

  private bulk<T>(
    operation: string,
    operations: object[],
    items: readonly T[],
    isStored: (item: BulkItemOutcome) => boolean,
  ): Promise<WriteResult<T>> {
    return bulkWrite(this.client, this.options.logger, operation, operations, items, isStored);
  }

  private call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    return storageCall(operation, fn);
  }
}
