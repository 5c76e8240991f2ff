/**
 * Folds continued from stored summaries on the REAL Elasticsearch store (es-summaries.ts,
 * app/ingest/summary-folds.ts) through the BatchIngester: a new instance is folded from
 * its batch and gets a summary (a replayed one from its stored events); the next in-order batch continues it (no events
 * re-read); a late event, a replay, a summary that lags its state (a state written by
 * `writeStates`, as `flowtrail repair` does) each re-fold. After every batch the state
 * equals the fold of the stored events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventTypes, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { ElasticsearchEventStore } from '../../src/adapters/elasticsearch/es-event-store.ts';
import { foldInstance } from '../../src/domain/instance/fold.ts';
import { Metrics } from '../../src/shared/metrics.ts';
import { at, makeEvent } from '../helpers/events.ts';
import { esContractTarget, type EsContractTarget } from './es-contract-target.ts';
import { asMessages, testIngester } from '../helpers/batches.ts';
import { testElasticsearch } from '../helpers/servers.ts';
import { instancesIndex, summariesIndex } from '../../src/adapters/elasticsearch/index-names.ts';

let target: EsContractTarget<ElasticsearchEventStore>;
beforeAll(async () => {
  target = await esContractTarget(
    'summaries',
    (client, options) => new ElasticsearchEventStore(client, options),
  );
  await target.store.prepare();
});
afterAll(async () => target?.cleanup());

const T0 = '2026-11-20T10:00:00.000Z';
const base = { process: 'order', instance: 'o-1' };
const events: FlowtrailEvent[] = [
  makeEvent({ ...base, id: 'e1', type: EventTypes.processStarted, time: T0 }),
  makeEvent({ ...base, id: 'e2', type: EventTypes.stepStarted, time: at(T0, 10), step: 'pay' }),
  makeEvent({ ...base, id: 'e3', type: EventTypes.stepCompleted, time: at(T0, 20), step: 'pay' }),
  makeEvent({ ...base, id: 'e4', type: EventTypes.stepStarted, time: at(T0, 30), step: 'ship' }),
  makeEvent({ ...base, id: 'e5', type: EventTypes.stepCompleted, time: at(T0, 40), step: 'ship' }),
];
/** Sorts before e3: a late event. */
const late = makeEvent({
  ...base,
  id: 'e0',
  type: EventTypes.stepWaiting,
  time: at(T0, 15),
  step: 'pay',
});
const key = 'shop/order/o-1';

describe('continued folds on Elasticsearch', () => {
  const metrics = new Metrics();
  const ingester = () => testIngester(target.store, { metrics }).ingester;
  const counts = () => {
    const all = metrics.snapshot();
    return { fresh: all.newInstanceFolds, continued: all.continuedFolds, refolds: all.refolds };
  };
  const expectFolded = async () => {
    await target.refresh();
    expect(await target.store.getInstance(key)).toStrictEqual(
      foldInstance(await target.store.getEvents(key)),
    );
  };

  it('folds a new instance from its batch, then continues it', async () => {
    await ingester().process(asMessages(events.slice(0, 2)));
    expect(counts()).toEqual({ fresh: 1, continued: 0, refolds: 0 });
    await expectFolded();
    expect((await target.store.readSummaries([key])).get(key)?.stateEventCount).toBe(2);
    await ingester().process(asMessages(events.slice(2, 4)));
    expect(counts()).toEqual({ fresh: 1, continued: 1, refolds: 0 });
    await expectFolded();
  });

  it('re-folds a new instance whose batch is a replay (events stored, no state)', async () => {
    const other = events
      .slice(0, 3)
      .map((event) => ({ ...event, id: `r-${event.id}`, ftinstance: 'o-2' }));
    // The interrupted batch: its events stored, its state never written.
    await target.store.writeEvents(other.slice(0, 2));
    await ingester().process(asMessages(other));
    expect(counts()).toEqual({ fresh: 1, continued: 1, refolds: 1 });
    await target.refresh();
    expect(await target.store.getInstance('shop/order/o-2')).toStrictEqual(
      foldInstance(await target.store.getEvents('shop/order/o-2')),
    );
    expect((await target.store.getInstance('shop/order/o-2'))?.eventCount).toBe(3);
  });

  it('re-folds for a late event and for a replay', async () => {
    await ingester().process(asMessages([late]));
    expect(counts()).toEqual({ fresh: 1, continued: 1, refolds: 2 });
    await expectFolded();
    await ingester().process(asMessages(events.slice(2, 4)));
    expect(counts()).toEqual({ fresh: 1, continued: 1, refolds: 3 });
    await expectFolded();
  });

  it('re-folds when the summary lags its state', async () => {
    await target.refresh();
    // A state written without a summary, from the stored events (what `flowtrail repair` writes).
    const stored = await target.store.getEvents(key);
    await target.store.writeStates([foldInstance([...stored, events[4] as FlowtrailEvent])]);
    await target.store.writeEvents([events[4] as FlowtrailEvent]);
    await ingester().process(asMessages([events[4] as FlowtrailEvent]));
    expect(counts()).toEqual({ fresh: 1, continued: 1, refolds: 4 });
    await expectFolded();
    expect((await target.store.getInstance(key))?.eventCount).toBe(6);
  });

  it('fails retriably on a state or summary it cannot read, never takes it for absent', async () => {
    // Just after a restart a shard may not be started: mget answers 200 with an error per
    // document. Read as "absent", the instance looked new and was folded from its batch
    // alone. A closed index gives the same per-document error.
    const other = events
      .slice(0, 3)
      .map((event) => ({ ...event, id: `u-${event.id}`, ftinstance: 'o-3' }));
    const otherKey = 'shop/order/o-3';
    await ingester().process(asMessages(other.slice(0, 2)));
    const admin = testElasticsearch();
    const indices = [instancesIndex(target.prefix), summariesIndex(target.prefix)];
    await admin.indices.close({ index: indices });
    try {
      await expect(target.store.readSummaries([otherKey])).rejects.toMatchObject({
        name: 'StorageError',
        retriable: true,
      });
      await expect(target.store.instancesByKeys([otherKey])).rejects.toMatchObject({
        retriable: true,
      });
    } finally {
      await admin.indices.open({ index: indices, wait_for_active_shards: 'all' });
      await admin.close();
    }
    const read = (await target.store.readSummaries([otherKey])).get(otherKey);
    expect(read?.stateEventCount).toBe(2);
    await ingester().process(asMessages(other.slice(2)));
    await target.refresh();
    expect(await target.store.getInstance(otherKey)).toStrictEqual(
      foldInstance(await target.store.getEvents(otherKey)),
    );
    expect((await target.store.getInstance(otherKey))?.eventCount).toBe(3);
  });
});
