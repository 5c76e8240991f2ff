/**
 * The definition store contract against the REAL Elasticsearch (ELASTICSEARCH_URL,
 * default http://127.0.0.1:9200): a unique index prefix per run, its indices deleted
 * afterwards. The race runs between two clients.
 */
import { createLogger } from '../../src/logger.ts';
import { ElasticsearchDefinitionStore } from '../../src/storage/elasticsearch/es-definition-store.ts';
import { deleteIndicesOf, testElasticsearch, uniqueName } from '../helpers/servers.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { describeDefinitionStoreContract } from './definition-contract.ts';

describeDefinitionStoreContract('elasticsearch', async () => {
  const admin = testElasticsearch();
  await waitFor(async () => (await admin.cluster.health()).status !== 'red', {
    timeoutMs: 120_000,
    description: 'elasticsearch',
  });
  const prefix = uniqueName('definitions');
  const open = (): ElasticsearchDefinitionStore =>
    new ElasticsearchDefinitionStore(testElasticsearch(), {
      indexPrefix: prefix,
      replicas: 0,
      logger: createLogger('silent'),
    });
  const store = open();
  return {
    store,
    openAnother: async () => open(),
    cleanup: async () => {
      await store.close();
      await deleteIndicesOf(admin, prefix);
      await admin.close();
    },
  };
});
