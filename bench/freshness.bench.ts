/**
 * Freshness in Kafka mode (issue 11, item 6; targets: p95 ≤ 2 s, collector RSS ≤ 300 MB):
 * emit → findable through the collector's search API, at half the maximum rate, with the
 * collector's CPU per 1,000 events and its peak memory.
 *
 *   npx tsx bench/freshness.bench.ts [burst=50000] [seconds=30] [sampleMs=500] [pollMs=50]
 *
 * `flowtrail collector` runs as a child process (unique topic, group id and index prefix
 * `ft-bench-<hex>`, `FLOWTRAIL_INDEX_REPLICAS=0`, detection on, other settings default),
 * so its CPU (utime + stime) and peak RSS (VmHWM) are read from /proc/<pid>. Then:
 *  1. warm-up: one event, polled until searchable (group joined, indices created);
 *  2. idle: the collector's CPU over 5 s without traffic (its sweeps, polls);
 *  3. burst: `burst` events (10 per instance, interleaved, as bench/ingest.bench.ts) sent
 *     with the SDK's `KafkaTransport`, 500 per send; the time from the first send until
 *     the instances index (polled every 200 ms, near-real-time: up to its 1 s refresh
 *     late) holds all of them folded gives the maximum rate;
 *  4. half rate: events on a fixed schedule (every 10 ms, the events due by then) for
 *     `seconds` s at half that rate, sent by one sender loop (a send, then whatever was
 *     queued meanwhile). Event j goes to instance j mod W (W = 10 s of events): the first
 *     10 s start new instances, later events continue them, 10 s apart; every event
 *     carries a unique business key `ref`. Every `sampleMs`, the first event emitted is a
 *     sample: its emit time is taken before it is queued, then
 *     `GET /api/instances?businessKey=ref=<value>` is polled every `pollMs` until it finds
 *     the instance (timeout 30 s). Freshness = found − emitted; the polling interval is the
 *     measurement error (up to one interval plus a request late).
 *     Baseline, in the same phase and at the same moments: a document bulk-indexed with
 *     `refresh: false` into a scratch index, polled by search the same way until found —
 *     the floor set by Elasticsearch's 1 s refresh interval.
 * The sampling is sparser than one per 50 ms because every pending sample is polled, and
 * each poll is a search the collector sends to Elasticsearch: on 2 cores shared with Kafka
 * and Elasticsearch, one sample per 200 ms (≈ 240 polls/s) slowed the collector itself to
 * a p50 of 13 s. Cleans up its topics, consumer groups, indices and templates.
 * `COLLECTOR_NODE_OPTIONS` is passed to the collector alone as its `NODE_OPTIONS` (e.g. a
 * V8 heap limit, to tell the heap's growth between collections from what it must hold).
 * Writes docs/benchmarks.md (section "freshness").
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaTransport, type FlowtrailEvent } from '@flowtrail/sdk';
import { parseConfig } from '../collector/src/main/config/config.ts';
import { createElasticsearchClient } from '../collector/src/adapters/elasticsearch/es-client.ts';
import { freePort, ROOT, start, stop, waitFor, type Child } from '../dashboard/e2e/harness.ts';
import { benchTopics, cleanUpKafkaMode, collectorEnv } from './kafka-mode-child.ts';
import { cpuSeconds, memory } from './proc-stats.ts';
import { machine, percentile, writeSection } from './report.ts';

const BURST = Number(process.argv[2] ?? 50_000);
const PHASE_S = Number(process.argv[3] ?? 30);
const SAMPLE_MS = Number(process.argv[4] ?? 500);
const POLL_MS = Number(process.argv[5] ?? 50);
const PER_INSTANCE = 10;
const GAP_S = 10;
const TICK_MS = 10;
const TIMEOUT_MS = 30_000;
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const esUrl = process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';
const name = `ft-bench-${randomBytes(3).toString('hex')}`;
const [topic] = benchTopics(name) as [string];
const es = createElasticsearchClient(
  parseConfig({ ELASTICSEARCH_URL: esUrl, ELASTICSEARCH_REQUEST_TIMEOUT_MS: '60000' })
    .elasticsearch,
);
const STEPS = ['validate', 'reserve', 'pay', 'pack', 'ship'];
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Event `k` of instance `instance` (started, then steps started / completed in turn). */
function eventOf(instance: string, k: number, time: number, ref: string): FlowtrailEvent {
  const type = k === 0 ? 'process.started' : k % 2 === 1 ? 'step.started' : 'step.completed';
  return {
    specversion: '1.0',
    id: randomUUID(),
    source: 'shop',
    type: `flowtrail.${type}`,
    time: new Date(time).toISOString(),
    ftprocess: 'order-fulfilment',
    ftinstance: instance,
    ...(k === 0 ? {} : { ftstep: STEPS[Math.floor((k - 1) / 2) % STEPS.length] as string }),
    ftowner: 'team-orders',
    data: { businessKeys: { ref } },
  };
}

