/**
 * The real Kafka and Elasticsearch of one integration suite: connected (waiting until
 * both answer) in its `beforeAll`, and in its `afterAll`, once its collectors stopped,
 * everything it created under its unique name (`uniqueName`) removed again.
 */
import type { Client } from '@elastic/elasticsearch';
import type { Admin, Kafka } from 'kafkajs';
import {
  deleteIndicesOf,
  deleteKafkaResources,
  testElasticsearch,
  testKafka,
  waitForServers,
} from './servers.ts';

export interface SuiteServers {
  es: Client;
  kafka: Kafka;
  admin: Admin;
  /**
   * Deletes the indices of the suite's prefix, the topics (and every `<group>.*` topic)
   * and the consumer groups, then disconnects.
   */
  release(topics: string[], groupIds: string[]): Promise<void>;
}

export async function connectSuiteServers(name: string): Promise<SuiteServers> {
  const es = testElasticsearch();
  const kafka = testKafka();
  const admin = kafka.admin();
  await waitForServers(es, admin);
  return {
    es,
    kafka,
    admin,
    async release(topics, groupIds) {
      await deleteIndicesOf(es, name);
      await deleteKafkaResources(admin, topics, groupIds);
      await admin.disconnect();
      await es.close();
    },
  };
}
