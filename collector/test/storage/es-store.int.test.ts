/**
 * The storage contract against the REAL Elasticsearch: a unique index prefix per run,
 * every index and template of it deleted afterwards (es-contract-target.ts).
 */
import { ElasticsearchEventStore } from '../../src/adapters/elasticsearch/es-event-store.ts';
import { esContractTarget } from './es-contract-target.ts';
import { describeStoreContract } from './store-contract.ts';

describeStoreContract('elasticsearch', () =>
  esContractTarget('store', (client, options) => new ElasticsearchEventStore(client, options)),
);