/** The burst: `BURST` events, 10 per instance, interleaved in time order. */
function burstEvents(): FlowtrailEvent[] {
  const t0 = Date.now() - 3_600_000;
  const events: FlowtrailEvent[] = [];
  for (let i = 0; events.length < BURST; i++) {
    for (let k = 0; k < PER_INSTANCE && events.length < BURST; k++) {
      events.push(eventOf(`b-${i}`, k, t0 + i * 50 + k * 20_000, `${name}-b${i}`));
    }
  }
  return events.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
}

async function foldedEvents(): Promise<number> {
  const res = await es.search({
    index: `${name}-instances`,
    size: 0,
    aggs: { events: { sum: { field: 'eventCount' } } },
  });
  return (res.aggregations?.events as { value?: number } | undefined)?.value ?? 0;
}

/** Polls `found` every POLL_MS; answers ms from `emittedAt` to the first hit, or undefined. */
async function freshness(emittedAt: number, found: () => Promise<boolean>) {
  for (;;) {
    if (await found().catch(() => false)) return performance.now() - emittedAt;
    if (performance.now() - emittedAt > TIMEOUT_MS) return undefined;
    await pause(POLL_MS); // the polling interval = the measurement error
  }
}

interface HalfRate {
  rate: number;
  sent: number;
  wallMs: number;
  collector: (number | undefined)[];
  baseline: (number | undefined)[];
  polls: number;
  /** When each sample was emitted, ms after the phase began. */
  emittedAfter: number[];
}

async function halfRate(api: string, rate: number, probeIndex: string): Promise<HalfRate> {
  const transport = new KafkaTransport({ brokers, topic: topic });
  const width = Math.max(1, Math.round(rate * GAP_S));
  const queue: FlowtrailEvent[] = [];
  const probes: Promise<number | undefined>[][] = [[], []];
  const emittedAfter: number[] = [];
  let polls = 0;
  let sent = 0;
  let emitting = true;
  // One sender: a send in flight, the next takes everything queued meanwhile.
  const sender = (async () => {
    while (emitting || queue.length > 0) {
      if (queue.length === 0)
        await pause(1); // idle spin of the sender only
      else await transport.send(queue.splice(0, queue.length));
    }
  })();
  const started = performance.now();
  let nextSample = started;
  for (let tick = 1; ; tick++) {
    const now = performance.now();
    const due = Math.min(Math.floor((rate * (now - started)) / 1000), rate * PHASE_S);
    for (; sent < due; sent++) {
      const ref = `${name}-r${sent}`;
      const sample = performance.now() >= nextSample;
      const emittedAt = performance.now();
      queue.push(eventOf(`h-${sent % width}`, Math.floor(sent / width), Date.now(), ref));
      if (!sample) continue;
      nextSample += SAMPLE_MS;
      const search = `${api}/api/instances?${new URLSearchParams({ businessKey: `ref=${ref}` })}`;
      emittedAfter.push(emittedAt - started);
      probes[0]?.push(
        freshness(emittedAt, async () => {
          polls++;
          return ((await (await fetch(search)).json()) as { total: number }).total > 0;
        }),
      );
      // Baseline: the same moment, straight into Elasticsearch.
      const baseAt = performance.now();
      const indexed = es.bulk({
        refresh: false,
        operations: [{ index: { _index: probeIndex } }, { ref }],
      });
      probes[1]?.push(
        indexed.then(() =>
          freshness(baseAt, async () => {
            const res = await es.search({ index: probeIndex, size: 0, query: { term: { ref } } });
            return ((res.hits.total as { value: number } | undefined)?.value ?? 0) > 0;
          }),
        ),
      );
    }
    if (sent >= rate * PHASE_S) break;
    await pause(Math.max(0, started + tick * TICK_MS - performance.now())); // the schedule
  }
  const wallMs = performance.now() - started;
  emitting = false;
  await sender;
  await transport.close();
  const [collector, baseline] = await Promise.all(probes.map((p) => Promise.all(p)));
  return {
    rate,
    sent,
    wallMs,
    collector: collector ?? [],
    baseline: baseline ?? [],
    polls,
    emittedAfter,
  };
}

