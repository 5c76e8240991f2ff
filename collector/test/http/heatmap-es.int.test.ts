/**
 * The heat map and export routes in Kafka mode, on the REAL Elasticsearch store, answer
 * exactly what embedded mode (SQLite) answers for the same posted events — and the heat
 * maps computed by hand.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@elastic/elasticsearch';
import type { Admin } from 'kafkajs';
import { startCollector, type RunningCollector } from '../../src/collector.ts';
import { parseConfig } from '../../src/config.ts';
import { startEmbedded, type RunningEmbedded } from '../../src/embedded/start-embedded.ts';
import { createLogger } from '../../src/logger.ts';
import {
  collectorTestEnv,
  deleteIndicesOf,
  deleteKafkaResources,
  testElasticsearch,
  testKafka,
  uniqueName,
  waitForServers,
} from '../helpers/servers.ts';
import { analysisEvents, expectedHeatmaps } from './analysis-events.ts';
import { call, postBatch, type Answer } from './http-client.ts';

const name = uniqueName('heatmap');
const topic = `${name}.events`;
const dlqTopic = `${name}.dlq`;
const PROCESS = `${name}-orders`;
const config = parseConfig(
  collectorTestEnv(name, { FLOWTRAIL_TOPIC_PARTITIONS: '1', FLOWTRAIL_API_KEY: 'it-key' }),
);
const logger = createLogger('error');
const auth = { authorization: 'Bearer it-key' };

let es: Client;
let admin: Admin;
let collector: RunningCollector;
let embedded: RunningEmbedded;
let dir: string;
let esBase: string;

beforeAll(async () => {
  es = testElasticsearch();
  admin = testKafka().admin();
  await waitForServers(es, admin);
  collector = await startCollector(config, { logger });
  esBase = collector.api?.url ?? '';
  dir = await mkdtemp(join(tmpdir(), 'flowtrail-heatmap-es-'));
  embedded = await startEmbedded({ dataDir: dir, http: { host: '127.0.0.1', port: 0 }, logger });
  const events = JSON.stringify(analysisEvents(name, PROCESS));
  expect(await postBatch(esBase, events, auth)).toMatchObject({
    status: 202,
    body: { accepted: 16, rejected: [] },
  });
  expect(await postBatch(embedded.api.url, events)).toMatchObject({
    status: 202,
    body: { accepted: 16, rejected: [] },
  });
});

afterAll(async () => {
  await collector?.stop();
  await embedded?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  await deleteIndicesOf(es, name);
  await deleteKafkaResources(admin, [topic, dlqTopic], [name]);
  await admin.disconnect();
  await es.close();
});

/** The same request to both collectors. */
async function both(path: string): Promise<{ es: Answer; sqlite: Answer }> {
  return {
    es: await call(`${esBase}${path}`, { headers: auth }),
    sqlite: await call(`${embedded.api.url}${path}`),
  };
}

const heatmapPath = (process: string, query: string) =>
  `/api/processes/${encodeURIComponent(process)}/heatmap${query}`;

describe('heat map and export routes on Elasticsearch (Kafka mode)', () => {
  it.each([
    ['hour', '?dimension=hour'],
    ['hour tz=60', '?dimension=hour&tz=60'],
    ['weekday', '?dimension=weekday'],
    ['weekday tz=60', '?dimension=weekday&tz=60'],
  ])('gives the %s heat map, like SQLite', async (expected, query) => {
    const { es: onEs, sqlite } = await both(heatmapPath(PROCESS, query));
    expect(onEs.status).toBe(200);
    expect(onEs.body).toEqual(expectedHeatmaps[expected]);
    expect(onEs.body).toEqual(sqlite.body);
  });

  it('answers 404 and 400 like SQLite', async () => {
    const missing = await both(heatmapPath(`${name}-nothing`, ''));
    expect(missing.es.status).toBe(404);
    expect(missing.es.body).toEqual(missing.sqlite.body);
    const bad = await both(heatmapPath(PROCESS, '?dimension=month'));
    expect(bad.es.status).toBe(400);
    expect(bad.es.body).toEqual(bad.sqlite.body);
    expect((await call(`${esBase}${heatmapPath(PROCESS, '')}`)).status).toBe(401);
  });

  it.each([
    `?format=xes&process=${PROCESS}`,
    `?format=xes&process=${PROCESS}&source=billing`,
    `?format=ocel&process=${PROCESS}`,
    `?format=ocel&source=shop`,
  ])('exports %s like SQLite', async (query) => {
    const { es: onEs, sqlite } = await both(`/api/export${query}`);
    expect(onEs.status).toBe(200);
    for (const header of ['content-type', 'content-disposition']) {
      expect(onEs.headers.get(header)).toBe(sqlite.headers.get(header));
    }
    expect(onEs.body).toEqual(sqlite.body);
    const text = typeof onEs.body === 'string' ? onEs.body : JSON.stringify(onEs.body);
    expect(text).toMatch(/i-[14]/); // not an empty log
  });
});
