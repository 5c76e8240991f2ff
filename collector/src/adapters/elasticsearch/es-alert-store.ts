/**
 * Elasticsearch adapter of the alert store port: index `<prefix>-alerts` (alert-index.ts),
 * document id = alert id. Writes are compare-and-set through external versioning: an
 * alert read at version n is written with `version: n + 1, version_type: external`, which
 * Elasticsearch applies only while the stored version is below n + 1 — i.e. still n, or
 * (for n = 0) no document at all. Of two collectors firing the same new alert, exactly one
 * write succeeds; the other gets 409 (a conflict). No scripts.
 *
 * `getAlert`/`getAlerts` are real-time gets; `openAlerts` refreshes the index first (a
 * sweep must see the alerts it resolves); `searchAlerts` and the change feed
 * (`alertChanges`, on `_seq_no`: es-change-queries.ts) are near-real-time.
 */
import type { Client, estypes } from '@elastic/elasticsearch';
import type { Alert } from '../../domain/alerts/alert.ts';
import type { ElasticsearchConfig } from './elasticsearch-config.ts';
import type { Logger } from '../../shared/logger.ts';
import type {
  AlertPage,
  AlertQuery,
  AlertScope,
  AlertStore,
  AlertWriteResult,
} from '../../ports/alert-store.ts';
import type { ChangePage } from '../../ports/change-feed.ts';
import { alertDocumentId, alertIndexSettings, alertMappings, alertsIndex } from './alert-index.ts';
import { alertKeysOf, changePageOf, changesSearch } from './es-change-queries.ts';
import { isRetriableStatus, toStorageError } from './es-errors.ts';
import { createElasticsearchClient } from './es-client.ts';
import { sourceOfMgetItem } from './es-mget.ts';

const PAGE_SIZE = 1000;
/** Terms per `terms` query (well below `index.max_terms_count`). */
const TERMS_CHUNK = 10_000;

type Hit = { _source?: Alert; _version?: number };

function alertOf(hit: Hit): Alert | undefined {
  if (hit._source === undefined) return undefined;
  return { ...hit._source, version: hit._version ?? hit._source.version };
}

function chunks<T>(values: readonly T[] | undefined): (readonly T[] | undefined)[] {
  if (values === undefined) return [undefined];
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += TERMS_CHUNK) out.push(values.slice(i, i + TERMS_CHUNK));
  return out.length === 0 ? [[]] : out;
}

export class ElasticsearchAlertStore implements AlertStore {
  constructor(
    private readonly client: Client,
    private readonly options: { indexPrefix: string; replicas: number; logger: Logger },
  ) {}

  static fromConfig(config: ElasticsearchConfig, logger: Logger): ElasticsearchAlertStore {
    return new ElasticsearchAlertStore(createElasticsearchClient(config), {
      indexPrefix: config.indexPrefix,
      replicas: config.replicas,
      logger,
    });
  }

  private get index(): string {
    return alertsIndex(this.options.indexPrefix);
  }

