/**
 * Kafka mode against the REAL Kafka and Elasticsearch: a definition stored by ANOTHER
 * collector (written straight into the shared `<prefix>-definitions`, as a put through
 * any collector or query node does) reaches an instance that is already waiting, without
 * any new event. The collector notices it at its reload (every 10 s), re-derives the
 * stored `nextDeadline` of the process's open instances in its sweeps, and the overdue
 * query finds the instance: the stuck alert fires.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@elastic/elasticsearch';
import type { Admin, Producer } from 'kafkajs';
import {
  encodeStructured,
  instanceKeyOf,
  STRUCTURED_CONTENT_TYPE,
  type FlowtrailEvent,
} from '@flowtrail/sdk/protocol';
import { startCollector, type RunningCollector } from '../../src/main/start-collector.ts';
import { parseConfig, type CollectorConfig } from '../../src/main/config/config.ts';
import { definitionDocument } from '../../src/domain/definitions/definition-document.ts';
import type { InstanceState } from '../../src/domain/instance/instance-state.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { ElasticsearchDefinitionStore } from '../../src/adapters/elasticsearch/es-definition-store.ts';
import { makeEvent } from '../helpers/events.ts';
import { collectorTestEnv, createTopics, uniqueName } from '../helpers/servers.ts';
import { connectSuiteServers, type SuiteServers } from '../helpers/suite-servers.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { definitionOf } from '../detection-runtime/definition-fixtures.ts';

const name = uniqueName('det-defchg');
const topic = `${name}.events`;
const PROCESS = 'packing';
const KEY = `shop/${PROCESS}/p-1`;
const logger = createLogger('warn');

let servers: SuiteServers | undefined;
let es: Client;
let admin: Admin;
let producer: Producer;
let config: CollectorConfig;
let collector: RunningCollector | undefined;

beforeAll(async () => {
  servers = await connectSuiteServers(name);
  ({ es, admin } = servers);
  const kafka = servers.kafka;
  await createTopics(admin, [topic]);
  producer = kafka.producer();
  await producer.connect();
  config = parseConfig(
    collectorTestEnv(name, {
      FLOWTRAIL_DETECTION: 'true',
      FLOWTRAIL_SWEEP_INTERVAL_MS: '200',
      FLOWTRAIL_LEARNED_MAX_INSTANCES: '0',
    }),
  );
  collector = await startCollector(config, { logger });
});

afterAll(async () => {
  await collector?.stop();
  await producer?.disconnect();
  await servers?.release([topic], [name]);
});

/** process.started at `start`, step `pick` started at +1 s and waiting at +2 s. */
function waiting(start: number): FlowtrailEvent[] {
  const time = (s: number) => new Date(start + s * 1000).toISOString();
  const base = { process: PROCESS, instance: 'p-1' };
  return [
    makeEvent({ ...base, type: 'flowtrail.process.started', time: time(0) }),
    makeEvent({ ...base, type: 'flowtrail.step.started', step: 'pick', time: time(1) }),
    makeEvent({
      ...base,
      type: 'flowtrail.step.waiting',
      step: 'pick',
      time: time(2),
      data: { for: 'stock' },
    }),
  ];
}

async function stored(): Promise<InstanceState | undefined> {
  const response = await es.get<InstanceState>(
    { index: `${name}-instances`, id: KEY },
    { ignore: [404] },
  );
  return response.found ? response._source : undefined;
}

describe('a definition another collector stored (Kafka mode)', () => {
  it('re-derives the waiting instance’s deadline and fires the stuck alert, with no new event', async () => {
    const running = collector as RunningCollector;
    const { sweeper } = running.detection;
    let sweeps = 0;
    const sweepOnce = sweeper.sweepOnce.bind(sweeper);
    sweeper.sweepOnce = async (at) => {
      const report = await sweepOnce(at);
      sweeps++;
      return report;
    };

    const start = Date.now() - 2 * 3_600_000;
    await producer.send({
      topic,
      messages: waiting(start).map((event) => ({
        key: instanceKeyOf(event),
        value: encodeStructured(event),
        headers: { 'content-type': STRUCTURED_CONTENT_TYPE },
      })),
    });
    await waitFor(async () => (await stored())?.eventCount === 3, {
      timeoutMs: 120_000,
      description: 'the folded instance',
    });
    // Two whole sweeps after the fold (the start's walks included) saw no deadline.
    const seen = sweeps;
    await waitFor(() => sweeps >= seen + 2, { timeoutMs: 60_000, description: 'two sweeps' });
    expect(await running.alerts.store.openAlerts({})).toEqual([]);
    expect((await stored())?.nextDeadline).toBeUndefined();

    const other = ElasticsearchDefinitionStore.fromConfig(config.elasticsearch, logger);
    try {
      await other.prepare();
      await other.putDefinition(definitionDocument(definitionOf(PROCESS, 1, '1m')));
    } finally {
      await other.close();
    }

    const alert = await waitFor(
      async () =>
        (await running.alerts.store.openAlerts({})).find(
          (a) => a.kind === 'stuck' && a.instance === KEY,
        ),
      { timeoutMs: 90_000, description: 'the stuck alert' },
    );
    expect(alert).toMatchObject({ status: 'firing', step: 'pick', process: PROCESS });
    expect(await stored()).toMatchObject({
      eventCount: 3,
      nextDeadline: new Date(start + 61_000).toISOString(),
    });
  });
});
