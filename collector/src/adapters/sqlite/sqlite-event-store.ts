/**
 * Embedded (SQLite, better-sqlite3) adapter of the storage ports, for running Flowtrail
 * without Kafka or Elasticsearch. Same semantics as `ElasticsearchEventStore`; the
 * storage contract suite (collector/test/storage/store-contract.ts) runs against both.
 *
 * - Writes (write-rows.ts, batch-transaction.ts): events inserted by identity (source,
 *   id), never replaced: a stored identity with the same content is a no-op, with
 *   different content a 409 `conflicting_duplicate`; states by instance key, applied only
 *   when `eventCount` >= the stored one (a superseded state is not a failure, like
 *   Elasticsearch's 409 under external_gte).
 *   Every read is read-your-writes (one writer connection, committed transactions).
 * - `getEvents`: oldest first = by `time` as an instant (ms), then by id (bytewise).
 * - `search`: see instance-search.ts (order: lastEventAt desc, key asc).
 * - `scanInstanceEvents`: instance-scan.ts (with `recent`, newest instances per process:
 *   recent-scan-queries.ts).
 * - Detection (`DetectionReader`, also `openInstanceKeys`): see detection-queries.ts.
 * - Change feed (`instanceChanges`): see change-queries.ts; each state write takes the next
 *   `change_seq`.
 * - Pre-aggregated analytics (`analyticsBuckets`, `analyticsWeek`, `catchUpAnalytics`): analytics-*.ts;
 *   `writeBatch` keeps them current in the batch's transaction; one process's buckets are
 *   read from an exact in-process cache of the parsed rows (analytics-cache.ts), which
 *   `writeBatch` updates once its transaction committed.
 * - `writeBatch` (events and their states in one transaction, the folds continued from
 *   the stored fold summaries where possible) and `repairStaleStates` (start-up check of
 *   the newest events' instances): batch-transaction.ts.
 * A whole batch is one transaction; a failed one throws `StorageError` (retriable when
 * SQLite says busy/locked/full/IO error). Events with an unparseable `time` are rejected
 * item by item (status 400) instead.
 */
import { SqliteComponent } from './sqlite-component.ts';
import type { AnalyticsBucket } from '../../domain/analytics/analytics-bucket.ts';
import type { WeekView } from '../../domain/analytics/week-rollup.ts';
import type {
  AnalyticsCatchUpReport,
  AnalyticsMaintainer,
  AnalyticsQuery,
  AnalyticsReader,
  AnalyticsWeekReader,
} from '../../ports/analytics-store.ts';
import { ensureAnalyticsSchema } from './analytics-schema.ts';
import { cachedAnalytics, cachedWeek, parseBucket } from './analytics-rows.ts';
import { AnalyticsCache, StagedAnalytics } from './analytics-cache.ts';
import { catchUpAnalytics } from './analytics-catch-up.ts';
import { instanceKey, type FlowtrailEvent, type InstanceRef } from '@flowtrail/sdk/protocol';
import type { InstanceState } from '../../domain/instance/instance-state.ts';
import type { ChangePage } from '../../ports/change-feed.ts';
import type { ChangedWindowPage, ChangedWindowQuery } from '../../ports/changed-window.ts';
import type {
  ChangedInstancesPage,
  EventScanFilter,
  EventStore,
  InstanceEvents,
  InstanceKeyPage,
  InstancePage,
  InstanceQuery,
  OpenInstanceKeysQuery,
  WriteResult,
} from '../../ports/event-store.ts';
import {
  EVENT_STORE_COMPONENT,
  EVENT_STORE_DDL,
  EVENT_STORE_SCHEMA_VERSION,
  migrateEventStore,
} from './event-store-schema.ts';
import {
  BY_KEYS_SQL,
  CHANGED_SINCE_SQL,
  CHILDREN_SQL,
  changedBetweenPage,
  changedBetweenStatement,
  OVERDUE_SQL,
  instantArgument,
  limitArgument,
  openKeysStatement,
} from './detection-queries.ts';
import { searchInstances } from './instance-search.ts';
import { scanInstances } from './instance-scan.ts';
import { type SqliteOptions } from './sqlite-database.ts';
import { INSTANCE_CHANGES, readChanges } from './change-queries.ts';
import { stateRows, UPSERT_STATE } from './write-rows.ts';
import { upsertStates } from './search-index-writes.ts';
import {
  eventsOfInstances,
  repairStaleStates,
  writeBatch,
  writeEvents,
} from './batch-transaction.ts';
import type {
  AtomicBatchWriter,
  BatchFold,
  BatchWriteResult,
  StateRepairer,
  StateRepairReport,
} from '../../ports/atomic-batch.ts';

