/**
 * Embedded (SQLite, better-sqlite3) adapter of the storage ports, for running Flowtrail
 * without Kafka or Elasticsearch. Same semantics as `ElasticsearchEventStore`; the
 * storage contract suite (collector/test/storage/store-contract.ts) runs against both.
 *
 * - Events: upsert by event id (a rewrite replaces the row, no duplicates). Every read is
 *   read-your-writes (one writer connection, committed transactions).
 * - States: upsert by instance key, applied only when `eventCount` >= the stored one; a
 *   superseded state is not a failure (like Elasticsearch's 409 under external_gte).
 * - `getEvents`: oldest first = by `time` as an instant (ms), then by id (bytewise).
 * - `search`: see instance-search.ts (order: lastEventAt desc, key asc).
 * - Detection (`DetectionReader`): see detection-queries.ts; `parent_key` is computed here,
 *   at write time, from the state's `parent` link.
 * - Change feed (`instanceChanges`): see change-queries.ts; each state write takes the next
 *   `change_seq`.
 * A whole batch is one transaction; a failed one throws `StorageError` (retriable when
 * SQLite says busy/locked/full/IO error). Events with an unparseable `time` are rejected
 * item by item (status 400) instead.
 */
import { SqliteComponent } from './sqlite-component.ts';
import {
  instanceKey,
  instanceKeyOf,
  type FlowtrailEvent,
  type InstanceRef,
} from '@flowtrail/sdk/protocol';
import { StorageError } from '../../errors.ts';
import type { InstanceState } from '../../core/instance-state.ts';
import type { ChangePage } from '../change-feed.ts';
import type {
  ChangedInstancesPage,
  EventScanFilter,
  EventStore,
  InstanceEvents,
  InstanceFacets,
  InstancePage,
  InstanceQuery,
  ItemFailure,
  WriteResult,
} from '../event-store.ts';
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
  OVERDUE_SQL,
  instantArgument,
  limitArgument,
} from './detection-queries.ts';
import {
  compileFilter,
  countSql,
  facetCounts,
  facetSql,
  NO_FACETS,
  pageOf,
  pageSql,
  type CompiledFilter,
} from './instance-search.ts';
import { type SqliteOptions } from './sqlite-database.ts';
import { INSTANCE_CHANGES, nextChangeSeq, readChanges } from './change-queries.ts';

/** Instances per page of `scanInstanceEvents`. */
const SCAN_PAGE = 200;

const UPSERT_EVENT = `
INSERT INTO events (id, instance_key, time, time_ms, type, source, process, event)
VALUES (@id, @instanceKey, @time, @timeMs, @type, @source, @process, @event)
ON CONFLICT (id) DO UPDATE SET
  instance_key = excluded.instance_key, time = excluded.time, time_ms = excluded.time_ms,
  type = excluded.type, source = excluded.source, process = excluded.process,
  event = excluded.event`;

const NEXT_CHANGE_SEQ = nextChangeSeq('instances');

const UPSERT_STATE = `
INSERT INTO instances (key, event_count, status, process, last_event_at, last_event_ms,
                       next_deadline_ms, parent_key, search_text, state, change_seq)
VALUES (@key, @eventCount, @status, @process, @lastEventAt, @lastEventMs,
        @nextDeadlineMs, @parentKey, @searchText, @state, ${NEXT_CHANGE_SEQ})
ON CONFLICT (key) DO UPDATE SET
  event_count = excluded.event_count, status = excluded.status, process = excluded.process,
  last_event_at = excluded.last_event_at, last_event_ms = excluded.last_event_ms,
  next_deadline_ms = excluded.next_deadline_ms, parent_key = excluded.parent_key,
  search_text = excluded.search_text,
  state = excluded.state, change_seq = excluded.change_seq
WHERE excluded.event_count >= instances.event_count`;

interface EventRow {
  id: string;
  instanceKey: string;
  time: string;
  timeMs: number;
  type: string;
  source: string;
  process: string;
  event: string;
}

interface StateRow {
  key: string;
  eventCount: number;
  status: string;
  process: string;
  lastEventAt: string;
  lastEventMs: number;
  nextDeadlineMs: number | null;
  parentKey: string | null;
  searchText: string;
  state: string;
}

/** Milliseconds of an ISO time, or undefined (also for an absent or malformed one). */
function millisOf(time: string | undefined): number | undefined {
  if (time === undefined) return undefined;
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? undefined : ms;
}

export class SqliteEventStore extends SqliteComponent implements EventStore {
  constructor(options: SqliteOptions) {
    super(options, {
      component: EVENT_STORE_COMPONENT,
      version: EVENT_STORE_SCHEMA_VERSION,
      ddl: EVENT_STORE_DDL,
      migrate: migrateEventStore,
    });
  }

  async writeEvents(events: readonly FlowtrailEvent[]): Promise<WriteResult<FlowtrailEvent>> {
    const result: WriteResult<FlowtrailEvent> = { retriable: [], rejected: [] };
    const rows: EventRow[] = [];
    for (const event of events) {
      const timeMs = millisOf(event.time);
      if (timeMs === undefined) {
        result.rejected.push(invalidTime(event));
        continue;
      }
      rows.push({
        id: event.id,
        instanceKey: instanceKeyOf(event),
        time: event.time,
        timeMs,
        type: event.type,
        source: event.source,
        process: event.ftprocess,
        event: JSON.stringify(event),
      });
    }
    if (rows.length === 0) return result;
    this.run('write events', (db) => {
      const upsert = this.statement(db, UPSERT_EVENT);
      db.transaction(() => {
        for (const row of rows) upsert.run(row);
      })();
    });
    return result;
  }

