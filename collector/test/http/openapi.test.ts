/**
 * docs/openapi.yaml against the router and real answers: (a) every route of the router's
 * table (`ROUTE_TABLE`, checked against `matchRoute`) is documented with its methods, and
 * the spec has no path the router does not know; (b) real requests against embedded mode
 * (real SQLite store, real HTTP server on a free port) answer bodies that satisfy the
 * spec's response schema for their status. A small JSON-schema checker covers the subset
 * the spec uses (type incl. type arrays with null, required, properties,
 * additionalProperties, items, enum, oneOf, allOf, $ref); negative tests show that a
 * broken body fails it.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startEmbedded, type RunningEmbedded } from '../../src/main/start-embedded.ts';
import { matchRoute, ROUTE_TABLE, type RouteName } from '../../src/adapters/http/routes.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { makeAlert } from '../alerts/alert-fixtures.ts';
import { eventOfKey, type EventExtra } from '../helpers/events.ts';
import { call, keyPath, postBatch } from './http-client.ts';

type Schema = Record<string, unknown>;
interface Spec {
  paths: Record<string, Record<string, { responses: Record<string, Schema> }>>;
  components: Record<string, Record<string, Schema>>;
}

const spec = parse(
  readFileSync(new URL('../../../docs/openapi.yaml', import.meta.url), 'utf8'),
) as Spec;

function resolve(schema: Schema): Schema {
  let current = schema;
  while (typeof current.$ref === 'string') {
    const [, , group, name] = current.$ref.split('/') as [string, string, string, string];
    const target = spec.components[group]?.[name];
    if (target === undefined) throw new Error(`unresolved ${current.$ref}`);
    current = target;
  }
  return current;
}

const typeOf = (value: unknown): string =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'array'
      : Number.isInteger(value)
        ? 'integer'
        : typeof value;

/** Every violation of `schema` by `value`, as `<pointer>: <problem>`. */
export function check(schema: Schema, value: unknown, at = ''): string[] {
  const s = resolve(schema);
  const errors: string[] = [];
  if (s.type !== undefined) {
    const types = (Array.isArray(s.type) ? s.type : [s.type]) as string[];
    const actual = typeOf(value);
    const ok = types.includes(actual) || (actual === 'integer' && types.includes('number'));
    if (!ok) return [`${at || '/'}: expected ${types.join('|')}, got ${actual}`];
  }
  if (Array.isArray(s.enum) && !s.enum.includes(value)) {
    errors.push(`${at || '/'}: ${JSON.stringify(value)} not in ${JSON.stringify(s.enum)}`);
  }
  for (const sub of (s.allOf as Schema[] | undefined) ?? []) errors.push(...check(sub, value, at));
  if (Array.isArray(s.oneOf)) {
    const matching = (s.oneOf as Schema[]).filter((sub) => check(sub, value, at).length === 0);
    if (matching.length !== 1) {
      errors.push(`${at || '/'}: matches ${matching.length} of the oneOf schemas, not 1`);
    }
  }
  if (typeOf(value) === 'object') {
    const object = value as Record<string, unknown>;
    for (const name of (s.required as string[] | undefined) ?? []) {
      if (!(name in object)) errors.push(`${at}/${name}: required`);
    }
    const properties = (s.properties as Record<string, Schema> | undefined) ?? {};
    for (const [name, item] of Object.entries(object)) {
      if (name in properties)
        errors.push(...check(properties[name] as Schema, item, `${at}/${name}`));
      else if (s.additionalProperties === false) errors.push(`${at}/${name}: not allowed`);
      else if (typeof s.additionalProperties === 'object') {
        errors.push(...check(s.additionalProperties as Schema, item, `${at}/${name}`));
      }
    }
  }
  if (Array.isArray(value) && s.items !== undefined) {
    value.forEach((item, i) => errors.push(...check(s.items as Schema, item, `${at}/${i}`)));
  }
  return errors;
}

