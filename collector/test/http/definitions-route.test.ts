/**
 * `/api/definitions` against embedded mode (real SQLite stores, real HTTP server on a
 * free port, a definitions dir with one file): put YAML/JSON → list → get; every problem
 * of a bad definition (400); version conflicts with the store and with a file (409); a
 * definition put through the API drives detection at once and reaches a second collector
 * on the same data through its reload. Also `GET /api/alerts?instance=` (related keys).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbedded, type RunningEmbedded } from '../../src/main/start-embedded.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { SqliteAlertStore } from '../../src/adapters/sqlite/sqlite-alert-store.ts';
import type { DetectionConfig } from '../../src/main/config/detection-config.ts';
import { makeAlert, makeFinding } from '../alerts/alert-fixtures.ts';
import { makeEvent } from '../helpers/events.ts';
import { call, postBatch } from './http-client.ts';

const logger = createLogger('silent');
let dir: string;
let app: RunningEmbedded;
let base: string;

const detection: DetectionConfig = {
  enabled: false,
  intervalMs: 1000,
  graceMs: 30_000,
  limit: 5000,
  eventsLimit: 5000,
  learnedRefreshMs: 300_000,
  learnedMaxInstances: 0,
  learnedHorizonMs: 2_592_000_000,
};

const FILE_YAML = `process: billing
version: 1
steps:
  - name: invoice
    deadline: 1h
`;

const yaml = (process: string, version: number, deadline = '5m'): string => `process: ${process}
version: ${version}
owner: team-ship
steps:
  - name: pick
    deadline: ${deadline}
    next: [ship]
  - name: ship
    next: []
`;

const put = (process: string, body: string, contentType = 'application/yaml') =>
  call(`${base}/api/definitions/${encodeURIComponent(process)}`, {
    method: 'PUT',
    headers: { 'content-type': contentType },
    body,
  });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flowtrail-definitions-api-'));
  const definitionsDir = join(dir, 'definitions');
  await mkdir(definitionsDir);
  await writeFile(join(definitionsDir, 'billing.yaml'), FILE_YAML);
  app = await startEmbedded({
    dataDir: join(dir, 'data'),
    http: { host: '127.0.0.1', port: 0 },
    logger,
    detection: { ...detection, definitionsDir },
  });
  base = app.api.url;
});

afterAll(async () => {
  await app?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('PUT/GET /api/definitions', () => {
  it('lists the file definitions', async () => {
    const answer = await call(`${base}/api/definitions`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      definitions: [
        {
          process: 'billing',
          version: 1,
          steps: [{ name: 'invoice', deadline: '1h' }],
          origin: 'billing.yaml',
        },
      ],
    });
  });

  it('stores a YAML definition (201), is idempotent (200), lists and gets it', async () => {
    const created = await put('shipping', yaml('shipping', 1), 'text/yaml; charset=utf-8');
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ process: 'shipping', version: 1, origin: 'api' });
    expect((await put('shipping', yaml('shipping', 1))).status).toBe(200);
    const v2 = JSON.stringify({
      process: 'shipping',
      version: 2,
      steps: [{ name: 'pick', deadline: 'PT10M' }],
    });
    expect((await put('shipping', v2, 'application/json')).status).toBe(201);

    const latest = await call(`${base}/api/definitions`);
    expect(latest.body).toEqual({
      definitions: [
        expect.objectContaining({ process: 'billing', version: 1 }),
        {
          process: 'shipping',
          version: 2,
          steps: [{ name: 'pick', deadline: 'PT10M' }],
          origin: 'api',
        },
      ],
    });
    const all = await call(`${base}/api/definitions?all=true`);
    expect(
      (all.body as { definitions: { process: string; version: number }[] }).definitions.map(
        (d) => `${d.process}@${d.version}`,
      ),
    ).toEqual(['billing@1', 'shipping@1', 'shipping@2']);

    expect((await call(`${base}/api/definitions/shipping`)).body).toMatchObject({ version: 2 });
    const v1 = await call(`${base}/api/definitions/shipping?version=1`);
    expect(v1.status).toBe(200);
    expect(v1.body).toEqual({
      process: 'shipping',
      version: 1,
      owner: 'team-ship',
      steps: [
        { name: 'pick', deadline: '5m', next: ['ship'] },
        { name: 'ship', next: [] },
      ],
      origin: 'api',
    });
    expect((await call(`${base}/api/definitions/shipping?version=9`)).status).toBe(404);
    expect((await call(`${base}/api/definitions/nothing`)).status).toBe(404);
    expect((await call(`${base}/api/definitions?all=yes&x=1`)).body).toMatchObject({
      problems: [expect.stringMatching(/^x: unknown/), expect.stringMatching(/^all:/)],
    });
  });

  it('refuses a bad definition with every problem (400)', async () => {
    const bad = `process: broken
version: 0
steps:
  - name: a
    deadline: 5 minutes
    next: [zzz]
  - name: a
`;
    const answer = await put('broken', bad);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: 'invalid process definition', retriable: false });
    const problems = (answer.body as { problems: string[] }).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^body:2:\d+ \/version: /),
        expect.stringMatching(/^body:5:\d+ \/steps\/0\/deadline: "5 minutes" is not a duration/),
        expect.stringMatching(/\/steps\/0\/next\/0: unknown step "zzz"/),
        expect.stringMatching(/\/steps\/1\/name: duplicate step a/),
      ]),
    );
    const mismatch = await put('other', yaml('shipping', 7));
    expect(mismatch.status).toBe(400);
    expect((mismatch.body as { problems: string[] }).problems).toEqual([
      expect.stringContaining('does not match the process in the path'),
    ]);
    expect((await put('x', '{nope', 'application/json')).status).toBe(400);
    expect((await put('x', 'a,b', 'text/csv')).status).toBe(415);
    expect((await call(`${base}/api/definitions/broken`)).status).toBe(404);
  });

  it('refuses other content under a stored or file version (409)', async () => {
    expect((await put('conflict', yaml('conflict', 1))).status).toBe(201);
    const again = await put('conflict', yaml('conflict', 1, '6m'));
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: expect.stringContaining('new version') });
    const file = await put('billing', `process: billing\nversion: 1\nsteps: [{name: other}]\n`);
    expect(file.status).toBe(409);
    expect((await call(`${base}/api/definitions/billing`)).body).toMatchObject({
      origin: 'billing.yaml',
    });
    // The same content as the file is fine (and stored for the other collectors).
    expect([200, 201]).toContain((await put('billing', FILE_YAML)).status);
    expect(
      (await call(`${base}/api/definitions/conflict`, { method: 'PATCH' })).headers.get('allow'),
    ).toBe('GET, PUT, DELETE');
  });

  it('applies a put definition to detection at once: a stuck alert after a sweep', async () => {
    const process = 'packing';
    expect((await put(process, yaml(process, 1, '2m'))).status).toBe(201);
    expect(app.model.registry().get(process)?.steps[0]?.deadlineMs).toBe(120_000);

    const t0 = Date.now() - 60 * 60_000;
    const time = (s: number): string => new Date(t0 + s * 1000).toISOString();
    const events = [
      makeEvent({ type: 'flowtrail.process.started', process, instance: 'p-1', time: time(0) }),
      makeEvent({
        type: 'flowtrail.step.started',
        process,
        instance: 'p-1',
        step: 'pick',
        time: time(1),
      }),
    ];
    const posted = await postBatch(base, JSON.stringify(events));
    expect(posted.status).toBe(202);
    await app.detection?.sweeper.sweepOnce(new Date(t0 + 10 * 60_000));
    const alerts = await call(`${base}/api/alerts?process=${process}`);
    expect(alerts.body).toMatchObject({
      total: 1,
      alerts: [{ kind: 'stuck', process, step: 'pick', owner: 'team-ship' }],
    });
  });

  it('reaches another collector on the same data through its reload', async () => {
    const other = await startEmbedded({
      dataDir: join(dir, 'data'),
      http: { host: '127.0.0.1', port: 0 },
      logger,
    });
    try {
      expect(other.model.registry().get('shipping')?.version).toBe(2);
      expect((await put('late', yaml('late', 1))).status).toBe(201);
      expect(other.model.registry().get('late')).toBeUndefined();
      await other.model.reloadFromStore();
      expect(other.model.registry().get('late')?.origin).toBe('api');
      // Reads through the other collector's API see it without waiting for a reload.
      expect((await put('later', yaml('later', 1))).status).toBe(201);
      expect((await call(`${other.api.url}/api/definitions/later`)).status).toBe(200);
    } finally {
      await other.stop();
    }
  });
});

describe('GET /api/alerts?instance=', () => {
  it("lists an instance's own alerts and those it is related to", async () => {
    const process = 'timeline';
    const parent = makeFinding({ process, instance: 'parent' }).instanceKey;
    const alerts = [
      makeAlert({ process, instance: 'parent' }),
      makeAlert({ process, instance: 'child', relatedKeys: [parent] }),
      makeAlert({ process, instance: 'unrelated' }),
    ];
    const store = new SqliteAlertStore({ dataDir: join(dir, 'data') });
    await store.prepare();
    try {
      expect((await store.upsertAlerts(alerts)).written).toHaveLength(3);
    } finally {
      await store.close();
    }
    const answer = await call(`${base}/api/alerts?instance=${encodeURIComponent(parent)}`);
    expect(answer.status).toBe(200);
    const listed = answer.body as { total: number; alerts: { id: string }[] };
    expect(listed.total).toBe(2);
    expect(listed.alerts.map((a) => a.id).sort()).toEqual([alerts[0]?.id, alerts[1]?.id].sort());
  });
});
