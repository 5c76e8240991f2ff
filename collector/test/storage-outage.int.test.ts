/**
 * Elasticsearch unreachable (a TCP proxy in front of the REAL server drops and refuses
 * connections): the collector retries with backoff, commits nothing for the stuck
 * slice, and once Elasticsearch answers again every event lands exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@elastic/elasticsearch';
import type { Admin } from 'kafkajs';
import { KafkaTransport } from '@flowtrail/sdk';
import { startCollector, type RunningCollector } from '../src/main/start-collector.ts';
import { parseConfig } from '../src/main/config/config.ts';
import { createLogger } from '../src/shared/logger.ts';
import { at, makeEvent } from './helpers/events.ts';
import {
  collectorTestEnv,
  brokers,
  consumerLag,
  countEvents,
  createTopics,
  elasticsearchUrl,
  uniqueName,
} from './helpers/servers.ts';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.ts';
import { connectSuiteServers, type SuiteServers } from './helpers/suite-servers.ts';
import { waitFor } from './helpers/wait-for.ts';

const name = uniqueName('outage');
const topic = `${name}.events`;
const dlqTopic = `${name}.dlq`;

let servers: SuiteServers | undefined;
let es: Client;
let admin: Admin;
let proxy: TcpProxy;
let transport: KafkaTransport;
let collector: RunningCollector;

beforeAll(async () => {
  servers = await connectSuiteServers(name);
  ({ es, admin } = servers);
  await createTopics(admin, [topic], 2);
  proxy = await startTcpProxy(new URL(elasticsearchUrl));
  const config = parseConfig(
    collectorTestEnv(name, {
      ELASTICSEARCH_URL: proxy.url,
      ELASTICSEARCH_REQUEST_TIMEOUT_MS: '5000',
      FLOWTRAIL_RETRY_MIN_MS: '50',
      FLOWTRAIL_RETRY_MAX_MS: '500',
    }),
  );
  collector = await startCollector(config, { logger: createLogger('silent') });
  transport = new KafkaTransport({ brokers, topic });
});

afterAll(async () => {
  proxy?.unblock();
  await collector?.stop();
  await transport?.close();
  await proxy?.close();
  await servers?.release([topic, dlqTopic], [name]);
});

describe('storage outage (real Kafka + Elasticsearch behind a proxy)', () => {
  it('retries while Elasticsearch is unreachable, commits nothing meanwhile, then catches up', async () => {
    const events = Array.from({ length: 40 }, (_, i) =>
      makeEvent({
        type: i % 10 === 0 ? 'flowtrail.process.started' : 'custom.tick',
        instance: `outage-${i % 4}`,
        time: at('2024-09-01T00:00:00Z', i),
      }),
    );
    await transport.send(events.slice(0, 4));
    await waitFor(async () => (await countEvents(es, name)) === 4, {
      description: 'first events indexed',
    });
    await waitFor(async () => (await consumerLag(admin, name, topic)) === 0, {
      description: 'first commit',
    });

    proxy.block();
    await transport.send(events.slice(4));
    await waitFor(() => collector.metrics.snapshot().retries >= 3, {
      description: 'collector retrying',
    });
    // Not acknowledged by Elasticsearch → not committed.
    expect(await consumerLag(admin, name, topic)).toBeGreaterThan(0);

    proxy.unblock();
    await waitFor(async () => (await countEvents(es, name)) === events.length, {
      timeoutMs: 60_000,
      description: 'all events indexed after recovery',
    });
    await waitFor(async () => (await consumerLag(admin, name, topic)) === 0, {
      description: 'lag 0 after recovery',
    });
    expect(collector.metrics.snapshot()).toMatchObject({ dlq: 0 });
    const dups = await es.search({
      index: `${name}-events-*`,
      size: 0,
      aggs: { dups: { terms: { field: 'id', min_doc_count: 2, size: 10 } } },
    });
    expect((dups.aggregations?.dups as { buckets: unknown[] }).buckets).toEqual([]);
  });
});
