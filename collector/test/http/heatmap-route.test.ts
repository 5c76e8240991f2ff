/**
 * `GET /api/processes/:process/heatmap` against embedded mode (real SQLite store, real
 * HTTP server on a free port): hand-made events give the heat maps computed by hand (percentiles within the
 * sketches' 1 %), for
 * both dimensions and a time-zone offset; bad parameters are 400 with every problem.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbedded, type RunningEmbedded } from '../../src/main/start-embedded.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { analysisEvents, expectedHeatmaps } from './analysis-events.ts';
import { call, postBatch } from './http-client.ts';
import { expectSketchClose, expectWithinSketch } from '../analytics/sketch-close.ts';

const PROCESS = 'order fulfilment/eu';
let dir: string;
let app: RunningEmbedded;
let base: string;

const heatmapPath = (process: string, query = '') =>
  `${base}/api/processes/${encodeURIComponent(process)}/heatmap${query}`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flowtrail-heatmap-'));
  app = await startEmbedded({
    dataDir: dir,
    http: { host: '127.0.0.1', port: 0 },
    logger: createLogger('silent'),
  });
  base = app.api.url;
  const posted = await postBatch(base, JSON.stringify(analysisEvents('hm', PROCESS)));
  expect(posted).toMatchObject({ status: 202, body: { accepted: 16, rejected: [] } });
});

afterAll(async () => {
  await app?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('GET /api/processes/:process/heatmap', () => {
  it.each([
    ['hour', '?dimension=hour'],
    ['hour', ''],
    ['hour tz=60', '?dimension=hour&tz=60'],
    ['weekday', '?dimension=weekday'],
    ['weekday tz=60', '?dimension=weekday&tz=%2B60'],
  ])('gives the %s heat map (%s)', async (name, query) => {
    const answer = await call(heatmapPath(PROCESS, query));
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expectSketchClose(answer.body, expectedHeatmaps[name]);
  });

  it('only counts the process asked for', async () => {
    const answer = await call(heatmapPath(`${PROCESS}-other`));
    expect(answer.status).toBe(200);
    const body = answer.body as { steps: string[]; cells: { count: number; medianMs: number }[] };
    expect(body).toMatchObject({
      steps: ['check'],
      cells: [{ step: 'check', bucket: 5, count: 1 }],
    });
    expectWithinSketch(body.cells[0]?.medianMs, 600_000);
  });

  it('is 404 JSON for a process without instances', async () => {
    const answer = await call(heatmapPath('no-such-process', '?dimension=weekday'));
    expect(answer).toMatchObject({
      status: 404,
      body: { error: 'no instances of process "no-such-process"', retriable: false },
    });
  });

  it('lists every bad parameter in one 400', async () => {
    const answer = await call(
      heatmapPath(PROCESS, '?dimension=month&tz=9999&colour=red&dimension=hour'),
    );
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: 'invalid query parameters', retriable: false });
    const problems = (answer.body as { problems: string[] }).problems;
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/dimension: given 2 times/);
    expect(problems.join('\n')).toMatch(/tz: expected a UTC offset in minutes from -720 to 840/);
    expect(problems.join('\n')).toMatch(/colour: unknown parameter/);

    const bad = await call(heatmapPath(PROCESS, '?dimension=month&tz=1.5'));
    expect((bad.body as { problems: string[] }).problems).toEqual([
      'dimension: expected one of hour, weekday, got "month"',
      'tz: expected a UTC offset in minutes from -720 to 840, got "1.5"',
    ]);
  });

  it('answers 405 to other methods and 404 to a malformed process segment', async () => {
    const post = await call(heatmapPath(PROCESS), { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
    expect((await call(`${base}/api/processes/%E0%A4%A/heatmap`)).status).toBe(404);
    expect((await call(`${base}/api/processes/a/b/heatmap`)).status).toBe(404);
  });
});