/** The JSON schema of the answer of `method path` with `status`. */
function responseSchema(path: string, method: string, status: number): Schema {
  const operation = spec.paths[path]?.[method.toLowerCase()];
  if (operation === undefined) throw new Error(`${method} ${path} not in the spec`);
  const response = operation.responses[String(status)];
  if (response === undefined) throw new Error(`${method} ${path} → ${status} not in the spec`);
  const content = resolve(response).content as Record<string, { schema: Schema }>;
  const json = content['application/json'];
  if (json === undefined) throw new Error(`${method} ${path} → ${status} has no JSON schema`);
  return json.schema;
}

const SAMPLE: Record<string, string> = {
  '{key}': encodeURIComponent('shop/order/o-1'),
  '{process}': 'order%20fulfilment',
  '{id}': encodeURIComponent('stuck/shop%2Forder%2Fo-1/step:pay'),
  '{action}': 'silence',
  '{version}': '2',
};

describe('the spec documents every route', () => {
  it.each(Object.entries(ROUTE_TABLE))('%s', (name, { path, methods }) => {
    const concrete = path.replace(/\{\w+\}/g, (part) => SAMPLE[part] as string);
    for (const method of methods) {
      const match = matchRoute(method, concrete);
      expect(match.ok && match.route.name).toBe(name as RouteName);
      expect(spec.paths[path]?.[method.toLowerCase()], `${method} ${path}`).toBeDefined();
    }
  });

  it('has no path the router does not know', () => {
    const known = new Set(Object.values(ROUTE_TABLE).map((r) => r.path));
    expect(Object.keys(spec.paths).filter((p) => !known.has(p))).toEqual([]);
  });

  it('describes each response with a status code, and errors with the error schema', () => {
    for (const [path, operations] of Object.entries(spec.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        for (const status of Object.keys(operation.responses)) {
          expect(status, `${method} ${path}`).toMatch(/^[1-5]\d\d$/);
          if (Number(status) >= 400) {
            expect(responseSchema(path, method, Number(status))).toEqual({
              $ref: '#/components/schemas/Error',
            });
          }
        }
      }
    }
  });
});

const ORDER = 'shop/order/o-1';
const CHILD = 'warehouse/picking/p-1';
const FAILED = 'shop/order/o-2';
const T = (hms: string): string => `2026-11-20T${hms}.000Z`;
let n = 0;
const ev = (key: string, type: string, time: string, extra: EventExtra = {}): FlowtrailEvent =>
  eventOfKey(key, type, T(time), { id: `oa-${(n += 1)}`, ...extra });
const events = [
  ev(ORDER, 'process.started', '10:00:00', { data: { businessKeys: { orderId: 'A-1' } } }),
  ev(ORDER, 'step.started', '10:00:00', { step: 'pay', owner: 'ann' }),
  ev(ORDER, 'step.completed', '10:01:00', { step: 'pay', owner: 'ann' }),
  ev(ORDER, 'step.started', '10:02:00', { step: 'ship', owner: 'ann' }),
  ev(ORDER, 'message.sent', '10:02:10', {
    step: 'ship',
    data: { messageId: 'm-1', to: 'warehouse' },
  }),
  ev(ORDER, 'step.waiting', '10:02:30', {
    step: 'ship',
    data: { for: 'picking', deadline: T('11:00:00') },
  }),
  ev(CHILD, 'process.started', '10:03:00', {
    data: { parent: { source: 'shop', process: 'order', instance: 'o-1' } },
  }),
  ev(CHILD, 'message.received', '10:03:05', { data: { messageId: 'm-1', from: 'shop' } }),
  ev(CHILD, 'step.started', '10:03:10', { step: 'pick', owner: 'bob' }),
  ev(CHILD, 'step.completed', '10:10:00', { step: 'pick', owner: 'bob' }),
  ev(CHILD, 'process.completed', '10:11:00'),
  ev(FAILED, 'process.started', '10:20:00'),
  ev(FAILED, 'step.started', '10:20:00', { step: 'pay', owner: 'ann' }),
  ev(FAILED, 'step.failed', '10:21:00', {
    step: 'pay',
    data: { error: { message: 'card declined', code: 'E42' } },
  }),
  ev(FAILED, 'process.failed', '10:21:30'),
];
const alert = makeAlert({
  source: 'shop',
  process: 'order',
  instance: 'o-1',
  step: 'ship',
  owner: 'ann',
});

