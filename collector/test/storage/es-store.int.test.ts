/**
 * The storage contract against the REAL Elasticsearch (ELASTICSEARCH_URL, default
 * http://127.0.0.1:9200): a unique index prefix per run, every index and template of it
 * deleted afterwards.
 */
import { createLogger } from '../../src/logger.ts';
import { ElasticsearchEventStore } from '../../src/storage/elasticsearch/es-event-store.ts';
import { deleteIndicesOf, testElasticsearch, uniqueName } from '../helpers/servers.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { describeStoreContract } from './store-contract.ts';

describeStoreContract('elasticsearch', async () => {
  const admin = testElasticsearch();
  await waitFor(async () => (await admin.cluster.health()).status !== 'red', {
    timeoutMs: 120_000,
    description: 'elasticsearch',
  });
  const prefix = uniqueName('store');
  const store = new ElasticsearchEventStore(testElasticsearch(), {
    indexPrefix: prefix,
    replicas: 0,
    logger: createLogger('silent'),
  });
  return {
    store,
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
});
