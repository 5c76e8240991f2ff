/**
 * A query node (`flowtrail query`) next to a collector, on the REAL Elasticsearch and
 * Kafka: it answers every read route exactly as the collector does (both read the same
 * indices), refuses ingest and command delivery with the documented JSON error, serves
 * alert acknowledgements and definition puts into the shared indices, pushes every
 * collector's writes to its live clients, and never joins a
 * Kafka consumer group. As a child process it stops on SIGTERM with exit code 0.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type RunningCollector } from '../../src/main/start-collector.ts';
import { parseConfig } from '../../src/main/config/config.ts';
import { findingId } from '../../src/domain/detection/finding.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { parseQueryConfig } from '../../src/main/config/query-config.ts';
import { COMMANDS_REFUSED, INGEST_REFUSED } from '../../src/adapters/http/query-only-routes.ts';
import { startQueryNode, type RunningQueryNode } from '../../src/main/start-query-node.ts';
import { collectorTestEnv, uniqueName } from '../helpers/servers.ts';
import { connectSuiteServers, type SuiteServers } from '../helpers/suite-servers.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { call, keyPath, postBatch, postStructured, type Answer } from '../http/http-client.ts';
import { SseClient } from '../live/sse-client.ts';
import { eventOf, orderFamily } from './query-fixtures.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const name = uniqueName('query');
/** The collector's own groups besides `name`: its command feed (`<group>.command-feed.*`). */
const notCommandFeed = (id: string): boolean => !id.startsWith(`${name}.command-feed.`);
const queryGroup = `${name}-query`;
const API_KEY = 'it-key';
const auth = { authorization: `Bearer ${API_KEY}` };
const collectorConfig = parseConfig(
  collectorTestEnv(name, { FLOWTRAIL_TOPIC_PARTITIONS: '1', FLOWTRAIL_API_KEY: API_KEY }),
);
/** The collectors' environment; the Kafka settings in it are never read by a query node. */
const queryEnv = collectorTestEnv(name, {
  FLOWTRAIL_GROUP_ID: queryGroup,
  FLOWTRAIL_API_KEY: API_KEY,
});
const logger = createLogger('error');

const {
  events,
  finding,
  keys: { ORDER, PICK, SHOP, ORDER_PROCESS },
  T,
} = orderFamily(name);
const alertId = findingId(finding);

let servers: SuiteServers | undefined;
let admin: Admin;
let collector: RunningCollector;
let queryNode: RunningQueryNode;
let collectorUrl: string;
let queryUrl: string;

/** The same request to the collector and to the query node. */
async function both(path: string, init: RequestInit = {}): Promise<[Answer, Answer]> {
  const withAuth = { ...init, headers: { ...auth, ...(init.headers ?? {}) } };
  return [
    await call(`${collectorUrl}${path}`, withAuth),
    await call(`${queryUrl}${path}`, withAuth),
  ];
}

beforeAll(async () => {
  servers = await connectSuiteServers(name);
  admin = servers.admin;
  collector = await startCollector(collectorConfig, { logger });
  collectorUrl = collector.api?.url ?? '';
  const accepted = await postBatch(collectorUrl, JSON.stringify(events), auth);
  expect(accepted).toMatchObject({ status: 202, body: { accepted: events.length, rejected: [] } });
  await collector.alerts.reconcile([finding]);
  queryNode = await startQueryNode(parseQueryConfig(queryEnv), { logger });
  queryUrl = queryNode.api.url;
  // Searches see new documents after an index refresh: wait until the collector does.
  await waitFor(
    async () => {
      const [listed] = await both('/api/instances?size=1');
      const [alerts] = await both('/api/alerts');
      const [family] = await both(`/api/instances/${keyPath(PICK)}/timeline?now=${T('12:00:00')}`);
      // The heat map and graph read buckets the collector's compaction fills about once a
      // second (es-analytics-compactor.ts): both nodes must answer after the last page.
      const [graph, graphOfQuery] = await both(`/api/processes/${ORDER_PROCESS}/graph`);
      return (
        (graph.body as { instances?: number }).instances === 2 &&
        (graphOfQuery.body as { instances?: number }).instances === 2 &&
        (listed.body as { total?: number }).total === 3 &&
        (alerts.body as { total?: number }).total === 1 &&
        ((family.body as { instances?: unknown[] }).instances ?? []).length === 2
      );
    },
    { description: 'instances, family, alert and analytics searchable' },
  );
}, 180_000);