let dir: string;
let app: RunningEmbedded;
let base: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flowtrail-openapi-'));
  app = await startEmbedded({
    dataDir: dir,
    http: { host: '127.0.0.1', port: 0 },
    logger: createLogger('silent'),
  });
  base = app.api.url;
  expect((await postBatch(base, JSON.stringify(events))).status).toBe(202);
  expect((await app.alerts.store.upsertAlerts([alert])).written).toHaveLength(1);
});

afterAll(async () => {
  await app?.stop();
  await rm(dir, { recursive: true, force: true });
});

interface Case {
  /** The spec path the request is an instance of. */
  path: string;
  method?: string;
  url: string;
  status: number;
  body?: unknown;
  contentType?: string;
}

const json = 'application/json';
const alertPath = encodeURIComponent(alert.id);
const cases: Case[] = [
  { path: '/api/health', url: '/api/health', status: 200 },
  {
    path: '/api/events',
    method: 'POST',
    url: '/api/events',
    status: 202,
    contentType: 'application/cloudevents-batch+json',
    body: [events[0], { specversion: '1.0', id: 'bad' }],
  },
  {
    path: '/api/events',
    method: 'POST',
    url: '/api/events',
    status: 400,
    contentType: 'application/cloudevents-batch+json',
    body: { not: 'an array' },
  },
  {
    path: '/api/instances',
    url: '/api/instances?facets=true&sort=startedAt&order=asc',
    status: 200,
  },
  { path: '/api/instances', url: '/api/instances?size=1000&status=sleepy', status: 400 },
  { path: '/api/instances/{key}', url: `/api/instances/${keyPath(ORDER)}`, status: 200 },
  { path: '/api/instances/{key}', url: `/api/instances/${keyPath(FAILED)}`, status: 200 },
  { path: '/api/instances/{key}', url: `/api/instances/${keyPath('x/y/z')}`, status: 404 },
  {
    path: '/api/instances/{key}/events',
    url: `/api/instances/${keyPath(CHILD)}/events`,
    status: 200,
  },
  {
    path: '/api/instances/{key}/timeline',
    url: `/api/instances/${keyPath(CHILD)}/timeline`,
    status: 200,
  },
  {
    path: '/api/instances/{key}/timeline',
    url: `/api/instances/${keyPath(ORDER)}/timeline?now=${T('12:00:00')}`,
    status: 200,
  },
  {
    path: '/api/instances/{key}/timeline',
    url: `/api/instances/${keyPath(ORDER)}/timeline?now=soon`,
    status: 400,
  },
  {
    path: '/api/instances/{key}/state',
    url: `/api/instances/${keyPath(CHILD)}/state?asOf=${T('10:05:00')}`,
    status: 200,
  },
  {
    path: '/api/instances/{key}/state',
    url: `/api/instances/${keyPath(CHILD)}/state?asOf=${T('09:00:00')}`,
    status: 200,
  },
  {
    path: '/api/instances/{key}/state',
    url: `/api/instances/${keyPath(CHILD)}/state`,
    status: 400,
  },
  { path: '/api/processes', url: '/api/processes', status: 200 },
  {
    path: '/api/processes/{process}/heatmap',
    url: '/api/processes/order/heatmap?dimension=weekday',
    status: 200,
  },
  { path: '/api/processes/{process}/graph', url: '/api/processes/order/graph', status: 200 },
  { path: '/api/processes/{process}/graph', url: '/api/processes/none/graph', status: 404 },
  { path: '/api/ownership', url: '/api/ownership?teams=ann%3Dteam-a', status: 200 },
  { path: '/api/ownership', url: '/api/ownership?teams=ann', status: 400 },
  { path: '/api/alerts', url: '/api/alerts?status=firing', status: 200 },
  { path: '/api/alerts', url: '/api/alerts?status=sleeping', status: 400 },
  { path: '/api/alerts/{id}', url: `/api/alerts/${alertPath}`, status: 200 },
  { path: '/api/alerts/{id}', url: '/api/alerts/no%2Fsuch', status: 404 },
  {
    path: '/api/alerts/{id}/{action}',
    method: 'POST',
    url: `/api/alerts/${alertPath}/acknowledge`,
    status: 200,
    contentType: json,
    body: { by: 'ann' },
  },
  {
    path: '/api/definitions/{process}',
    method: 'PUT',
    url: '/api/definitions/order',
    status: 201,
    contentType: json,
    body: {
      process: 'order',
      version: 1,
      description: 'Orders',
      owner: 'ann',
      steps: [
        { name: 'pay', next: ['ship'], deadline: '5m' },
        { name: 'ship', owner: 'ann', waitDeadline: 'PT1H' },
      ],
    },
  },
  {
    path: '/api/definitions/{process}',
    method: 'PUT',
    url: '/api/definitions/order',
    status: 400,
    contentType: json,
    body: { process: 'order', version: 0 },
  },
  { path: '/api/definitions', url: '/api/definitions?all=true', status: 200 },
  { path: '/api/definitions/{process}', url: '/api/definitions/order', status: 200 },
  { path: '/api/definitions/{process}', url: '/api/definitions/nope', status: 404 },
  { path: '/api/commands', url: '/api/commands?system=warehouse', status: 200 },
  { path: '/api/commands', url: '/api/commands', status: 400 },
  {
    path: '/api/commands/ack',
    method: 'POST',
    url: '/api/commands/ack',
    status: 200,
    contentType: json,
    body: { ids: ['c-1'] },
  },
];

