/**
 * `DELETE /api/definitions/:process[/:version]` and the limits of `PUT`, against
 * embedded mode (real SQLite stores, real HTTP server on a free port, a definitions dir
 * with one file): 204 / 404 / 409 for a file's version / 400 for a bad version; a
 * cross-site delete is refused (request-guard.ts); a delete reaches a second collector
 * on the same data at its reload. Puts: a version beyond the safe integers (400), a
 * version below the highest (409), an alias bomb and an oversized text (400).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbedded, type RunningEmbedded } from '../../src/main/start-embedded.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { MAX_DEFINITION_TEXT_BYTES } from '../../src/domain/definitions/parse-definition.ts';
import { call } from './http-client.ts';

const logger = createLogger('silent');
let dir: string;
let app: RunningEmbedded;
let base: string;

const yaml = (process: string, version: number | string, extra = ''): string =>
  `process: ${process}\nversion: ${version}\n${extra}steps:\n  - name: pick\n    deadline: 5m\n`;

const url = (process: string, version?: number | string): string =>
  `${base}/api/definitions/${encodeURIComponent(process)}${version === undefined ? '' : `/${version}`}`;

const put = (process: string, body: string, contentType = 'application/yaml') =>
  call(url(process), { method: 'PUT', headers: { 'content-type': contentType }, body });

const del = (process: string, version?: number | string, headers: Record<string, string> = {}) =>
  call(url(process, version), { method: 'DELETE', headers });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flowtrail-definitions-delete-'));
  const definitionsDir = join(dir, 'definitions');
  await mkdir(definitionsDir);
  await writeFile(join(definitionsDir, 'billing.yaml'), yaml('billing', 1));
  app = await startEmbedded({
    dataDir: join(dir, 'data'),
    http: { host: '127.0.0.1', port: 0 },
    logger,
    detection: {
      enabled: false,
      intervalMs: 1000,
      graceMs: 30_000,
      limit: 5000,
      eventsLimit: 5000,
      learnedRefreshMs: 300_000,
      learnedMaxInstances: 0,
      learnedHorizonMs: 2_592_000_000,
      definitionsDir,
    },
  });
  base = app.api.url;
});

afterAll(async () => {
  await app?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('DELETE /api/definitions', () => {
  it('deletes one version (204, no body), then 404; the previous version applies again', async () => {
    expect((await put('ship', yaml('ship', 1))).status).toBe(201);
    expect((await put('ship', yaml('ship', 2))).status).toBe(201);
    const heard: string[][] = [];
    const off = app.model.onDeadlinesChanged((processes) => heard.push([...processes]));
    const removed = await del('ship', 2);
    off();
    expect(removed.status).toBe(204);
    expect(removed.body).toBeUndefined();
    expect(heard).toEqual([['ship']]);
    expect((await call(url('ship'))).body).toMatchObject({ version: 1 });
    const again = await del('ship', 2);
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ error: 'no stored definition of process "ship" version 2' });
  });

  it('deletes every stored version of a process, then 404', async () => {
    expect((await put('pack', yaml('pack', 1))).status).toBe(201);
    expect((await put('pack', yaml('pack', 3))).status).toBe(201);
    expect((await del('pack')).status).toBe(204);
    expect((await call(url('pack'))).status).toBe(404);
    expect((await del('pack')).status).toBe(404);
    expect((await del('never-defined')).status).toBe(404);
  });

  it("refuses a file's version (409) and a version that is not a positive integer (400)", async () => {
    const file = await del('billing', 1);
    expect(file.status).toBe(409);
    expect(file.body).toMatchObject({
      error: expect.stringContaining('defined in file billing.yaml'),
    });
    expect((await del('billing')).status).toBe(409);
    for (const bad of ['0', 'abc', '1e308', '99999999999999999', '-1']) {
      const answer = await del('billing', bad);
      expect(answer.status, bad).toBe(400);
      expect(answer.body).toMatchObject({ problems: [expect.stringContaining('version')] });
    }
    expect((await call(url('billing', 1))).status).toBe(405);
  });

  it('is a write for the browser-safety guard: a cross-site delete is refused', async () => {
    expect((await put('guarded', yaml('guarded', 1))).status).toBe(201);
    const answer = await del('guarded', 1, { origin: 'https://evil.example' });
    expect(answer.status).toBe(403);
    expect((await call(url('guarded'))).status).toBe(200);
  });

  it('reaches another collector on the same data at its reload', async () => {
    expect((await put('shared', yaml('shared', 1))).status).toBe(201);
    expect((await put('shared', yaml('shared', 2))).status).toBe(201);
    const other = await startEmbedded({
      dataDir: join(dir, 'data'),
      http: { host: '127.0.0.1', port: 0 },
      logger,
    });
    try {
      expect(other.model.registry().get('shared')?.version).toBe(2);
      expect((await del('shared', 2)).status).toBe(204);
      await other.model.reloadFromStore();
      expect(other.model.registry().get('shared')?.version).toBe(1);
      // And the other way round: deleted there, gone here.
      expect(
        (await call(`${other.api.url}/api/definitions/shared`, { method: 'DELETE' })).status,
      ).toBe(204);
      expect((await call(url('shared'))).status).toBe(404);
    } finally {
      await other.stop();
    }
  });
});

describe('PUT /api/definitions: versions and limits', () => {
  it('refuses a version beyond the safe integers (400), in YAML and JSON', async () => {
    const answer = await put('huge', yaml('huge', '1e308'));
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      problems: [expect.stringContaining('/version: version must be a positive safe integer')],
    });
    const json = await put(
      'huge',
      JSON.stringify({ process: 'huge', version: 1e308, steps: [{ name: 'a' }] }),
      'application/json',
    );
    expect(json.status).toBe(400);
    expect((await call(url('huge'))).status).toBe(404);
  });

  it('refuses a new version below the highest (409, naming it); same content again is 200', async () => {
    expect((await put('orders', yaml('orders', 4))).status).toBe(201);
    const lower = await put('orders', yaml('orders', 3));
    expect(lower.status).toBe(409);
    expect(lower.body).toMatchObject({ error: expect.stringContaining('highest version 4') });
    expect((await put('orders', yaml('orders', 4))).status).toBe(200);
    expect((await put('orders', yaml('orders', 5))).status).toBe(201);
  });

  it('refuses a YAML alias bomb quickly with a clear problem (400)', async () => {
    const lines = [
      'x0: &x0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
    ];
    for (let i = 1; i < 9; i += 1)
      lines.push(
        `x${i}: &x${i} [${Array(10)
          .fill(`*x${i - 1}`)
          .join(', ')}]`,
      );
    const started = Date.now();
    const answer = await put('bomb', `${yaml('bomb', 1)}${lines.join('\n')}\ndescription: *x8\n`);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      problems: [expect.stringContaining('too many YAML aliases')],
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses a text over the size limit (400), YAML or JSON', async () => {
    const description = 'x'.repeat(MAX_DEFINITION_TEXT_BYTES);
    const big = await put('big', yaml('big', 1, `description: ${description}\n`));
    expect(big.status).toBe(400);
    expect(big.body).toMatchObject({ problems: [expect.stringContaining('more than the limit')] });
    const json = await put(
      'big',
      JSON.stringify({ process: 'big', version: 1, description, steps: [{ name: 'a' }] }),
      'application/json',
    );
    expect(json.status).toBe(400);
  });
});
