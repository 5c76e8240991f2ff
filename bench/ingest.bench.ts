/**
 * Ingest throughput of the spine against the REAL servers (`npx flowtrail infra up`), in
 * rounds (the machine is shared: each round measures all three in turn):
 *   baseline A — Elasticsearch bulk alone of the same documents: the event documents and
 *                one final state per instance, into indices of the collector's own
 *                templates (issue 11, item 5);
 *   baseline B — Kafka produce alone (the SDK's KafkaTransport) of the round's events,
 *                while no collector runs: they wait as a backlog;
 *   collector  — started on that backlog: consume → validate → bulk events → continue
 *                folds from the stored summaries (new instances from their batch; re-fold
 *                where needed) → refresh → bulk states and summaries → commit; timed from
 *                its first record to its last state stored.
 * Events are in time order with the instances interleaved (each instance's events spread
 * over many batches, as in production), so continued folds are exercised. Elasticsearch's
 * own counters (index stats) show where each side's time went. Collector settings come
 * from FLOWTRAIL_* variables of the environment (e.g. FLOWTRAIL_PARTITIONS_CONCURRENTLY).
 * Run: `npx tsx bench/ingest.bench.ts [events] [eventsPerInstance] [rounds]`; writes
 * docs/benchmarks.md (section "ingest").
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaTransport, type FlowtrailEvent } from '@flowtrail/sdk';
import { startCollector } from '../collector/src/main/start-collector.ts';
import { parseConfig } from '../collector/src/main/config/config.ts';
import { createLogger } from '../collector/src/shared/logger.ts';
import { createElasticsearchClient } from '../collector/src/adapters/elasticsearch/es-client.ts';
import { ElasticsearchEventStore } from '../collector/src/adapters/elasticsearch/es-event-store.ts';
import type { CollectorConfig } from '../collector/src/main/config/config.ts';
import type { CounterSnapshot } from '../collector/src/shared/metrics.ts';
import { machine, percentile, writeSection } from './report.ts';
import {
  esBulkAlone,
  esWork,
  minus,
  waitForRound,
  waitForStates,
  work,
  type EsWork,
} from './ingest-es.ts';

const total = Number(process.argv[2] ?? 20_000);
const perInstance = Number(process.argv[3] ?? 10);
const ROUNDS = Number(process.argv[4] ?? 3);
const PARTITIONS = 6;
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const esUrl = process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';
const name = `ft-bench-${randomBytes(3).toString('hex')}`;
const es = createElasticsearchClient(
  parseConfig({ ELASTICSEARCH_URL: esUrl, ELASTICSEARCH_REQUEST_TIMEOUT_MS: '120000' })
    .elasticsearch,
);

/** One instance of its own, sent first so the measurement starts with the group joined. */
function makeWarmup(): FlowtrailEvent[] {
  return [
    {
      specversion: '1.0',
      id: randomUUID(),
      source: 'shop',
      type: 'flowtrail.process.started',
      time: '2026-11-20T07:00:00.000Z',
      ftprocess: 'order-fulfilment',
      ftinstance: 'warm-up',
      data: {},
    },
  ];
}

function makeEvents(round: number): FlowtrailEvent[] {
  const steps = ['validate', 'reserve', 'pay', 'pack', 'ship'];
  // Each round an hour later, with instances of its own.
  const start = Date.parse('2026-11-20T08:00:00Z') + round * 3_600_000;
  const events: FlowtrailEvent[] = [];
  for (let i = 0; events.length < total; i += 1) {
    const instance = `r${round}-o-${i}`;
    for (let k = 0; k < perInstance && events.length < total; k += 1) {
      const type =
        k === 0
          ? 'flowtrail.process.started'
          : k % 2 === 1
            ? 'flowtrail.step.started'
            : 'flowtrail.step.completed';
      const step = steps[Math.floor((k - 1) / 2) % steps.length] as string;
      events.push({
        specversion: '1.0',
        id: randomUUID(),
        source: 'shop',
        type,
        time: new Date(start + i * 100 + k * 20_000).toISOString(),
        ftprocess: 'order-fulfilment',
        ftinstance: instance,
        ...(k === 0 ? {} : { ftstep: step }),
        ftowner: 'team-orders',
        data: { businessKeys: { orderId: `ORD-${round}-${100000 + i}` } },
      });
    }
  }
  // Time order: the instances interleave, as a busy service emits them.
  return events.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
}

