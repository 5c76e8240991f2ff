/**
 * `GET /api/instances` search (docs/http-api.md) against embedded mode (real SQLite store,
 * real HTTP server): the new filters, sort, facets, the alert-derived statuses stuck and
 * inconsistent, the business-key search across systems, and every bad parameter in one 400.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventTypes } from '@flowtrail/sdk/protocol';
import { startEmbedded, type RunningEmbedded } from '../../src/main/start-embedded.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { makeAlert } from '../alerts/alert-fixtures.ts';
import { makeEvent } from '../helpers/events.ts';
import { call, postBatch } from './http-client.ts';

let dir: string;
let app: RunningEmbedded;
let base: string;

const ORDER = 'ORD-77';
const started = (source: string, instance: string, time: string, owner: string) => [
  makeEvent({
    source,
    instance,
    type: EventTypes.processStarted,
    time,
    data: { businessKeys: { orderId: ORDER } },
  }),
  makeEvent({ source, instance, type: EventTypes.stepStarted, time, step: 'work', owner }),
];
const events = [
  ...started('shop', 'o-1', '2024-07-01T10:00:00Z', 'ann'),
  ...started('wms', 'w-1', '2024-07-01T11:00:00Z', 'bob'),
  ...started('erp', 'e-1', '2024-07-01T12:00:00Z', 'ann'),
];
const keyOf = (source: string, instance: string): string =>
  `${source}/order-fulfilment/${instance}`;

type Page = { total: number; instances: { key: string }[]; facets?: Record<string, unknown> };
const search = async (query: string): Promise<Page> => {
  const answer = await call(`${base}/api/instances?${query}`);
  expect(answer.status).toBe(200);
  return answer.body as Page;
};
const keys = async (query: string): Promise<string[]> =>
  (await search(query)).instances.map((s) => s.key);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flowtrail-instances-search-'));
  app = await startEmbedded({
    dataDir: dir,
    http: { host: '127.0.0.1', port: 0 },
    logger: createLogger('silent'),
  });
  base = app.api.url;
  expect(await postBatch(base, JSON.stringify(events))).toMatchObject({ status: 202 });
  for (let i = 0; (await search(`businessKey=${ORDER}`)).total < 3; i++) {
    if (i >= 100) throw new Error('the posted instances never became searchable');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const alerts = [
    makeAlert({ source: 'wms', instance: 'w-1', kind: 'stuck', step: 'work' }),
    makeAlert({ source: 'erp', instance: 'e-1', kind: 'orphan' }),
    makeAlert({ source: 'shop', instance: 'o-1', kind: 'stuck' }, { status: 'resolved' }),
  ];
  expect((await app.alerts.store.upsertAlerts(alerts)).written).toHaveLength(3);
});

afterAll(async () => {
  await app?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('GET /api/instances search', () => {
  it('a business key finds the instances of every system that carries it', async () => {
    expect(await keys(`businessKey=${ORDER}`)).toEqual([
      keyOf('erp', 'e-1'),
      keyOf('wms', 'w-1'),
      keyOf('shop', 'o-1'),
    ]);
    expect(await keys(`businessKey=orderId%3D${ORDER}&system=wms`)).toEqual([keyOf('wms', 'w-1')]);
  });

  it('filters by instance, system, owner, step and time range; sorts', async () => {
    expect(await keys('instance=o-1')).toEqual([keyOf('shop', 'o-1')]);
    expect(await keys('owner=ann&step=work')).toEqual([keyOf('erp', 'e-1'), keyOf('shop', 'o-1')]);
    expect(await keys('timeFrom=2024-07-01T10:30:00Z&timeTo=2024-07-01T13:30:00%2B02:00')).toEqual([
      keyOf('wms', 'w-1'),
    ]);
    expect(await keys(`businessKey=${ORDER}&sort=startedAt&order=asc`)).toEqual([
      keyOf('shop', 'o-1'),
      keyOf('wms', 'w-1'),
      keyOf('erp', 'e-1'),
    ]);
  });

  it('resolves stuck and inconsistent through open alerts', async () => {
    expect(await keys('status=stuck')).toEqual([keyOf('wms', 'w-1')]);
    expect(await keys('status=inconsistent')).toEqual([keyOf('erp', 'e-1')]);
    expect(await keys('status=stuck&owner=ann')).toEqual([]);
    expect(await keys('status=running&owner=ann')).toEqual([
      keyOf('erp', 'e-1'),
      keyOf('shop', 'o-1'),
    ]);
  });

  it('answers facet counts over the filtered set with facets=true', async () => {
    const page = await search(`businessKey=${ORDER}&facets=true&size=1`);
    expect(page.total).toBe(3);
    expect(page.instances).toHaveLength(1);
    expect(page.facets).toEqual({
      status: [
        { value: 'running', count: 3 },
        { value: 'stuck', count: 1 },
        { value: 'inconsistent', count: 1 },
      ],
      process: [{ value: 'order-fulfilment', count: 3 }],
      system: [
        { value: 'erp', count: 1 },
        { value: 'shop', count: 1 },
        { value: 'wms', count: 1 },
      ],
      owner: [
        { value: 'ann', count: 2 },
        { value: 'bob', count: 1 },
      ],
    });
    expect((await search(`businessKey=${ORDER}`)).facets).toBeUndefined();
  });

  it('answers 400 listing every bad parameter', async () => {
    const answer = await call(
      `${base}/api/instances?status=lost&sort=name&order=up&facets=yes&timeFrom=yesterday` +
        '&timeTo=2024-07-01T10:00:00&size=0',
    );
    expect(answer.status).toBe(400);
    const text = JSON.stringify(answer.body);
    for (const name of ['status', 'sort', 'order', 'facets', 'timeFrom', 'timeTo', 'size']) {
      expect(text).toContain(`${name}: `);
    }
    const reversed = await call(
      `${base}/api/instances?timeFrom=2024-07-02T00:00:00Z&timeTo=2024-07-01T00:00:00Z`,
    );
    expect(reversed.status).toBe(400);
    expect(JSON.stringify(reversed.body)).toContain('timeFrom: must not be after timeTo');
  });
});