  async eventsOfInstances(keys: readonly string[]): Promise<Map<string, FlowtrailEvent[]>> {
    const result = new Map<string, FlowtrailEvent[]>();
    if (keys.length === 0) return result;
    const rows = this.run('read events of instances', (db) =>
      this.statement(
        db,
        `SELECT instance_key AS key, event FROM events
           WHERE instance_key IN (SELECT value FROM json_each(?))
           ORDER BY instance_key, time_ms, id`,
      ).all(JSON.stringify([...new Set(keys)])),
    ) as { key: string; event: string }[];
    for (const row of rows) {
      const event = JSON.parse(row.event) as FlowtrailEvent;
      const list = result.get(row.key);
      if (list === undefined) result.set(row.key, [event]);
      else list.push(event);
    }
    return result;
  }

  async writeStates(states: readonly InstanceState[]): Promise<WriteResult<InstanceState>> {
    const result: WriteResult<InstanceState> = { retriable: [], rejected: [] };
    const rows: StateRow[] = [];
    for (const state of states) {
      const lastEventMs = millisOf(state.lastEventAt);
      if (lastEventMs === undefined) {
        result.rejected.push({
          item: state,
          status: 400,
          error: { type: 'invalid_state', reason: `invalid lastEventAt ${state.lastEventAt}` },
        });
        continue;
      }
      rows.push({
        key: state.key,
        eventCount: state.eventCount,
        status: state.status,
        process: state.process,
        lastEventAt: state.lastEventAt,
        lastEventMs,
        nextDeadlineMs: millisOf(state.nextDeadline) ?? null,
        parentKey: state.parent === undefined ? null : instanceKey(state.parent),
        searchText: state.searchText,
        state: JSON.stringify(state),
      });
    }
    if (rows.length === 0) return result;
    this.run('write states', (db) => {
      const upsert = this.statement(db, UPSERT_STATE);
      // A row left unchanged (changes = 0) was folded from more events: superseded, stored.
      db.transaction(() => {
        for (const row of rows) upsert.run(row);
      })();
    });
    return result;
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

  async *scanInstanceEvents(filter: EventScanFilter): AsyncGenerator<InstanceEvents> {
    const where: string[] = [];
    const params: Record<string, string> = {};
    if (filter.process !== undefined) {
      where.push('process = @process');
      params.process = filter.process;
    }
    if (filter.source !== undefined) {
      where.push('source = @source');
      params.source = filter.source;
    }
    // Keyset pagination by instance key: each page holds whole instances.
    let after = '';
    for (;;) {
      const keys = this.run('scan instances', (db) =>
        this.statement(
          db,
          `SELECT DISTINCT instance_key AS key FROM events
             WHERE instance_key > @after${where.map((w) => ` AND ${w}`).join('')}
             ORDER BY instance_key LIMIT ${SCAN_PAGE}`,
        ).all({ ...params, after }),
      ) as { key: string }[];
      if (keys.length === 0) return;
      const byKey = await this.eventsOfInstances(keys.map((k) => k.key));
      for (const { key } of keys) {
        const events = byKey.get(key) ?? [];
        yield { key, events };
      }
      after = (keys[keys.length - 1] as { key: string }).key;
    }
  }

  async search(query: InstanceQuery): Promise<InstancePage> {
    let page: { from: number; size: number };
    let filter: CompiledFilter | undefined;
    try {
      page = pageOf(query);
      filter = compileFilter(query);
    } catch (err) {
      throw new StorageError(`sqlite search failed: ${(err as Error).message}`, false, 400);
    }
    const facets = query.facets === true;
    if (filter === undefined) {
      return { total: 0, instances: [], ...(facets ? { facets: structuredClone(NO_FACETS) } : {}) };
    }
    const { where, params } = filter;
    return this.run('search instances', (db) => {
      const count = this.statement(db, countSql(where));
      const select = this.statement(db, pageSql(where, query.sort));
      const facetStatements = facets
        ? Object.entries(facetSql(where)).map(
            ([name, sql]) => [name, this.statement(db, sql)] as const,
          )
        : [];
      // One read transaction: total, page and facets come from the same snapshot.
      return db.transaction(() => {
        const { total } = count.get(...params) as { total: number };
        const rows =
          page.size === 0
            ? []
            : (select.all(...params, page.size, page.from) as { state: string }[]);
        const result: InstancePage = {
          total,
          instances: rows.map((row) => JSON.parse(row.state) as InstanceState),
        };
        if (facets) {
          const counts = { ...NO_FACETS };
          for (const [name, statement] of facetStatements) {
            counts[name as keyof InstanceFacets] = facetCounts(
              statement.all(...params) as { value: unknown; count: number }[],
            );
          }
          result.facets = counts;
        }
        return result;
      })();
    });
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

function invalidTime(event: FlowtrailEvent): ItemFailure<FlowtrailEvent> {
  return {
    item: event,
    status: 400,
    error: { type: 'invalid_time', reason: `invalid event time ${JSON.stringify(event.time)}` },
  };
}
