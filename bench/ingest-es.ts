/**
 * The Elasticsearch side of bench/ingest.bench.ts: baseline A (bulk alone of the same
 * documents), polling for folded states without adding refreshes, and Elasticsearch's own
 * counters (index stats) of each side's indices.
 */
import { instanceKeyOf, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import {
  eventDocumentId,
  toEventDocument,
} from '../collector/src/adapters/elasticsearch/es-event-document.ts';
import {
  eventsIndexFor,
  instancesIndex,
} from '../collector/src/adapters/elasticsearch/index-names.ts';
import { foldInstance } from '../collector/src/domain/instance/fold.ts';
import type { createElasticsearchClient } from '../collector/src/adapters/elasticsearch/es-client.ts';

type Client = ReturnType<typeof createElasticsearchClient>;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/**
 * Baseline: the SAME documents the collector stores, bulk-indexed alone into indices made
 * from the collector's own templates (a second prefix): each event document
 * (`toEventDocument`, `create` under its identity's id, into the daily index of its time)
 * and one final state per instance (the fold of all its events, under its external
 * version) — 500 operations per request, one client, then one refresh.
 */
export async function esBulkAlone(
  es: Client,
  prefix: string,
  events: FlowtrailEvent[],
): Promise<number> {
  const byInstance = new Map<string, FlowtrailEvent[]>();
  for (const e of events) {
    const list = byInstance.get(e.ftinstance);
    if (list === undefined) byInstance.set(e.ftinstance, [e]);
    else list.push(e);
  }
  const states = [...byInstance.values()].map((list) => foldInstance(list));
  const operations: object[][] = [
    ...events.map((e) => [
      { create: { _index: eventsIndexFor(prefix, e.time), _id: eventDocumentId(e) } },
      toEventDocument(e),
    ]),
    ...states.map((state) => [
      {
        index: {
          _index: instancesIndex(prefix),
          _id: state.key,
          version: state.eventCount,
          version_type: 'external_gte',
        },
      },
      state,
    ]),
  ];
  return timed(async () => {
    for (let i = 0; i < operations.length; i += 500) {
      const res = await es.bulk({ operations: operations.slice(i, i + 500).flat() });
      if (res.errors) throw new Error('baseline bulk had errors');
    }
    await es.indices.refresh({ index: `${prefix}-*` });
  });
}

/** Sum of `eventCount` over the stored states, after a refresh (so nothing lags the poll). */
export async function countStates(es: Client, prefix: string): Promise<number> {
  await es.indices.refresh({ index: instancesIndex(prefix) });
  const res = await es.search({
    index: instancesIndex(prefix),
    size: 0,
    aggs: { events: { sum: { field: 'eventCount' } } },
  });
  return (res.aggregations?.events as { value?: number } | undefined)?.value ?? 0;
}

export async function waitForStates(
  es: Client,
  prefix: string,
  count: number,
  timeoutMs: number,
): Promise<void> {
  for (const started = performance.now(); ;) {
    if ((await countStates(es, prefix).catch(() => 0)) >= count) return;
    if (performance.now() - started > timeoutMs) {
      throw new Error(`states of ${count} events not folded`);
    }
    await new Promise((r) => setTimeout(r, 100)); // polling interval of the warm-up
  }
}

/**
 * Waits until the instances whose last events were produced last are folded from all
 * their events — read with a real-time `mget`, which needs no refresh, so the poll adds
 * no refresh (and no segment) to the collector's indices — then checks every state once.
 */
export async function waitForRound(
  es: Client,
  prefix: string,
  events: readonly FlowtrailEvent[],
  count: number,
): Promise<void> {
  const last = new Map<string, number>();
  for (const e of events) last.set(instanceKeyOf(e), (last.get(instanceKeyOf(e)) ?? 0) + 1);
  const tail = [...new Set(events.slice(-200).map((e) => instanceKeyOf(e)))];
  for (const started = performance.now(); ;) {
    const res = await es.mget<{ eventCount?: number }>({
      index: instancesIndex(prefix),
      ids: tail,
      _source_includes: ['eventCount'],
    });
    const done = res.docs.every(
      (d) => 'found' in d && d.found && d._source?.eventCount === last.get(d._id),
    );
    if (done) break;
    if (performance.now() - started > 15 * 60_000) throw new Error('round not folded in time');
    await new Promise((r) => setTimeout(r, 100)); // polling interval of the measurement
  }
  const stored = await countStates(es, prefix);
  if (stored < count) throw new Error(`only ${stored} of ${count} events folded`);
}

export type EsWork = Record<
  'docs' | 'indexMs' | 'refreshes' | 'refreshMs' | 'mergeMs' | 'searchMs' | 'getMs',
  number
>;

/** Elasticsearch's own counters for these indices (index stats, cumulative). */
export async function esWork(es: Client, index: string): Promise<EsWork> {
  const stats = await es.indices.stats({
    index,
    metric: ['indexing', 'refresh', 'merge', 'search', 'get'],
  });
  const t = stats._all.total ?? {};
  return {
    docs: t.indexing?.index_total ?? 0,
    indexMs: t.indexing?.index_time_in_millis ?? 0,
    refreshes: t.refresh?.total ?? 0,
    refreshMs: t.refresh?.total_time_in_millis ?? 0,
    mergeMs: t.merges?.total_time_in_millis ?? 0,
    searchMs: (t.search?.query_time_in_millis ?? 0) + (t.search?.fetch_time_in_millis ?? 0),
    getMs: t.get?.time_in_millis ?? 0,
  };
}

export function minus(after: EsWork, before: EsWork): EsWork {
  const out = { ...after };
  for (const k of Object.keys(out) as (keyof EsWork)[]) out[k] = after[k] - before[k];
  return out;
}

/** "docs · refreshes · index + refresh + merge + search + get ms" of one side. */
export function work(w: EsWork): string {
  const ms = w.indexMs + w.refreshMs + w.mergeMs + w.searchMs + w.getMs;
  return `${w.docs.toLocaleString('en')} · ${w.refreshes} · ${(ms / 1000).toFixed(1)} s`;
}
