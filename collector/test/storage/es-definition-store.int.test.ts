/**
 * The definition store contract against the REAL Elasticsearch: a unique index prefix per
 * run, its indices deleted afterwards (es-contract-target.ts). The race runs between two
 * clients.
 */
import { ElasticsearchDefinitionStore } from '../../src/adapters/elasticsearch/es-definition-store.ts';
import { describeDefinitionStoreContract } from './definition-contract.ts';
import { esContractTarget } from './es-contract-target.ts';

describeDefinitionStoreContract('elasticsearch', () =>
  esContractTarget(
    'definitions',
    (client, options) => new ElasticsearchDefinitionStore(client, options),
  ),
);