  /** Creates the index with its mappings, or adds new mappings to an existing one. */
  async prepare(): Promise<void> {
    await this.call('create alerts index', async () => {
      try {
        await this.client.indices.create({
          index: this.index,
          settings: alertIndexSettings(this.options.replicas),
          mappings: alertMappings,
        });
      } catch (err) {
        const type = (err as { body?: { error?: { type?: string } } }).body?.error?.type;
        if (type !== 'resource_already_exists_exception') throw err;
        await this.client.indices.putMapping({ index: this.index, ...alertMappings });
      }
    });
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  async upsertAlerts(alerts: readonly Alert[]): Promise<AlertWriteResult> {
    const result: AlertWriteResult = { written: [], conflicts: [], failed: [] };
    if (alerts.length === 0) return result;
    const stored = alerts.map((alert) => ({ ...alert, version: alert.version + 1 }));
    const operations = stored.flatMap((alert) => [
      {
        index: {
          _index: this.index,
          _id: alertDocumentId(alert.id),
          version: alert.version,
          version_type: 'external' as const,
        },
      },
      alert,
    ]);
    const response = await this.call('bulk alerts', () =>
      this.client.bulk({ operations, filter_path: 'errors,items.*.status,items.*.error' }),
    );
    alerts.forEach((alert, i) => {
      const entry = response.items?.[i];
      const item = entry === undefined ? undefined : Object.values(entry)[0];
      if (!response.errors || item === undefined || item.error === undefined) {
        result.written.push(stored[i] as Alert);
      } else if (item.status === 409) {
        result.conflicts.push(alert);
      } else {
        result.failed.push({ item: alert, status: item.status, error: item.error });
      }
    });
    if (result.failed.length > 0) {
      this.options.logger.debug(
        {
          failed: result.failed.length,
          retriable: result.failed.some((f) => isRetriableStatus(f.status)),
        },
        'bulk alerts had item failures',
      );
    }
    return result;
  }

  async getAlert(id: string): Promise<Alert | undefined> {
    return this.call('get alert', async () => {
      const response = await this.client.get<Alert>(
        { index: this.index, id: alertDocumentId(id) },
        { ignore: [404] },
      );
      return response.found ? alertOf(response) : undefined;
    });
  }

  async getAlerts(ids: readonly string[]): Promise<Alert[]> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return [];
    const alerts: Alert[] = [];
    for (let i = 0; i < unique.length; i += PAGE_SIZE) {
      const response = await this.call('get alerts', () =>
        this.client.mget<Alert>(
          { index: this.index, ids: unique.slice(i, i + PAGE_SIZE).map(alertDocumentId) },
          { ignore: [404] },
        ),
      );
      for (const doc of response.docs ?? []) {
        // An unreadable alert throws (es-mget.ts) rather than reading as never raised.
        const alert =
          sourceOfMgetItem(doc, 'get alerts') === undefined ? undefined : alertOf(doc as Hit);
        if (alert !== undefined) alerts.push(alert);
      }
    }
    return alerts.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async openAlerts(scope: AlertScope = {}): Promise<Alert[]> {
    await this.call('refresh alerts', () =>
      this.client.indices.refresh({
        index: this.index,
        allow_no_indices: true,
        ignore_unavailable: true,
      }),
    );
    const base: estypes.QueryDslQueryContainer[] = [];
    if (scope.kinds !== undefined) base.push({ terms: { kind: [...scope.kinds] } });
    if (scope.processes !== undefined) base.push({ terms: { process: [...scope.processes] } });
    const byId = new Map<string, Alert>();
    for (const instances of chunks(scope.instances)) {
      const filter =
        instances === undefined ? base : [...base, { terms: { instance: [...instances] } }];
      const query = {
        bool: { filter, must_not: [{ term: { status: 'resolved' } }] },
      } satisfies estypes.QueryDslQueryContainer;
      for await (const alert of this.scan(query)) byId.set(alert.id, alert);
    }
    return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async searchAlerts(query: AlertQuery): Promise<AlertPage> {
    const filter: estypes.QueryDslQueryContainer[] = [];
    if (query.status !== undefined) filter.push({ terms: { status: [...query.status] } });
    if (query.kind !== undefined) filter.push({ terms: { kind: [...query.kind] } });
    if (query.process !== undefined) filter.push({ term: { process: query.process } });
    if (query.owner !== undefined) filter.push({ term: { owner: query.owner } });
    if (query.instance !== undefined) {
      filter.push({
        bool: {
          should: [
            { term: { instance: query.instance } },
            { term: { relatedKeys: query.instance } },
          ],
          minimum_should_match: 1,
        },
      });
    }
    return this.call('search alerts', async () => {
      const response = await this.client.search<Alert>({
        index: this.index,
        allow_no_indices: true,
        ignore_unavailable: true,
        query: { bool: { filter } },
        from: query.from ?? 0,
        size: query.size ?? 20,
        sort: [
          { lastSeenAt: { order: 'desc', unmapped_type: 'date' } },
          { id: { order: 'asc', unmapped_type: 'keyword' } },
        ],
        version: true,
        track_total_hits: true,
      });
      const total = response.hits.total;
      return {
        total: typeof total === 'number' ? total : (total?.value ?? 0),
        alerts: response.hits.hits.flatMap((hit) => alertOf(hit) ?? []),
      };
    });
  }

  async alertChanges(after: number | undefined, limit: number): Promise<ChangePage> {
    const request = changesSearch(this.index, after, limit, ['instance', 'relatedKeys']);
    return this.call('alert changes', async () =>
      changePageOf(await this.client.search(request), after, limit, alertKeysOf),
    );
  }

  /** Every matching alert, paged with search_after in id order. */
  private async *scan(query: estypes.QueryDslQueryContainer): AsyncGenerator<Alert> {
    let after: estypes.SortResults | undefined;
    for (;;) {
      const response = await this.call('scan alerts', () =>
        this.client.search<Alert>({
          index: this.index,
          allow_no_indices: true,
          ignore_unavailable: true,
          query,
          sort: [{ id: 'asc' }],
          size: PAGE_SIZE,
          version: true,
          ...(after !== undefined ? { search_after: after } : {}),
        }),
      );
      const hits = response.hits.hits;
      for (const hit of hits) {
        const alert = alertOf(hit);
        if (alert !== undefined) yield alert;
      }
      if (hits.length < PAGE_SIZE) return;
      after = hits[hits.length - 1]?.sort;
    }
  }

  private async call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toStorageError(operation, err);
    }
  }
}