describe('real answers satisfy the spec', () => {
  it.each(cases.map((c) => [`${c.method ?? 'GET'} ${c.url} → ${c.status}`, c] as const))(
    '%s',
    async (_name, c) => {
      const method = c.method ?? 'GET';
      const answer = await call(`${base}${c.url}`, {
        method,
        ...(c.contentType === undefined ? {} : { headers: { 'content-type': c.contentType } }),
        ...(c.body === undefined ? {} : { body: JSON.stringify(c.body) }),
      });
      expect(answer.status, JSON.stringify(answer.body)).toBe(c.status);
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      expect(check(responseSchema(c.path, method, c.status), answer.body)).toEqual([]);
    },
  );
});

describe('the checker catches a wrong answer', () => {
  it('fails broken timeline, alert and error bodies', async () => {
    const timelineSchema = responseSchema('/api/instances/{key}/timeline', 'GET', 200);
    const real = (await call(`${base}/api/instances/${keyPath(CHILD)}/timeline`)).body as {
      lanes?: unknown;
      bars: { status: string }[];
      arrows: { from?: { lane?: unknown } }[];
    };
    expect(check(timelineSchema, real)).toEqual([]);
    const broken = structuredClone(real);
    delete broken.lanes;
    (broken.bars[0] as { status: string }).status = 'sleeping';
    (broken.arrows[0]?.from as { lane?: unknown }).lane = 7;
    expect(check(timelineSchema, broken)).toEqual([
      '/lanes: required',
      '/bars/0/status: "sleeping" not in ["running","waiting","completed","failed","abandoned"]',
      '/arrows/0/from/lane: expected string, got integer',
    ]);

    const alertSchema = responseSchema('/api/alerts/{id}', 'GET', 200);
    const view = (await call(`${base}/api/alerts/${alertPath}`)).body as Record<string, unknown>;
    expect(check(alertSchema, view)).toEqual([]);
    const { owner: _owner, ...withoutOwner } = view;
    expect(check(alertSchema, { ...withoutOwner, step: 5 })).toEqual([
      '/owner: required',
      '/step: expected string|null, got integer',
    ]);

    const stateSchema = responseSchema('/api/instances/{key}/state', 'GET', 200);
    expect(check(stateSchema, { key: 'k', asOf: T('10:00:00'), state: 'x' })).toEqual([
      '/state: matches 0 of the oneOf schemas, not 1',
    ]);

    const errorSchema = responseSchema('/api/ownership', 'GET', 400);
    expect(check(errorSchema, { error: 'x', retriable: 'no', extra: 1 })).toEqual([
      '/retriable: expected boolean, got string',
      '/extra: not allowed',
    ]);
  });
});
