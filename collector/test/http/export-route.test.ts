/**
 * `GET /api/export` against embedded mode: XES (streamed, chunked) and OCEL 2.0 that
 * contain the posted instances, filtered by process and source; every bad parameter in
 * one 400; a store that fails before the first byte is a 503 JSON answer, one that fails
 * later cuts the connection (an incomplete body, never a well-formed truncated log).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StorageError } from '../../src/shared/errors.ts';
import { startEmbedded, type RunningEmbedded } from '../../src/main/start-embedded.ts';
import type { ImportedCase, OcelLog } from '../../src/tools/eventlog/index.ts';
import { readEventLog } from '../../src/tools/eventlog/index.ts';
import { startApiServer } from '../../src/adapters/http/api-server.ts';
import type { EventIngest } from '../../src/app/ingest/event-ingest.ts';
import { createLogger } from '../../src/shared/logger.ts';
import type { EventScanFilter, InstanceEvents } from '../../src/ports/event-store.ts';
import { analysisEvents } from './analysis-events.ts';
import { call, postBatch } from './http-client.ts';

const PROCESS = 'order-fulfilment';
const logger = createLogger('silent');
let dir: string;
let app: RunningEmbedded;
let base: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flowtrail-export-'));
  app = await startEmbedded({ dataDir: dir, http: { host: '127.0.0.1', port: 0 }, logger });
  base = app.api.url;
  const posted = await postBatch(base, JSON.stringify(analysisEvents('ex', PROCESS)));
  expect(posted).toMatchObject({ status: 202, body: { accepted: 16 } });
});

afterAll(async () => {
  await app?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function xesCases(xml: string): Promise<ImportedCase[]> {
  const file = join(dir, `read-${Math.random().toString(36).slice(2)}.xes`);
  await writeFile(file, xml);
  const cases: ImportedCase[] = [];
  for await (const item of readEventLog(file)) {
    if (item.kind === 'rejection') throw new Error(JSON.stringify(item.rejection));
    if (item.kind === 'case') cases.push(item.case);
  }
  return cases;
}

describe('GET /api/export', () => {
  it('streams the XES of a process as an attachment', async () => {
    const response = await fetch(`${base}/api/export?format=xes&process=${PROCESS}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="flowtrail-order-fulfilment.xes"',
    );
    const xml = await response.text();
    expect(xml).toContain(`<string key="concept:name" value="${PROCESS}"/>`);
    const cases = await xesCases(xml);
    expect(cases.map((c) => c.caseId)).toEqual(['i-4', 'i-1', 'i-2']); // key order: billing/…, shop/…
    expect(cases.map((c) => c.events.length)).toEqual([2, 5, 4]);
    expect(cases[1]?.events.map((e) => `${e.activity}:${e.lifecycle}`)).toEqual([
      'check:start',
      'check:suspend',
      'check:complete',
      'ship:start',
      'ship:complete',
    ]);
    expect(cases[1]?.attributes).toMatchObject({ orderId: 'A-1', 'flowtrail:source': 'shop' });
  });

  it('filters by source, and exports everything without filters', async () => {
    const billing = await fetch(`${base}/api/export?format=xes&source=billing`);
    expect(billing.headers.get('content-disposition')).toBe(
      'attachment; filename="flowtrail-billing.xes"',
    );
    expect((await xesCases(await billing.text())).map((c) => c.caseId)).toEqual(['i-4']);
    const all = await xesCases(await (await fetch(`${base}/api/export?format=xes`)).text());
    expect(all.map((c) => c.caseId).sort()).toEqual(['i-1', 'i-2', 'i-3', 'i-4']);
    const none = await xesCases(
      await (await fetch(`${base}/api/export?format=xes&process=nothing`)).text(),
    );
    expect(none).toEqual([]);
  });

  it('gives the OCEL 2.0 log of a process', async () => {
    const answer = await call(`${base}/api/export?format=ocel&process=${PROCESS}&source=shop`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(answer.headers.get('content-disposition')).toBe(
      'attachment; filename="flowtrail-shop-order-fulfilment.ocel.json"',
    );
    const log = answer.body as OcelLog;
    expect(log.events).toHaveLength(9);
    expect(log.objects.map((o) => o.id)).toEqual([
      `shop/${PROCESS}/i-1`,
      'orderId:A-1',
      `shop/${PROCESS}/i-2`,
    ]);
    expect(log.objectTypes.map((t) => t.name).sort()).toEqual([PROCESS, 'orderId']);
    expect(log.eventTypes.map((t) => t.name).sort()).toEqual([
      'check',
      'check (start)',
      'check (suspend)',
      'ship',
      'ship (start)',
    ]);
    const instances = new Set(log.objects.map((o) => o.id));
    for (const event of log.events) {
      expect(instances.has(event.relationships[0]?.objectId ?? '')).toBe(true);
    }
  });

  it('lists every bad parameter in one 400 and refuses other methods', async () => {
    const missing = await call(`${base}/api/export?process=x&process=y&limit=3`);
    expect(missing.status).toBe(400);
    expect((missing.body as { problems: string[] }).problems).toEqual([
      'process: given 2 times; give it once',
      'limit: unknown parameter (known: format, process, source)',
      'format: required, one of xes, ocel',
    ]);
    const wrong = await call(`${base}/api/export?format=csv`);
    expect((wrong.body as { problems: string[] }).problems).toEqual([
      'format: expected one of xes, ocel, got "csv"',
    ]);
    expect((await call(`${base}/api/export?format=xes`, { method: 'DELETE' })).status).toBe(405);
  });

  it('answers 503 when the store fails at once, and cuts the body when it fails later', async () => {
    let failAfter = 0;
    const reader = {
      ...app.store,
      getInstance: app.store.getInstance.bind(app.store),
      getEvents: app.store.getEvents.bind(app.store),
      search: app.store.search.bind(app.store),
      childrenOf: app.store.childrenOf.bind(app.store),
      instancesByKeys: app.store.instancesByKeys.bind(app.store),
      async *scanInstanceEvents(filter: EventScanFilter): AsyncGenerator<InstanceEvents> {
        let yielded = 0;
        for await (const group of app.store.scanInstanceEvents(filter)) {
          if (yielded >= failAfter) throw new StorageError('store went away', true);
          yielded += 1;
          yield group;
        }
      },
    };
    const api = await startApiServer({
      host: '127.0.0.1',
      port: 0,
      maxBodyBytes: 1024,
      ingest: {} as EventIngest,
      reader,
      store: 'sqlite',
      logger,
    });
    try {
      const early = await call(`${api.url}/api/export?format=xes`);
      expect(early).toMatchObject({ status: 503, body: { retriable: true } });
      failAfter = 1;
      const late = await fetch(`${api.url}/api/export?format=xes`);
      expect(late.status).toBe(200);
      await expect(late.text()).rejects.toThrow();
      expect((await call(`${api.url}/api/health`)).status).toBe(200);
    } finally {
      await api.close();
    }
  });
});
