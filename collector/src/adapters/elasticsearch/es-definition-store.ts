/**
 * Elasticsearch adapter of the definition store port: index `<prefix>-definitions`
 * (created with its mappings by `prepare`, like the alerts index), one document per
 * (process, version), id `process@version` (hashed beyond the 512-byte id limit).
 * Written with `op_type: create`, so a version is stored once: of two collectors putting
 * it at once exactly one creates it, the other gets 409 and compares the stored content
 * (a real-time get). `listDefinitions` refreshes the index first (read-your-writes);
 * a delete removes by id (one version) or finds the ids and bulk-deletes them (all of a
 * process), refreshing after.
 */
import type { Client, estypes } from '@elastic/elasticsearch';
import { errors } from '@elastic/elasticsearch';
import type { ElasticsearchConfig } from './elasticsearch-config.ts';
import type { DefinitionDocument } from '../../domain/definitions/definition-schema.ts';
import {
  DefinitionConflictError,
  documentContent,
} from '../../domain/definitions/definition-document.ts';
import { StorageError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import {
  byProcessAndVersion,
  type DefinitionStore,
  type PutDefinitionResult,
  type StoredDefinition,
} from '../../ports/definition-store.ts';
import { alertDocumentId } from './alert-index.ts';
import { toStorageError } from './es-errors.ts';
import { createElasticsearchClient } from './es-client.ts';

const PAGE_SIZE = 1000;

export function definitionsIndex(prefix: string): string {
  return `${prefix}-definitions`;
}

/** `process@version`, under a hash when longer than Elasticsearch allows. */
export function definitionDocumentId(process: string, version: number): string {
  return alertDocumentId(`${process}@${version}`);
}

/** Only the key and time are indexed; the definition stays in `_source`. */
export const definitionMappings: estypes.MappingTypeMapping = {
  dynamic: false,
  properties: {
    process: { type: 'keyword' },
    version: { type: 'long' },
    storedAt: { type: 'date', format: 'strict_date_optional_time||epoch_millis' },
    definition: { type: 'object', enabled: false },
  },
};

export class ElasticsearchDefinitionStore implements DefinitionStore {
  constructor(
    private readonly client: Client,
    private readonly options: { indexPrefix: string; replicas: number; logger: Logger },
  ) {}

  static fromConfig(config: ElasticsearchConfig, logger: Logger): ElasticsearchDefinitionStore {
    return new ElasticsearchDefinitionStore(createElasticsearchClient(config), {
      indexPrefix: config.indexPrefix,
      replicas: config.replicas,
      logger,
    });
  }

  private get index(): string {
    return definitionsIndex(this.options.indexPrefix);
  }

  async prepare(): Promise<void> {
    await this.call('create definitions index', async () => {
      try {
        await this.client.indices.create({
          index: this.index,
          settings: { number_of_shards: 1, number_of_replicas: this.options.replicas },
          mappings: definitionMappings,
        });
      } catch (err) {
        const type = (err as { body?: { error?: { type?: string } } }).body?.error?.type;
        if (type !== 'resource_already_exists_exception') throw err;
        await this.client.indices.putMapping({ index: this.index, ...definitionMappings });
      }
    });
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  async putDefinition(
    document: DefinitionDocument,
    storedAt: Date = new Date(),
  ): Promise<PutDefinitionResult> {
    const id = definitionDocumentId(document.process, document.version);
    const fresh: StoredDefinition = {
      process: document.process,
      version: document.version,
      definition: document,
      storedAt: storedAt.toISOString(),
    };
    const created = await this.call('put definition', async () => {
      try {
        await this.client.create({ index: this.index, id, document: fresh });
        return true;
      } catch (err) {
        if (err instanceof errors.ResponseError && err.statusCode === 409) return false;
        throw err;
      }
    });
    if (created) return { created: true, stored: fresh };
    const existing = await this.call('get definition', async () => {
      const response = await this.client.get<StoredDefinition>(
        { index: this.index, id },
        { ignore: [404] },
      );
      return response.found ? response._source : undefined;
    });
    if (existing === undefined) {
      // Created and deleted in between: only possible when someone deletes by hand.
      throw new StorageError(`elasticsearch put definition failed: ${id} vanished`, true);
    }
    if (documentContent(existing.definition) !== documentContent(document)) {
      throw new DefinitionConflictError(document.process, document.version, 'stored definition');
    }
    return { created: false, stored: existing };
  }

  async listDefinitions(): Promise<StoredDefinition[]> {
    return (await this.search({ match_all: {} })).sort(byProcessAndVersion);
  }

  /** Every stored definition matching `query`, after a refresh (read-your-writes). */
  private async search(query: estypes.QueryDslQueryContainer): Promise<StoredDefinition[]> {
    await this.refresh();
    const out: StoredDefinition[] = [];
    let after: estypes.SortResults | undefined;
    for (;;) {
      const response = await this.call('list definitions', () =>
        this.client.search<StoredDefinition>({
          index: this.index,
          allow_no_indices: true,
          ignore_unavailable: true,
          query,
          sort: [{ process: 'asc' }, { version: 'asc' }],
          size: PAGE_SIZE,
          ...(after !== undefined ? { search_after: after } : {}),
        }),
      );
      const hits = response.hits.hits;
      for (const hit of hits) if (hit._source !== undefined) out.push(hit._source);
      if (hits.length < PAGE_SIZE) break;
      after = hits[hits.length - 1]?.sort;
    }
    return out;
  }

  async deleteDefinitions(process: string, version?: number): Promise<number> {
    if (version !== undefined) {
      const id = definitionDocumentId(process, version);
      return this.call('delete definition', async () => {
        const response = await this.client.delete(
          { index: this.index, id, refresh: true },
          { ignore: [404] },
        );
        return response.result === 'deleted' ? 1 : 0;
      });
    }
    // No delete_by_query (the reindex module is missing from the minimal distribution,
    // docs/architecture.md): find the ids, then bulk-delete them.
    const ids = (await this.search({ term: { process } })).map((hit) =>
      definitionDocumentId(hit.process, hit.version),
    );
    if (ids.length === 0) return 0;
    return this.call('delete definitions', async () => {
      const response = await this.client.bulk({
        refresh: true,
        operations: ids.map((id) => ({ delete: { _index: this.index, _id: id } })),
      });
      return response.items.filter((item) => item.delete?.result === 'deleted').length;
    });
  }

  private async refresh(): Promise<void> {
    await this.call('refresh definitions', () =>
      this.client.indices.refresh({
        index: this.index,
        allow_no_indices: true,
        ignore_unavailable: true,
      }),
    );
  }

  private async call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toStorageError(operation, err);
    }
  }
}