afterAll(async () => {
  await queryNode?.stop();
  await collector?.stop();
  await servers?.release([], [name, queryGroup]);
});

describe('flowtrail query (a query node next to a collector)', () => {
  it('answers the read routes exactly as the collector', async () => {
    const paths = [
      '/api/health',
      `/api/instances?process=${ORDER_PROCESS}&facets=true`,
      `/api/instances?system=${SHOP}&sort=startedAt&order=asc`,
      '/api/instances?businessKey=4711',
      '/api/instances?status=stuck&facets=true',
      `/api/instances/${keyPath(ORDER)}`,
      `/api/instances/${keyPath(ORDER)}/events`,
      `/api/instances/${keyPath(ORDER)}/timeline?now=${T('12:00:00')}`,
      `/api/instances/${keyPath(PICK)}/timeline?now=${T('12:00:00')}`,
      `/api/instances/${keyPath(PICK)}/state?asOf=${encodeURIComponent(T('10:05:00'))}`,
      `/api/processes/${ORDER_PROCESS}/heatmap`,
      `/api/processes/${ORDER_PROCESS}/heatmap?dimension=weekday&tz=60`,
      `/api/processes/${ORDER_PROCESS}/graph`,
      '/api/processes',
      '/api/ownership',
      '/api/alerts',
      `/api/alerts/${encodeURIComponent(alertId)}`,
      '/api/definitions',
      `/api/export?format=xes&process=${ORDER_PROCESS}`,
      `/api/instances/${keyPath(`${SHOP}/${ORDER_PROCESS}/missing`)}`,
      `/api/processes/${name}-unknown/heatmap`,
    ];
    for (const path of paths) {
      const [fromCollector, fromQuery] = await both(path);
      expect({ path, status: fromQuery.status }).toEqual({ path, status: fromCollector.status });
      expect(fromQuery.body).toEqual(fromCollector.body);
    }
    // Not vacuous: the answers carry the data.
    const [, search] = await both(`/api/instances?process=${ORDER_PROCESS}`);
    expect(search.body).toMatchObject({ total: 2 });
    const [, heatmap] = await both(`/api/processes/${ORDER_PROCESS}/heatmap`);
    expect(heatmap.status).toBe(200);
    const [, timeline] = await both(
      `/api/instances/${keyPath(PICK)}/timeline?now=${T('12:00:00')}`,
    );
    expect(timeline.body).toMatchObject({ rootKey: PICK });
    const [, stuck] = await both('/api/instances?status=stuck');
    expect(stuck.body).toMatchObject({ total: 1, instances: [{ key: ORDER }] });
  });

  it('asks for the API key like the collector', async () => {
    const answer = await call(`${queryUrl}/api/instances`);
    expect(answer.status).toBe(401);
    expect((await call(`${queryUrl}/api/health`)).status).toBe(200);
  });

  it('refuses ingest with the documented JSON error and stores nothing', async () => {
    const event = eventOf(`${SHOP}/${ORDER_PROCESS}/o-refused`, 'process.started', T('15:00:00'));
    const refused = await postStructured(queryUrl, JSON.stringify(event), auth);
    expect(refused.status).toBe(404);
    expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
    expect(refused.body).toEqual({ error: INGEST_REFUSED, retriable: false });
    // Before the body is looked at: a body the collector would reject gets the same answer.
    const garbage = await call(`${queryUrl}/api/events`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/plain' },
      body: 'not an event',
    });
    expect(garbage).toMatchObject({ status: 404, body: { error: INGEST_REFUSED } });
    const lookup = await call(
      `${collectorUrl}/api/instances/${keyPath(`${SHOP}/${ORDER_PROCESS}/o-refused`)}`,
      {
        headers: auth,
      },
    );
    expect(lookup.status).toBe(404);
  });

  it('refuses command delivery (long poll and ack) with the documented JSON error', async () => {
    const poll = await call(`${queryUrl}/api/commands?system=${SHOP}`, { headers: auth });
    expect(poll).toMatchObject({
      status: 404,
      body: { error: COMMANDS_REFUSED, retriable: false },
    });
    const ack = await call(`${queryUrl}/api/commands/ack`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ ids: ['x'] }),
    });
    expect(ack).toMatchObject({ status: 404, body: { error: COMMANDS_REFUSED, retriable: false } });
  });

  it('acknowledges alerts in the shared alerts index', async () => {
    const path = `/api/alerts/${encodeURIComponent(alertId)}`;
    const acked = await call(`${queryUrl}${path}/acknowledge`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ by: 'ops@query-node' }),
    });
    expect(acked).toMatchObject({
      status: 200,
      body: { id: alertId, status: 'acknowledged', acknowledgedBy: 'ops@query-node' },
    });
    const [onCollector] = await both(path);
    expect(onCollector.body).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: 'ops@query-node',
    });
  });

  it('stores definitions put through it in the shared store, where collectors read them', async () => {
    const process = `${name}-shipping`;
    const yaml = `process: ${process}\nversion: 1\nsteps:\n  - name: pick\n    deadline: 5m\n`;
    const put = await call(`${queryUrl}/api/definitions/${process}`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/yaml' },
      body: yaml,
    });
    expect(put).toMatchObject({ status: 201, body: { process, version: 1, origin: 'api' } });
    const [fromCollector, fromQuery] = await both(`/api/definitions/${process}`);
    expect(fromCollector).toMatchObject({ status: 200, body: { process, version: 1 } });
    expect(fromQuery.body).toEqual(fromCollector.body);
  });

  it("pushes the collector's writes to its own live clients (/api/live)", async () => {
    const stream = await SseClient.open(`${queryUrl}/api/live`, auth);
    try {
      expect(stream.status).toBe(200);
      await stream.next('ready', () => true, 'ready');
      // a process of its own: the other tests count the order process's instances
      const key = `${SHOP}/${name}-live/o-live`;
      const event = eventOf(key, 'process.started', T('16:00:00'));
      expect((await postStructured(collectorUrl, JSON.stringify(event), auth)).status).toBe(202);
      await stream.next('change', (c) => c.instances.includes(key), key);
    } finally {
      stream.close();
    }
  });

  it('never joins a Kafka consumer group', async () => {
    const { groups } = await admin.listGroups();
    const ours = groups.map((g) => g.groupId).filter((id) => id.startsWith(name));
    expect(ours.filter(notCommandFeed)).toEqual([name]); // the collector's groups only
  });

  it('runs as `flowtrail query` and stops on SIGTERM with exit code 0', async () => {
    const child = spawn(process.execPath, ['collector/bin/flowtrail.js', 'query'], {
      cwd: ROOT,
      env: { ...process.env, ...queryEnv, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const url = await waitFor(
        () => {
          if (child.exitCode !== null) throw new Error(`query node exited:\n${output.join('')}`);
          const line = output
            .join('')
            .split('\n')
            .find((l) => l.includes('query node serving'));
          return line === undefined ? undefined : (JSON.parse(line) as { url: string }).url;
        },
        { timeoutMs: 120_000, description: 'query node serving' },
      );
      const search = await call(`${url}/api/instances?process=${ORDER_PROCESS}`, { headers: auth });
      expect(search).toMatchObject({ status: 200, body: { total: 2 } });
      const { groups } = await admin.listGroups();
      const ours = groups.map((g) => g.groupId).filter((id) => id.startsWith(name));
      expect(ours.filter(notCommandFeed)).toEqual([name]);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output.join('')).toContain('query node stopped');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
