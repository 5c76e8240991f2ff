/**
 * setupFiles of the `faults` vitest project: before a fault test file is imported, points
 * KAFKA_BROKERS / ELASTICSEARCH_URL of its worker at the private pair the globalSetup
 * brought up (fault-infra-setup.ts), so helpers/servers.ts and every child process the
 * test starts use it.
 */
import { faultServers } from './server-faults.ts';

const servers = faultServers();
process.env['KAFKA_BROKERS'] = servers.brokers.join(',');
process.env['ELASTICSEARCH_URL'] = servers.elasticsearchUrl;