async function main(): Promise<void> {
  const admin = new Kafka({ clientId: name, brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const port = await freePort();
  const api = `http://127.0.0.1:${port}`;
  const env = {
    ...collectorEnv(name, { brokers, esUrl, port }),
    ...(process.env.COLLECTOR_NODE_OPTIONS === undefined
      ? {}
      : { NODE_OPTIONS: process.env.COLLECTOR_NODE_OPTIONS }),
  };
  let child: Child | undefined;
  const loads = [loadavg()[0] ?? 0];
  try {
    child = start(
      'flowtrail collector',
      process.execPath,
      ['collector/bin/flowtrail.js', 'collector'],
      ROOT,
      env,
    );
    const collector = child;
    const pid = collector.proc.pid as number;
    await waitFor('the API', async () => (await fetch(`${api}/api/health`)).ok, 120_000, collector);
    const warmup = new KafkaTransport({ brokers, topic: topic });
    await warmup.send([eventOf('warm-up', 0, Date.now(), `${name}-warm-up`)]);
    await warmup.close();
    await waitFor(
      'the warm-up event',
      async () => {
        const res = await fetch(`${api}/api/instances?businessKey=ref=${name}-warm-up`);
        return ((await res.json()) as { total: number }).total > 0;
      },
      120_000,
      collector,
    );
    const probeIndex = `${name}-probe`;
    await es.indices.create({
      index: probeIndex,
      settings: { number_of_shards: 1, number_of_replicas: 0 },
      mappings: { properties: { ref: { type: 'keyword' } } },
    });

    // Peak so far: start-up (tsx compiling the sources, connecting, preparing indices).
    const startPeak = memory(pid).peakMiB;
    const idle0 = cpuSeconds(pid);
    await pause(5_000); // the idle window measured
    const idleShare = (cpuSeconds(pid) - idle0) / 5;

    const events = burstEvents();
    const burstCpu0 = cpuSeconds(pid);
    const transport = new KafkaTransport({ brokers, topic: topic });
    const t0 = performance.now();
    for (let i = 0; i < events.length; i += 500) await transport.send(events.slice(i, i + 500));
    await transport.close();
    const warm = 1;
    await waitFor(
      'the burst folded',
      async () => (await foldedEvents()) - warm >= BURST,
      600_000,
      collector,
    );
    const burstMs = performance.now() - t0;
    const burstCpu = cpuSeconds(pid) - burstCpu0;
    const burstRss = memory(pid).rssMiB;
    const maxRate = BURST / (burstMs / 1000);
    console.log(`burst: ${Math.round(maxRate)} events/s`);

    const phaseCpu0 = cpuSeconds(pid);
    const phase = await halfRate(api, Math.floor(maxRate / 2), probeIndex);
    const phaseCpu = cpuSeconds(pid) - phaseCpu0;
    const mem = memory(pid);
    loads.push(loadavg()[0] ?? 0);
    writeReport({
      idleShare,
      burstMs,
      burstCpu,
      burstRss,
      maxRate,
      phase,
      phaseCpu,
      mem,
      loads,
      startPeak,
    });
  } finally {
    if (child !== undefined) await stop(child);
    await cleanUpKafkaMode(name, admin, es);
    await admin.disconnect();
  }
}

interface Report {
  idleShare: number;
  burstMs: number;
  burstCpu: number;
  burstRss: number;
  maxRate: number;
  phase: HalfRate;
  phaseCpu: number;
  mem: { peakMiB: number; rssMiB: number };
  loads: number[];
  startPeak: number;
}

/** Collector freshness per third of the phase, by emit time. */
function trend(phase: HalfRate): string[] {
  const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`);
  return [0, 1, 2].map((third) => {
    const [from, to] = [(third * PHASE_S) / 3, ((third + 1) * PHASE_S) / 3];
    const values = phase.collector.filter((v, i): v is number => {
      const at = (phase.emittedAfter[i] ?? 0) / 1000;
      return v !== undefined && at >= from && at < to;
    });
    return `| ${from}–${to} s | ${values.length} | ${ms(percentile(values, 0.5))} | ${ms(Math.max(...values))} |`;
  });
}

function writeReport(r: Report): void {
  const num = (n: number) => Math.round(n).toLocaleString('en');
  const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`);
  const row = (what: string, values: (number | undefined)[]) => {
    const found = values.filter((v): v is number => v !== undefined);
    const missed = values.length - found.length;
    return `| ${what} | ${values.length} | ${ms(percentile(found, 0.5))} | ${ms(percentile(found, 0.95))} | ${ms(Math.max(...found))} | ${missed} |`;
  };
  const p95 = percentile(
    r.phase.collector.filter((v): v is number => v !== undefined),
    0.95,
  );
  const peakMB = (r.mem.peakMiB * 2 ** 20) / 1e6;
  const perK = (cpu: number, events: number) => ((cpu / events) * 1000).toFixed(3);
  const section = [
    '## Freshness in Kafka mode (emit → searchable, issue 11, item 6)',
    '',
    `${new Date().toISOString().slice(0, 10)} · ${machine()}, shared machine (load average ${r.loads[0]?.toFixed(1)} before, ${r.loads[1]?.toFixed(1)} after) · Kafka and Elasticsearch from \`flowtrail infra up\` on the same machine (single node each) · \`flowtrail collector\` as a child process (detection on, default settings, \`FLOWTRAIL_INDEX_REPLICAS=0\`) · \`npx tsx bench/freshness.bench.ts ${BURST} ${PHASE_S} ${SAMPLE_MS} ${POLL_MS}\``,
    '',
    `**Maximum rate**: a burst of ${num(BURST)} events (${PER_INSTANCE} per instance, interleaved; SDK \`KafkaTransport\`, 500 per send), from the first send until the instances index holds them all folded (polled every 200 ms; near-real-time, so up to one 1 s refresh late): ${(r.burstMs / 1000).toFixed(1)} s = **${num(r.maxRate)} events/s**.`,
    '',
    `**Half rate**: ${num(r.phase.rate)} events/s on a fixed schedule (every ${TICK_MS} ms) for ${PHASE_S} s, ${num(r.phase.sent)} events (achieved ${num(r.phase.sent / (r.phase.wallMs / 1000))}/s); each event starts a new instance or continues one (${GAP_S} s apart) and carries a unique business key. A sample every ${SAMPLE_MS} ms: emit (taken before the event is queued for sending) → first \`GET /api/instances?businessKey=ref=…\` that finds it, polled every ${POLL_MS} ms (the measurement error: up to ${POLL_MS} ms plus one request late; ${num(r.phase.polls)} polls in all). Baseline at the same moments: one document bulk-indexed into a scratch index with \`refresh: false\`, polled by search every ${POLL_MS} ms until found (Elasticsearch's 1 s refresh interval is the floor). Timeout ${TIMEOUT_MS / 1000} s.`,
    '',
    '| emit → searchable | samples | p50 | p95 | max | not found in 30 s |',
    '|---|---|---|---|---|---|',
    row('baseline: Elasticsearch bulk (`refresh: false`) → search', r.phase.baseline),
    row(
      'collector: SDK → Kafka → collector → `GET /api/instances?businessKey=…`',
      r.phase.collector,
    ),
    '',
    'Collector freshness by when the sample was emitted (p50 / max; a backlog grows when it rises):',
    '',
    '| emitted | samples | p50 | max |',
    '|---|---|---|---|',
    ...trend(r.phase),
    '',
    '| collector process (/proc) | CPU s per 1,000 events | CPU (of one core) | RSS |',
    '|---|---|---|---|',
    `| idle, 5 s (sweeps only) | – | ${Math.round(r.idleShare * 100)} % | peak until then (start-up, warm-up): ${r.startPeak.toFixed(0)} MiB |`,
    `| burst (${num(BURST)} events) | ${perK(r.burstCpu, BURST)} | ${Math.round((r.burstCpu / (r.burstMs / 1000)) * 100)} % | ${r.burstRss.toFixed(0)} MiB at the end |`,
    `| half rate (${num(r.phase.sent)} events, serving the sample polls too) | ${perK(r.phaseCpu, r.phase.sent)} | ${Math.round((r.phaseCpu / (r.phase.wallMs / 1000)) * 100)} % | ${r.mem.rssMiB.toFixed(0)} MiB at the end |`,
    `| peak (VmHWM, whole run) | | | ${r.mem.peakMiB.toFixed(0)} MiB (${peakMB.toFixed(0)} MB) |`,
    '',
    `Targets: freshness p95 ≤ 2 s — ${ms(p95)} (${p95 <= 2000 ? 'met' : 'not met'}); collector RSS ≤ 300 MB — peak ${peakMB.toFixed(0)} MB (${peakMB <= 300 ? 'met' : 'not met'}).`,
  ].join('\n');
  writeSection('freshness', section);
  console.log(section);
}

await main();