async function timed<T>(fn: () => Promise<T>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

interface Round {
  bulkMs: number;
  produceMs: number;
  collectorMs: number;
  counters: CounterSnapshot;
  /** Elasticsearch's own work on each side's indices during the round. */
  bulkWork: EsWork;
  collectorWork: EsWork;
}

async function main(): Promise<void> {
  const topic = `${name}.events`;
  const kafka = new Kafka({ clientId: name, brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic, numPartitions: PARTITIONS }],
    waitForLeaders: true,
  });
  const baselinePrefix = `${name}-bl`;
  const baselineStore = new ElasticsearchEventStore(es, {
    indexPrefix: baselinePrefix,
    replicas: 0,
    logger: createLogger('warn'),
  });
  await baselineStore.prepare();

  const config = parseConfig({
    KAFKA_BROKERS: brokers.join(','),
    ELASTICSEARCH_URL: esUrl,
    FLOWTRAIL_TOPICS: topic,
    FLOWTRAIL_DLQ_TOPIC: `${name}.dlq`,
    FLOWTRAIL_GROUP_ID: name,
    FLOWTRAIL_INDEX_PREFIX: name,
    FLOWTRAIL_HTTP_PORT: '0', // measure ingest only; any free port
    FLOWTRAIL_INDEX_REPLICAS: '0',
    // The collector's settings under test (FLOWTRAIL_BATCH_SIZE, …).
    ...Object.fromEntries(
      Object.entries(process.env).filter(
        ([k]) => k.startsWith('FLOWTRAIL_') && k !== 'FLOWTRAIL_INDEX_PREFIX',
      ),
    ),
  });
  const transport = new KafkaTransport({ brokers, topic });
  // Warm-up: one instance of its own, folded once the group is joined; then stopped, so
  // each round's events wait in the topic as a backlog.
  let collector = await startCollector(config, { logger: createLogger('warn') });
  const warmup = makeWarmup();
  await transport.send(warmup);
  await waitForStates(es, name, warmup.length, 120_000);
  await collector.stop();
  let folded = warmup.length;

  const collectorIndices = `${name}-events-*,${name}-instances,${name}-summaries`;
  const rounds: Round[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const events = makeEvents(round);
    const bulkBefore = await esWork(es, `${baselinePrefix}-*`);
    const bulkMs = await esBulkAlone(es, baselinePrefix, events);
    const bulkWork = minus(await esWork(es, `${baselinePrefix}-*`), bulkBefore);

    // Baseline B, and the backlog: the round's events produced while no collector runs.
    const produceMs = await timed(async () => {
      for (let i = 0; i < events.length; i += 500) await transport.send(events.slice(i, i + 500));
    });

    const workBefore = await esWork(es, collectorIndices);
    collector = await startCollector(config, { logger: createLogger('warn') });
    // The collector's time runs from its first record consumed (not from its start: the
    // group join is not ingest) to the last state stored.
    const t0 = await firstConsumed(collector.metrics);
    folded += events.length;
    await waitForRound(es, name, events, folded);
    const collectorMs = performance.now() - t0;
    rounds.push({
      bulkMs,
      produceMs,
      collectorMs,
      counters: collector.metrics.snapshot(),
      bulkWork,
      collectorWork: minus(await esWork(es, collectorIndices), workBefore),
    });
    await collector.stop();
    console.error(
      `round ${round}: bulk ${bulkMs.toFixed(0)} ms, collector ${collectorMs.toFixed(0)} ms`,
      JSON.stringify(rounds[rounds.length - 1]?.bulkWork),
      JSON.stringify(rounds[rounds.length - 1]?.collectorWork),
    );
  }
  await transport.close();
  await es.indices.delete({ index: `${name}-*` });
  // Templates by name (the collector's and the baseline's), found first: each one deleted.
  const templates = await es.indices.getIndexTemplate({ name: `${name}-*` });
  for (const t of templates.index_templates) await es.indices.deleteIndexTemplate({ name: t.name });
  await admin.deleteTopics({ topics: [topic, `${name}.dlq`] }).catch(() => undefined);
  await admin.disconnect();
  report(rounds, config);
}