/** Bucket JSON the analytics cache holds at most (10 million events: ~100 MiB, 4 processes). */
const ANALYTICS_CACHE_BYTES = 256 * 2 ** 20;

export class SqliteEventStore
  extends SqliteComponent
  implements
    EventStore,
    AtomicBatchWriter,
    StateRepairer,
    AnalyticsReader,
    AnalyticsWeekReader,
    AnalyticsMaintainer
{
  private readonly analytics: AnalyticsCache;

  constructor(options: SqliteOptions & { analyticsCacheBytes?: number }) {
    super(options, {
      component: EVENT_STORE_COMPONENT,
      version: EVENT_STORE_SCHEMA_VERSION,
      ddl: EVENT_STORE_DDL,
      // The analytics tables live in the same file: a batch commits them with the events.
      migrate: (db) => {
        migrateEventStore(db);
        ensureAnalyticsSchema(db);
      },
    });
    this.analytics = new AnalyticsCache(
      options.analyticsCacheBytes ?? ANALYTICS_CACHE_BYTES,
      parseBucket,
    );
  }

  async writeEvents(events: readonly FlowtrailEvent[]): Promise<WriteResult<FlowtrailEvent>> {
    if (events.length === 0) return { retriable: [], rejected: [] };
    return this.run('write events', (db) =>
      writeEvents(db, (sql) => this.statement(db, sql), events),
    );
  }

  async eventsOfInstances(keys: readonly string[]): Promise<Map<string, FlowtrailEvent[]>> {
    return this.run('read events of instances', (db) =>
      eventsOfInstances((sql) => this.statement(db, sql), keys),
    );
  }

  async writeBatch(events: readonly FlowtrailEvent[], fold: BatchFold): Promise<BatchWriteResult> {
    return this.run('write batch', (db) => {
      const staged = new StagedAnalytics();
      const result = writeBatch(db, (sql) => this.statement(db, sql), events, fold, staged);
      // Reached only when the transaction committed (a failed one threw, rolled back).
      this.analytics.commit(staged);
      return result;
    });
  }

  async repairStaleStates(newestEvents: number, fold: BatchFold): Promise<StateRepairReport> {
    return this.run('repair stale states', (db) =>
      repairStaleStates(db, (sql) => this.statement(db, sql), newestEvents, fold),
    );
  }

  async analyticsBuckets(query: AnalyticsQuery): Promise<AnalyticsBucket[] | undefined> {
    // One read transaction: the generation and the rows are of the same snapshot.
    return this.run('read analytics', (db) =>
      db.transaction(() =>
        cachedAnalytics((sql) => this.statement(db, sql), this.analytics, query),
      )(),
    );
  }

  async analyticsWeek(process: string): Promise<WeekView | undefined> {
    return this.run('read analytics', (db) =>
      db.transaction(() => cachedWeek((sql) => this.statement(db, sql), this.analytics, process))(),
    );
  }

  override async close(): Promise<void> {
    this.analytics.clear();
    await super.close();
  }

  async catchUpAnalytics(options: {
    pageSize?: number;
    fromScratch?: boolean;
  }): Promise<AnalyticsCatchUpReport> {
    return this.run('catch up analytics', (db) =>
      catchUpAnalytics(
        db,
        (sql) => this.statement(db, sql),
        options,
        () => new Promise<void>((resolve) => setImmediate(resolve)),
      ),
    );
  }

  async writeStates(states: readonly InstanceState[]): Promise<WriteResult<InstanceState>> {
    const { rows, rejected } = stateRows(states);
    // A row left unchanged (changes = 0) was folded from more events: superseded, stored.
    if (rows.length > 0) {
      this.run('write states', (db) =>
        db.transaction(() => upsertStates((sql) => this.statement(db, sql), UPSERT_STATE, rows))(),
      );
    }
    return { retriable: [], rejected };
  }

  async getInstance(key: string): Promise<InstanceState | undefined> {
    const row = this.run('get instance', (db) =>
      this.statement(db, 'SELECT state FROM instances WHERE key = ?').get(key),
    ) as { state: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.state) as InstanceState);
  }

  async getEvents(key: string): Promise<FlowtrailEvent[]> {
    const rows = this.run('get events', (db) =>
      this.statement(
        db,
        'SELECT event FROM events WHERE instance_key = ? ORDER BY time_ms, id',
      ).all(key),
    ) as { event: string }[];
    return rows.map((row) => JSON.parse(row.event) as FlowtrailEvent);
  }

  scanInstanceEvents(filter: EventScanFilter): AsyncGenerator<InstanceEvents> {
    return scanInstances(
      {
        all: (text, params) =>
          this.run('scan instances', (db) => this.statement(db, text).all(params)),
        eventsOfInstances: (keys) => this.eventsOfInstances(keys),
      },
      filter,
    );
  }

  async search(query: InstanceQuery): Promise<InstancePage> {
    return this.run('search instances', (db) =>
      searchInstances(
        (sql) => this.statement(db, sql),
        (fn) => db.transaction(fn)(),
        query,
      ),
    );
  }

  async overdueInstances(now: string, limit: number): Promise<InstanceState[]> {
    const nowMs = instantArgument('now', now);
    if (limitArgument(limit) === 0) return [];
    return this.states('overdue instances', OVERDUE_SQL, nowMs, limit);
  }

  async instancesChangedSince(
    since: string,
    limit: number,
    after?: string,
  ): Promise<ChangedInstancesPage> {
    const sinceMs = instantArgument('since', since);
    limitArgument(limit, 1);
    const instances = this.states(
      'instances changed since',
      CHANGED_SINCE_SQL,
      sinceMs,
      after ?? '',
      limit,
    );
    const last = instances.length === limit ? instances[limit - 1] : undefined;
    return last === undefined ? { instances } : { instances, next: last.key };
  }

  async instancesChangedBetween(query: ChangedWindowQuery): Promise<ChangedWindowPage> {
    const { sql, params } = changedBetweenStatement(query);
    const rows = this.run('instances changed between', (db) =>
      this.statement(db, sql).all(...params),
    ) as { last_event_ms: number; state: string }[];
    return changedBetweenPage(rows, query.limit);
  }

  async childrenOf(parent: InstanceRef): Promise<InstanceState[]> {
    const key = instanceKey(parent);
    return this.states('children of', CHILDREN_SQL, key, key);
  }

  async instancesByKeys(keys: readonly string[]): Promise<InstanceState[]> {
    const unique = [...new Set(keys)];
    if (unique.length === 0) return [];
    const rows = this.run('instances by keys', (db) =>
      this.statement(db, BY_KEYS_SQL).all(JSON.stringify(unique)),
    ) as { key: string; state: string }[];
    const byKey = new Map(rows.map((row) => [row.key, row.state]));
    return unique.flatMap((key) => {
      const state = byKey.get(key);
      return state === undefined ? [] : [JSON.parse(state) as InstanceState];
    });
  }

  async openInstanceKeys(query: OpenInstanceKeysQuery): Promise<InstanceKeyPage> {
    const limit = limitArgument(query.limit, 1);
    const { sql, params } = openKeysStatement(query.process, query.after ?? '', limit);
    const rows = this.run('open instance keys', (db) => this.statement(db, sql).all(...params)) as {
      key: string;
    }[];
    const keys = rows.map((row) => row.key);
    const last = keys.length === limit ? keys[limit - 1] : undefined;
    return last === undefined ? { keys } : { keys, next: last };
  }

  async instanceChanges(after: number | undefined, limit: number): Promise<ChangePage> {
    return this.run('instance changes', (db) =>
      readChanges(
        (sql) => this.statement(db, sql),
        (fn) => db.transaction(fn)(),
        INSTANCE_CHANGES,
        after,
        limit,
      ),
    );
  }

  /** The `state` column of every row a query selects, parsed. */
  private states(operation: string, sql: string, ...params: (string | number)[]): InstanceState[] {
    const rows = this.run(operation, (db) => this.statement(db, sql).all(...params)) as {
      state: string;
    }[];
    return rows.map((row) => JSON.parse(row.state) as InstanceState);
  }
}
