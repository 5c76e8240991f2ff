/**
 * What every Elasticsearch store contract suite starts from: the REAL server
 * (ELASTICSEARCH_URL, default http://127.0.0.1:9200) once it is not red, a unique index
 * prefix per run, a store opened on it (and another client's, for the races), a refresh
 * of the prefix's indices, and a cleanup that deletes every index and template of it.
 */
import type { Client } from '@elastic/elasticsearch';
import { createLogger } from '../../src/shared/logger.ts';
import type { Logger } from '../../src/shared/logger.ts';
import {
  deleteIndicesOf,
  testElasticsearch,
  uniqueName,
  waitForElasticsearch,
} from '../helpers/servers.ts';

export interface EsStoreOptions {
  indexPrefix: string;
  replicas: number;
  logger: Logger;
}

export interface EsContractTarget<Store> {
  store: Store;
  /** The index prefix of the run (every index of the store starts with it). */
  prefix: string;
  /** The same indices through another client. */
  openAnother: () => Promise<Store>;
  refresh: () => Promise<void>;
  cleanup: () => Promise<void>;
}

export async function esContractTarget<Store extends { close(): Promise<void> }>(
  tag: string,
  open: (client: Client, options: EsStoreOptions) => Store,
): Promise<EsContractTarget<Store>> {
  const admin = testElasticsearch();
  await waitForElasticsearch(admin);
  const prefix = uniqueName(tag);
  const options: EsStoreOptions = {
    indexPrefix: prefix,
    replicas: 0,
    logger: createLogger('silent'),
  };
  const another = async () => open(testElasticsearch(), options);
  const store = open(testElasticsearch(), options);
  return {
    store,
    prefix,
    openAnother: another,
    refresh: async () => {
      await admin.indices.refresh({
        index: `${prefix}-*`,
        allow_no_indices: true,
        ignore_unavailable: true,
      });
    },
    cleanup: async () => {
      await store.close();
      await deleteIndicesOf(admin, prefix);
      await admin.close();
    },
  };
}
