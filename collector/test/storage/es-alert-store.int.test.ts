/**
 * The alert store contract against the REAL Elasticsearch (ELASTICSEARCH_URL, default
 * http://127.0.0.1:9200): a unique index prefix per run, its indices deleted afterwards.
 * The race runs between two clients.
 */
import { createLogger } from '../../src/logger.ts';
import { ElasticsearchAlertStore } from '../../src/storage/elasticsearch/es-alert-store.ts';
import { deleteIndicesOf, testElasticsearch, uniqueName } from '../helpers/servers.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { describeAlertStoreContract } from './alert-contract.ts';

describeAlertStoreContract('elasticsearch', async () => {
  const admin = testElasticsearch();
  await waitFor(async () => (await admin.cluster.health()).status !== 'red', {
    timeoutMs: 120_000,
    description: 'elasticsearch',
  });
  const prefix = uniqueName('alerts');
  const open = (): ElasticsearchAlertStore =>
    new ElasticsearchAlertStore(testElasticsearch(), {
      indexPrefix: prefix,
      replicas: 0,
      logger: createLogger('silent'),
    });
  const store = open();
  return {
    store,
    openAnother: async () => open(),
    refresh: async () => {
      await admin.indices.refresh({ index: `${prefix}-*`, allow_no_indices: true });
    },
    cleanup: async () => {
      await store.close();
      await deleteIndicesOf(admin, prefix);
      await admin.close();
    },
  };
});
