/**
 * The heat map and export routes in Kafka mode, on the REAL Elasticsearch store, answer
 * exactly what embedded mode (SQLite) answers for the same posted events — and the heat
 * maps computed by hand (percentiles within the sketches' 1 %).
 */
import { expectSketchClose } from '../analytics/sketch-close.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/main/config/config.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { collectorTestEnv, uniqueName } from '../helpers/servers.ts';
import { analysisEvents, expectedHeatmaps } from './analysis-events.ts';
import { startEsAndSqlite, type EsAndSqlite } from './es-and-sqlite.ts';
import { call, postBatch } from './http-client.ts';
import { waitFor } from '../helpers/wait-for.ts';

const name = uniqueName('heatmap');
const PROCESS = `${name}-orders`;
const config = parseConfig(
  collectorTestEnv(name, { FLOWTRAIL_TOPIC_PARTITIONS: '1', FLOWTRAIL_API_KEY: 'it-key' }),
);
const logger = createLogger('error');
const auth = { authorization: 'Bearer it-key' };

let pair: EsAndSqlite | undefined;
let esBase: string;

beforeAll(async () => {
  pair = await startEsAndSqlite({ name, config, auth, logger, tmpPrefix: 'flowtrail-heatmap-es-' });
  esBase = pair.esBase;
  const events = JSON.stringify(analysisEvents(name, PROCESS));
  expect(await postBatch(esBase, events, auth)).toMatchObject({
    status: 202,
    body: { accepted: 16, rejected: [] },
  });
  expect(await postBatch(pair.sqliteBase, events)).toMatchObject({
    status: 202,
    body: { accepted: 16, rejected: [] },
  });
  // The heat map reads the analytics buckets, which the collector's compaction keeps
  // about a second behind ingest (es-analytics-compactor.ts).
  await waitFor(
    async () => {
      const { es: onEs, sqlite } = await both(heatmapPath(PROCESS, '?dimension=hour'));
      return onEs.status === 200 && JSON.stringify(onEs.body) === JSON.stringify(sqlite.body)
        ? true
        : undefined;
    },
    { description: 'the analytics compacted on Elasticsearch' },
  );
});

afterAll(async () => {
  await pair?.stop();
});

/** The same request to both collectors. */
const both = (path: string) => (pair as EsAndSqlite).both(path);

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
    expectSketchClose(onEs.body, expectedHeatmaps[expected]);
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