/** When the collector took its first record (its counters polled every 5 ms). */
async function firstConsumed(metrics: { snapshot(): CounterSnapshot }): Promise<number> {
  for (const started = performance.now(); ;) {
    if (metrics.snapshot().consumed > 0) return performance.now();
    if (performance.now() - started > 120_000) throw new Error('the collector consumed nothing');
    await new Promise((r) => setTimeout(r, 5)); // polling interval of the start
  }
}

function report(rounds: readonly Round[], config: CollectorConfig): void {
  const rate = (ms: number) => Math.round(total / (ms / 1000)).toLocaleString('en');
  const median = (xs: number[]) => percentile(xs, 0.5);
  const ratios = rounds.map((r) => r.bulkMs / r.collectorMs);
  const lines = rounds.map((r, i) => {
    const c = r.counters;
    return (
      `| ${i + 1} | ${(r.bulkMs / 1000).toFixed(2)} s (${rate(r.bulkMs)}/s) | ` +
      `${(r.produceMs / 1000).toFixed(2)} s (${rate(r.produceMs)}/s) | ` +
      `${(r.collectorMs / 1000).toFixed(2)} s (${rate(r.collectorMs)}/s) | ` +
      `${(r.bulkMs / r.collectorMs).toFixed(2)} | ${c.batches} | ${c.statesWritten.toLocaleString('en')} | ` +
      `${work(r.bulkWork)} | ${work(r.collectorWork)} | ` +
      `${c.continuedFolds} / ${c.newInstanceFolds} / ${c.refolds} |`
    );
  });
  const table = [
    `## Ingest (spine: Kafka → collector → Elasticsearch)`,
    '',
    `${new Date().toISOString().slice(0, 10)} · ${machine()} · Kafka and Elasticsearch from ` +
      '`flowtrail infra up` on the same machine (single node each) · per round ' +
      `${total.toLocaleString('en')} events over ${Math.ceil(total / perInstance).toLocaleString('en')} new instances, ` +
      `${ROUNDS} rounds · topic of ${PARTITIONS} partitions · collector defaults: batch ${config.batchSize}, ` +
      `${config.kafka.partitionsConcurrently} partitions at once, fetch ${config.kafka.maxBytesPerPartition / 1_048_576} MiB per partition · ` +
      '`npx tsx bench/ingest.bench.ts ' +
      `${total} ${perInstance} ${ROUNDS}\``,
    '',
    'Each round, in turn: baseline A, Elasticsearch bulk alone of the same documents (the event ' +
      'documents and one final state per instance, into indices made from the collector’s own ' +
      'templates, 500 operations per request, one client, then one refresh); baseline B, Kafka ' +
      'produce alone (SDK `KafkaTransport`, 500 per send) of the round’s events while no ' +
      'collector runs; then a collector is started on that backlog (same group, so it resumes ' +
      'at the round), and its time runs from its first record consumed to the last state ' +
      'stored (seen by a real-time `mget`, so the poll adds no refresh). The collector’s store ' +
      'carries the earlier rounds, as the baseline’s indices do. Events are in time order with ' +
      'the instances interleaved (each instance’s events spread over the partition’s batches), ' +
      'so a state is written once per touched instance per batch. “Busy” is Elasticsearch’s ' +
      'own time on each side’s indices in the round (index stats: indexing + refresh + merge + ' +
      'search + get).',
    '',
    '| round | A: bulk alone | B: produce alone | collector | collector / A | batches | states written | A: Elasticsearch docs · refreshes · busy | collector: the same | continued / new / re-folded |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...lines,
    '',
    `Median ratio collector / bulk alone: **${median(ratios).toFixed(2)}** (target ≥ 0.8). ` +
      'The collector’s extra work per batch: the identity check of the events (one `ids` ' +
      'search), a real-time `mget` of the touched summaries, a state AND a summary per touched ' +
      'instance per batch (more documents than the baseline’s one state per instance, and ' +
      'updates of stored documents rather than new ones), and a refresh before the states so no ' +
      'state is visible before its events, shared by the batches folded at the same time ' +
      '(docs/operations.md, "Elasticsearch (Kafka mode)").',
  ].join('\n');
  writeSection('ingest', table);
  console.log(table);
}

await main();
