/**
 * The storage contract against the REAL Elasticsearch: a unique index prefix per run,
 * every index and template of it deleted afterwards (es-contract-target.ts). Plus what
 * only this store has: the migration of event documents of the old id scheme (document
 * id = event id) to the id of their identity (es-event-id-migration.ts).
 */
import { Writable } from 'node:stream';
import type { Client } from '@elastic/elasticsearch';
import { EventTypes, instanceKeyOf, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ElasticsearchEventStore } from '../../src/adapters/elasticsearch/es-event-store.ts';
import {
  eventDocumentId,
  toEventDocument,
} from '../../src/adapters/elasticsearch/es-event-document.ts';
import { eventsIndexFor } from '../../src/adapters/elasticsearch/index-names.ts';
import { eventsTemplate } from '../../src/adapters/elasticsearch/templates.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { makeEvent } from '../helpers/events.ts';
import {
  countEvents,
  deleteIndicesOf,
  testElasticsearch,
  uniqueName,
  waitForElasticsearch,
} from '../helpers/servers.ts';
import { esContractTarget } from './es-contract-target.ts';
import { describeStoreContract } from './store-contract.ts';

describeStoreContract('elasticsearch', () =>
  esContractTarget('store', (client, options) => new ElasticsearchEventStore(client, options)),
);

describe('elasticsearch store: migration to (source, id) document ids', () => {
  let admin: Client;
  let prefix: string;
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger(
    'info',
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line));
        done();
      },
    }),
  );
  const open = () =>
    new ElasticsearchEventStore(testElasticsearch(), { indexPrefix: prefix, replicas: 0, logger });

  beforeAll(async () => {
    admin = testElasticsearch();
    await waitForElasticsearch(admin);
    prefix = uniqueName('idmig');
  });
  afterAll(async () => {
    await deleteIndicesOf(admin, prefix);
    await admin.close();
  });

  /** What the old `writeEvents` stored: `_id` = event id, no `idScheme`. */
  async function writeLegacy(events: readonly FlowtrailEvent[]): Promise<void> {
    const response = await admin.bulk({
      refresh: true,
      operations: events.flatMap((event) => [
        { index: { _index: eventsIndexFor(prefix, event.time), _id: event.id } },
        { ...event, instanceKey: instanceKeyOf(event) },
      ]),
    });
    expect(response.errors).toBe(false);
  }

  it('re-creates every old document under its new id, once, in pages, resumably', async () => {
    // The template of a collector before the migration (the mappings do not matter here).
    await admin.indices.putIndexTemplate(eventsTemplate(prefix, 0));
    const event = (n: number, extra: Partial<FlowtrailEvent> = {}): FlowtrailEvent => ({
      ...makeEvent({
        id: `e-${n}`,
        type: EventTypes.processStarted,
        instance: `i-${n % 7}`,
        time: `2024-05-0${1 + (n % 3)}T10:00:00Z`,
        data: { attributes: { n } },
      }),
      ...extra,
    });
    const plain = Array.from({ length: 1100 }, (_, n) => event(n));
    // The old scheme kept the same id of two sources apart only on two days.
    const otherSource = event(0, { source: 'erp', time: '2024-05-09T10:00:00Z' });
    // An interrupted earlier run: moved already, the old document not yet deleted.
    const moved = event(1);
    await admin.create({
      index: eventsIndexFor(prefix, moved.time),
      id: eventDocumentId(moved),
      document: toEventDocument(moved),
      refresh: true,
    });
    // One identity on two days under the old scheme (it never collided): different content.
    const twin = event(2, { time: '2024-05-20T10:00:00Z', data: { attributes: { twin: true } } });
    await writeLegacy([...plain, otherSource, twin]);
    expect(await countEvents(admin, prefix)).toBe(1100 + 2 + 1);

    const store = open();
    await store.prepare();

    const done = lines.find((line) =>
      String(line.msg).startsWith('events index: id migration done'),
    );
    expect(done).toMatchObject({ migrated: 1100, duplicates: 1, conflicts: 1, kept: 0 });
    expect(done?.pages).toBeGreaterThanOrEqual(3);
    // Nothing left under the old scheme; the conflicting twin kept, marked in place.
    const unmarked = { bool: { must_not: [{ exists: { field: 'idScheme' } }] } };
    expect(await countEvents(admin, prefix, unmarked)).toBe(0);
    expect(await countEvents(admin, prefix, { term: { idScheme: 'event-id' } })).toBe(1);
    expect(await countEvents(admin, prefix)).toBe(1100 + 1 + 1);

    // Of the two copies of (shop, e-2) the first met moved, the other kept under its old id.
    const copies = await admin.search({
      index: `${prefix}-events-*`,
      query: { term: { id: 'e-2' } },
    });
    expect(copies.hits.hits.map((hit) => hit._id).sort()).toEqual(
      ['e-2', eventDocumentId(twin)].sort(),
    );

    // Every event once, under the id of its identity, readable as it was written.
    const all = [...plain.filter((e) => e.id !== 'e-2'), otherSource];
    for (let i = 0; i < all.length; i += 500) {
      const page = all.slice(i, i + 500);
      const { docs } = await admin.mget({
        docs: page.map((e) => ({
          _index: eventsIndexFor(prefix, e.time),
          _id: eventDocumentId(e),
        })),
      });
      expect(docs.filter((doc) => 'found' in doc && doc.found)).toHaveLength(page.length);
    }
    const byShop = { bool: { filter: [{ term: { id: 'e-0' } }, { term: { source: 'shop' } }] } };
    expect(await countEvents(admin, prefix, byShop)).toBe(1);
    expect(await countEvents(admin, prefix, { term: { id: 'e-0' } })).toBe(2);
    expect(await store.getEvents(instanceKeyOf(otherSource))).toEqual([otherSource]);
    const key = instanceKeyOf(plain[3] as FlowtrailEvent);
    const expected = plain
      .filter((e) => instanceKeyOf(e) === key)
      .sort((a, b) => Date.parse(a.time) - Date.parse(b.time) || (a.id < b.id ? -1 : 1));
    expect(await store.getEvents(key)).toEqual(expected);

    // Idempotent: the next run finds nothing; replays stay no-ops, conflicts 409.
    expect(await store.migrateEventIds()).toEqual({
      migrated: 0,
      duplicates: 0,
      conflicts: 0,
      kept: 0,
      pages: 0,
    });
    const first = plain[5] as FlowtrailEvent;
    expect(await store.writeEvents([first])).toMatchObject({ retriable: [], rejected: [] });
    const changed = { ...first, time: '2024-06-30T10:00:00Z' };
    expect((await store.writeEvents([changed])).rejected).toMatchObject([
      { item: changed, status: 409, error: { type: 'conflicting_duplicate' } },
    ]);
    await store.close();
  });
});
