/**
 * A node without ingest and command delivery (a query node) answers those routes with a
 * 404 JSON error that is not retriable — naming where to go instead when it says why
 * (`QUERY_NODE_ABSENT`) — and serves every other route. Real HTTP server over the
 * embedded store.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type RunningApiServer } from '../../src/adapters/http/api-server.ts';
import { createLogger } from '../../src/shared/logger.ts';
import {
  COMMANDS_REFUSED,
  INGEST_REFUSED,
  QUERY_NODE_ABSENT,
} from '../../src/adapters/http/query-only-routes.ts';
import { SqliteEventStore } from '../../src/adapters/sqlite/sqlite-event-store.ts';
import { makeEvent } from '../helpers/events.ts';
import { call, postStructured } from '../http/http-client.ts';

const logger = createLogger('silent');
let dir: string;
let store: SqliteEventStore;
let queryNode: RunningApiServer;
let bare: RunningApiServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flowtrail-query-routes-'));
  store = new SqliteEventStore({ dataDir: dir });
  await store.prepare();
  const common = {
    host: '127.0.0.1',
    port: 0,
    maxBodyBytes: 64 * 1024,
    reader: store,
    store: 'sqlite' as const,
    logger,
  };
  queryNode = await startApiServer({ ...common, absent: QUERY_NODE_ABSENT });
  bare = await startApiServer(common);
});

afterAll(async () => {
  await Promise.all([queryNode?.close(), bare?.close()]);
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

const event = makeEvent({
  type: 'flowtrail.process.started',
  instance: 'o-1',
  time: new Date().toISOString(),
});
const ack = (base: string) =>
  call(`${base}/api/commands/ack`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ids: ['c-1'] }),
  });

describe('a node without ingest and command delivery', () => {
  it('answers ingest with a 404 naming the collector, and stores nothing', async () => {
    const refused = await postStructured(queryNode.url, JSON.stringify(event));
    expect(refused).toMatchObject({
      status: 404,
      body: { error: INGEST_REFUSED, retriable: false },
    });
    expect(INGEST_REFUSED).toMatch(/query-only node.*send them to a collector/);
    expect((await store.search({})).total).toBe(0);
  });

  it('answers the command long poll and its ack the same way', async () => {
    const poll = await call(`${queryNode.url}/api/commands?system=shop&wait=0`);
    for (const answer of [poll, await ack(queryNode.url)]) {
      expect(answer).toMatchObject({
        status: 404,
        body: { error: COMMANDS_REFUSED, retriable: false },
      });
    }
  });

  it('says only that they are not enabled when it is not told why', async () => {
    expect(await postStructured(bare.url, JSON.stringify(event))).toMatchObject({
      status: 404,
      body: { error: 'ingest is not enabled on this node', retriable: false },
    });
    expect(await ack(bare.url)).toMatchObject({
      status: 404,
      body: { error: 'command delivery is not enabled on this node', retriable: false },
    });
  });

  it('serves the other routes', async () => {
    expect(await call(`${queryNode.url}/api/instances`)).toMatchObject({
      status: 200,
      body: { total: 0 },
    });
    expect((await call(`${queryNode.url}/api/health`)).status).toBe(200);
  });
});
