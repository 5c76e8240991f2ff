/**
 * The alert store contract against the REAL Elasticsearch: a unique index prefix per run,
 * its indices deleted afterwards (es-contract-target.ts). The race runs between two
 * clients.
 */
import { ElasticsearchAlertStore } from '../../src/adapters/elasticsearch/es-alert-store.ts';
import { describeAlertStoreContract } from './alert-contract.ts';
import { esContractTarget } from './es-contract-target.ts';

describeAlertStoreContract('elasticsearch', () =>
  esContractTarget('alerts', (client, options) => new ElasticsearchAlertStore(client, options)),
);
