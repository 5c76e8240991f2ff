/**
 * Latency and fan-out cost of the live channel (`GET /api/live`): the time from
 * `POST /api/events` (one new instance per event, one event per request, sent at a steady
 * jittered pace so the sends sample every phase of the poll interval) to the `change`
 * frame naming that instance on an open stream.
 *
 *   a. embedded mode (`startEmbedded`, SQLite): post and listen on the same server (its
 *      writes nudge the poller). Baseline: the POST's own round trip (202 = stored).
 *   b. Kafka mode against the REAL Elasticsearch and Kafka (ELASTICSEARCH_URL,
 *      KAFKA_BROKERS or the 127.0.0.1 defaults; unique topics, group and indices, deleted
 *      at the end): two collectors sharing them, post to B, listen on A (A hears of B's
 *      writes only through its poller). Baselines: B's POST round trip; the instance
 *      readable on A (`GET /api/instances/:key`, a real-time get, polled every 5 ms); the
 *      instance searchable on A (`GET /api/instances?process=…`, a search, polled every
 *      20 ms) — a search sees a write only after Elasticsearch's refresh, as the change
 *      feed does.
 *   c. fan-out: 1, 10 and 100 streams open on one server (embedded; Kafka-mode A), the
 *      change-feed reads per second idle and while events flow, and the delivery latency
 *      per stream (POST → that stream's `change` frame).
 * Reads are counted by wrapping `instanceChanges` of both stores' prototypes (one call per
 * poller read). Everything runs in this one process (servers and stream clients share its
 * event loop). Poll interval: the default 1000 ms.
 *
 * Run: `npx tsx bench/live.bench.ts [events=300] [fanoutEvents=100]`; writes
 * docs/benchmarks.md (section "live").
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { instanceKeyOf, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { startCollector, type RunningCollector } from '../collector/src/main/start-collector.ts';
import { parseConfig } from '../collector/src/main/config/config.ts';
import { startEmbedded, type RunningEmbedded } from '../collector/src/main/start-embedded.ts';
import { DEFAULT_LIVE_POLL_MS } from '../collector/src/app/live/live-hub.ts';
import { seededRandom } from '../collector/src/tools/demo/random.ts';
import { createLogger } from '../collector/src/shared/logger.ts';
import { ElasticsearchEventStore } from '../collector/src/adapters/elasticsearch/es-event-store.ts';
import { SqliteEventStore } from '../collector/src/adapters/sqlite/sqlite-event-store.ts';
import { makeEvent } from '../collector/test/helpers/events.ts';
import { collectorTestEnv, createTopics } from '../collector/test/helpers/servers.ts';
import { connectSuiteServers } from '../collector/test/helpers/suite-servers.ts';
import { parseFrame } from '../collector/test/live/sse-client.ts';
import { machine, percentile, writeSection } from './report.ts';

const EVENTS = Number(process.argv[2] ?? 300);
const FANOUT_EVENTS = Number(process.argv[3] ?? 100);
const FANOUT_CLIENTS = [1, 10, 100];
/** Mean gap between two sends (each gap uniform in 0.5–1.5 × the mean). */
const EMBEDDED_GAP_MS = 100;
const KAFKA_GAP_MS = 250;
/** Idle window in which the reads of the fan-out cases are counted without traffic. */
const IDLE_MS = 10_000;
/** An instance whose change has not arrived by then counts as missed. */
const TIMEOUT_MS = 30_000;
const READABLE_POLL_MS = 5;
const SEARCHABLE_POLL_MS = 20;
const PROCESS = 'live-bench';

const logger = createLogger('error');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- counting the poller's reads -------------------------------------------------------

/** When each read of the change feed started (`performance.now()`). */
const reads: number[] = [];
for (const proto of [SqliteEventStore.prototype, ElasticsearchEventStore.prototype]) {
  const original = proto.instanceChanges;
  proto.instanceChanges = function (this: typeof proto, after, limit) {
    reads.push(performance.now());
    return original.call(this, after, limit);
  };
}

/**
 * Reads per second in [from, to]: the reads after the first one of the window over the
 * time from the first to the last (a window's edges would otherwise add ±1 read).
 */
function readRate(from: number, to: number): number {
  const inWindow = reads.filter((t) => t >= from && t <= to);
  const first = inWindow[0];
  const last = inWindow.at(-1);
  if (first === undefined || last === undefined || last === first) return NaN;
  return ((inWindow.length - 1) * 1000) / (last - first);
}

// ---- statistics ------------------------------------------------------------------------

interface Summary {
  n: number;
  p50: number;
  p95: number;
  max: number;
}

/** Nearest-rank percentiles of `samples` (ms). */
function summarize(samples: readonly number[]): Summary {
  const max = samples.length === 0 ? NaN : Math.max(...samples);
  const [p50, p95] = [percentile(samples, 0.5), percentile(samples, 0.95)];
  return { n: samples.length, p50, p95, max };
}

// ---- a stream client that timestamps frames --------------------------------------------

/** Arrival times of keys (ms, `performance.now()`), awaitable per key. */
class Arrivals {
  private readonly seen = new Map<string, number>();
  private readonly waiters = new Map<string, ((at: number) => void)[]>();

  note(key: string, at: number): void {
    if (this.seen.has(key)) return;
    this.seen.set(key, at);
    for (const resolve of this.waiters.get(key) ?? []) resolve(at);
    this.waiters.delete(key);
  }

  /** When `key` arrived (or arrives), undefined after `TIMEOUT_MS`. */
  of(key: string): Promise<number | undefined> {
    const at = this.seen.get(key);
    if (at !== undefined) return Promise.resolve(at);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), TIMEOUT_MS);
      const list = this.waiters.get(key) ?? [];
      list.push((t) => {
        clearTimeout(timer);
        resolve(t);
      });
      this.waiters.set(key, list);
    });
  }
}

/** One `GET /api/live` stream: the arrival of every key its `change` frames name. */
class LiveListener {
  readonly arrivals = new Arrivals();
  readonly ready: Promise<void>;
  private markReady!: () => void;
  private buffer = '';

  private constructor(private readonly response: IncomingMessage) {
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => this.take(chunk, performance.now()));
  }

  static open(url: string): Promise<LiveListener> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(`${url}/api/live`, { headers: { accept: 'text/event-stream' } });
      req.once('response', (res) => {
        if (res.statusCode !== 200) reject(new Error(`GET /api/live: ${res.statusCode}`));
        else resolve(new LiveListener(res));
      });
      req.once('error', reject);
      req.end();
    });
  }

  close(): void {
    this.response.destroy();
  }

  private take(chunk: string, at: number): void {
    this.buffer += chunk.replace(/\r\n?/g, '\n');
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const frame = parseFrame(this.buffer.slice(0, end));
      this.buffer = this.buffer.slice(end + 2);
      if (frame.event === 'ready') this.markReady();
      if (frame.event === 'change' && frame.data !== undefined) {
        const change = JSON.parse(frame.data) as { instances: string[] };
        for (const key of change.instances) this.arrivals.note(key, at);
      }
    }
  }
}

async function openListeners(url: string, count: number): Promise<LiveListener[]> {
  const listeners: LiveListener[] = [];
  for (let i = 0; i < count; i += 1) listeners.push(await LiveListener.open(url));
  await Promise.all(listeners.map((l) => l.ready));
  return listeners;
}

// ---- sending -------------------------------------------------------------------------

let instanceNo = 0;

function newInstance(tag: string): { event: FlowtrailEvent; key: string } {
  instanceNo += 1;
  const event = makeEvent({
    type: 'flowtrail.process.started',
    process: PROCESS,
    instance: `${tag}-${instanceNo}`,
    time: new Date().toISOString(),
  });
  return { event, key: instanceKeyOf(event) };
}

async function post(url: string, event: FlowtrailEvent): Promise<void> {
  const response = await fetch(`${url}/api/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/cloudevents+json' },
    body: JSON.stringify(event),
  });
  const body = await response.text();
  if (response.status !== 202) throw new Error(`POST /api/events: ${response.status} ${body}`);
}

/**
 * Sends `count` events one at a time at a steady jittered pace (mean gap `gapMs`; the next
 * send waits for the previous 202), and gathers what `measure` resolves for each.
 */
async function paced<T>(
  count: number,
  gapMs: number,
  seed: number,
  measure: (i: number) => { posted: Promise<void>; done: Promise<T> },
): Promise<T[]> {
  // Seeded (demo/random.ts): every run paces its sends the same way.
  const random = seededRandom(seed).next;
  const results: Promise<T>[] = [];
  let next = performance.now();
  for (let i = 0; i < count; i += 1) {
    const wait = next - performance.now();
    if (wait > 0) await sleep(wait);
    const one = measure(i);
    results.push(one.done);
    await one.posted;
    next += gapMs * (0.5 + random());
  }
  return Promise.all(results);
}

/** Milliseconds from `t0` to an arrival, or undefined when it never came. */
const since = (t0: number, at: number | undefined): number | undefined =>
  at === undefined ? undefined : at - t0;

function defined(values: (number | undefined)[]): { ok: number[]; missed: number } {
  const ok = values.filter((v): v is number => v !== undefined);
  return { ok, missed: values.length - ok.length };
}

// ---- a: embedded -------------------------------------------------------------------------

interface Row {
  what: string;
  summary: Summary;
  missed: number;
}

async function embeddedLatency(app: RunningEmbedded): Promise<Row[]> {
  const url = app.api.url;
  const [listener] = await openListeners(url, 1);
  const samples = await paced(EVENTS, EMBEDDED_GAP_MS, 1, () => {
    const { event, key } = newInstance('a');
    const arrival = listener!.arrivals.of(key);
    const t0 = performance.now();
    const posted = post(url, event).then(() => performance.now() - t0);
    return {
      posted: posted.then(() => undefined),
      done: Promise.all([posted, arrival.then((at) => since(t0, at))]),
    };
  });
  listener!.close();
  const live = defined(samples.map(([, live]) => live));
  return [
    {
      what: 'baseline: POST /api/events round trip (202 = stored)',
      summary: summarize(samples.map(([rtt]) => rtt)),
      missed: 0,
    },
    { what: '`change` naming the instance on the open stream', ...split(live) },
  ];
}

function split(values: { ok: number[]; missed: number }): { summary: Summary; missed: number } {
  return { summary: summarize(values.ok), missed: values.missed };
}

// ---- b: Kafka mode -------------------------------------------------------------------------

/** Polls `GET /api/instances/:key` until 200; resolves with the time of that answer. */
async function readable(url: string, key: string): Promise<number | undefined> {
  const deadline = performance.now() + TIMEOUT_MS;
  while (performance.now() < deadline) {
    const response = await fetch(`${url}/api/instances/${encodeURIComponent(key)}`);
    await response.arrayBuffer();
    if (response.status === 200) return performance.now();
    await sleep(READABLE_POLL_MS);
  }
  return undefined;
}

/** One search loop for all instances in flight: the newest 100 of the process, every 20 ms. */
function watchSearchable(url: string): { arrivals: Arrivals; stop: () => Promise<void> } {
  const arrivals = new Arrivals();
  let running = true;
  const query = `process=${PROCESS}&sort=lastEventAt&order=desc&size=100`;
  const loop = (async () => {
    while (running) {
      const response = await fetch(`${url}/api/instances?${query}`);
      const at = performance.now();
      const page = (await response.json()) as { instances?: { key: string }[] };
      for (const state of page.instances ?? []) arrivals.note(state.key, at);
      await sleep(SEARCHABLE_POLL_MS);
    }
  })();
  return {
    arrivals,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

async function kafkaLatency(a: string, b: string): Promise<Row[]> {
  const [listener] = await openListeners(a, 1);
  const search = watchSearchable(a);
  const samples = await paced(EVENTS, KAFKA_GAP_MS, 2, () => {
    const { event, key } = newInstance('b');
    const live = listener!.arrivals.of(key);
    const searchable = search.arrivals.of(key);
    const t0 = performance.now();
    const posted = post(b, event).then(() => performance.now() - t0);
    return {
      posted: posted.then(() => undefined),
      done: Promise.all([
        posted,
        readable(a, key).then((at) => since(t0, at)),
        searchable.then((at) => since(t0, at)),
        live.then((at) => since(t0, at)),
      ]),
    };
  });
  await search.stop();
  listener!.close();
  const column = (i: 1 | 2 | 3) => split(defined(samples.map((s) => s[i])));
  return [
    {
      what: 'baseline: POST /api/events round trip on B (202 = stored)',
      summary: summarize(samples.map(([rtt]) => rtt)),
      missed: 0,
    },
    {
      what: `baseline: readable on A, \`GET /api/instances/:key\` (real-time get, polled every ${READABLE_POLL_MS} ms)`,
      ...column(1),
    },
    {
      what: `baseline: searchable on A, \`GET /api/instances?process=…\` (polled every ${SEARCHABLE_POLL_MS} ms)`,
      ...column(2),
    },
    { what: "`change` naming the instance on A's stream", ...column(3) },
  ];
}

// ---- c: fan-out ------------------------------------------------------------------------

interface FanoutRow {
  mode: string;
  clients: number;
  idleReadsPerSec: number;
  busyReadsPerSec: number;
  eventsPerSec: number;
  delivery: Summary;
  missed: number;
}

async function fanout(
  mode: string,
  listenOn: string,
  postTo: string,
  gapMs: number,
): Promise<FanoutRow[]> {
  const rows: FanoutRow[] = [];
  for (const clients of FANOUT_CLIENTS) {
    const listeners = await openListeners(listenOn, clients);
    const idleFrom = performance.now();
    await sleep(IDLE_MS);
    const t0 = performance.now();
    const idleReadsPerSec = readRate(idleFrom, t0);
    const samples = await paced(FANOUT_EVENTS, gapMs, 3 + clients, () => {
      const { event, key } = newInstance(`c${clients}`);
      const arrivals = listeners.map((l) => l.arrivals.of(key));
      const sent = performance.now();
      const posted = post(postTo, event);
      return {
        posted,
        done: Promise.all(arrivals).then((ats) => ats.map((at) => since(sent, at))),
      };
    });
    const t1 = performance.now();
    const seconds = (t1 - t0) / 1000;
    const busyReadsPerSec = readRate(t0, t1);
    for (const listener of listeners) listener.close();
    const delivered = defined(samples.flat());
    rows.push({
      mode,
      clients,
      idleReadsPerSec,
      busyReadsPerSec,
      eventsPerSec: FANOUT_EVENTS / seconds,
      delivery: summarize(delivered.ok),
      missed: delivered.missed,
    });
    console.log(`fan-out ${mode} ${clients}: ${JSON.stringify(rows.at(-1))}`);
    await sleep(1_500); // let the server see the streams go (the poller stops)
  }
  return rows;
}

// ---- main ------------------------------------------------------------------------------

async function runEmbedded(): Promise<{ latency: Row[]; fanout: FanoutRow[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'flowtrail-bench-live-'));
  const app = await startEmbedded({
    dataDir: dir,
    http: { host: '127.0.0.1', port: 0 },
    logger,
  });
  try {
    const latency = await embeddedLatency(app);
    console.log('embedded:', latency);
    const rows = await fanout('embedded', app.api.url, app.api.url, EMBEDDED_GAP_MS);
    return { latency, fanout: rows };
  } finally {
    await app.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

function apiOf(collector: RunningCollector): string {
  const url = collector.api?.url;
  if (url === undefined) throw new Error('collector without an HTTP API');
  return url;
}

async function runKafka(): Promise<{ latency: Row[]; fanout: FanoutRow[] }> {
  const name = `ft-bench-live-${randomBytes(3).toString('hex')}`;
  const topic = `${name}.events`;
  const servers = await connectSuiteServers(name);
  let a: RunningCollector | undefined;
  let b: RunningCollector | undefined;
  try {
    await createTopics(servers.admin, [topic], 2);
    const config = parseConfig(
      collectorTestEnv(name, { FLOWTRAIL_LIVE_POLL_MS: String(DEFAULT_LIVE_POLL_MS) }),
    );
    a = await startCollector(config, { logger: logger.child({ collector: 'a' }) });
    b = await startCollector(config, { logger: logger.child({ collector: 'b' }) });
    const latency = await kafkaLatency(apiOf(a), apiOf(b));
    console.log('kafka:', latency);
    const rows = await fanout('Kafka mode, A (posts to B)', apiOf(a), apiOf(b), KAFKA_GAP_MS);
    return { latency, fanout: rows };
  } finally {
    await Promise.all([a?.stop(), b?.stop()]);
    await servers.release([topic], [name]);
  }
}

const ms = (v: number): string => (Number.isNaN(v) ? '–' : v.toFixed(v < 10 ? 1 : 0));

function latencyTable(rows: Row[]): string[] {
  return [
    '| measured from the POST | samples | p50 | p95 | max |',
    '|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.what} | ${r.summary.n}${r.missed > 0 ? ` (${r.missed} missed)` : ''} | ` +
        `${ms(r.summary.p50)} ms | ${ms(r.summary.p95)} ms | ${ms(r.summary.max)} ms |`,
    ),
  ];
}

function fanoutTable(rows: FanoutRow[]): string[] {
  return [
    '| server | streams | reads/s idle | reads/s with traffic (events/s) | deliveries | p50 | p95 | max |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.mode} | ${r.clients} | ${r.idleReadsPerSec.toFixed(2)} | ` +
        `${r.busyReadsPerSec.toFixed(2)} (${r.eventsPerSec.toFixed(1)}) | ` +
        `${r.delivery.n.toLocaleString('en')}${r.missed > 0 ? ` (${r.missed} missed)` : ''} | ` +
        `${ms(r.delivery.p50)} ms | ${ms(r.delivery.p95)} ms | ${ms(r.delivery.max)} ms |`,
    ),
  ];
}

/** One line comparing the fewest and the most streams of a mode. */
function fanoutSummary(rows: FanoutRow[], mode: string): string {
  const few = rows[0];
  const many = rows.at(-1);
  if (few === undefined || many === undefined) return '';
  return (
    `${mode}, ${few.clients} → ${many.clients} streams: idle reads ` +
    `${few.idleReadsPerSec.toFixed(2)} → ${many.idleReadsPerSec.toFixed(2)}/s, delivery p50 ` +
    `${ms(few.delivery.p50)} → ${ms(many.delivery.p50)} ms, p95 ${ms(few.delivery.p95)} → ` +
    `${ms(many.delivery.p95)} ms.`
  );
}

async function main(): Promise<void> {
  const loadBefore = loadavg()[0] ?? 0;
  const embedded = await runEmbedded();
  const kafka = await runKafka();
  const loadAfter = loadavg()[0] ?? 0;

  const p50 = (rows: Row[], i: number): number => rows[i]?.summary.p50 ?? NaN;
  const liveOverSearch = p50(kafka.latency, 3) - p50(kafka.latency, 2);
  const section = [
    '## Live channel (`GET /api/live`: write → `change` frame)',
    '',
    `${new Date().toISOString().slice(0, 10)} · ${machine()}, shared machine (load average ` +
      `${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after the run) · Kafka and ` +
      'Elasticsearch from `flowtrail infra up` on the same machine (single node each) · ' +
      `poll interval ${DEFAULT_LIVE_POLL_MS} ms (the default) · ` +
      `\`npx tsx bench/live.bench.ts ${EVENTS} ${FANOUT_EVENTS}\``,
    '',
    `Each event starts a new instance and is posted alone (\`POST /api/events\`), one at a ` +
      `time at a steady pace with jitter (mean gap ${EMBEDDED_GAP_MS} ms embedded, ` +
      `${KAFKA_GAP_MS} ms Kafka mode), so sends land at every phase of the poll interval. ` +
      'Latency runs from the start of the POST to the arrival of the first `change` frame ' +
      'naming the instance. Servers and stream clients share one Node process.',
    '',
    `**Embedded mode** (\`startEmbedded\`, SQLite), ${EVENTS} events: post and listen on ` +
      "the same server; the server's own write nudges the poller (read 25 ms later).",
    '',
    ...latencyTable(embedded.latency),
    '',
    `**Kafka mode**, ${EVENTS} events: two collectors share Kafka and Elasticsearch; ` +
      'events are posted to collector B, the stream is open on collector A, which learns ' +
      "of B's writes only from its poller's search on `_seq_no`. `GET /api/instances/:key` " +
      'is a real-time get (it sees the write as soon as B stored it, without a refresh); ' +
      'the search, like the change feed, sees it only after the next Elasticsearch refresh ' +
      '(1 s).',
    '',
    ...latencyTable(kafka.latency),
    '',
    `On A the change arrives ${ms(liveOverSearch)} ms (p50) after the instance became ` +
      'searchable: the wait for the next poll (at most one interval). Embedded mode is ' +
      'bounded by the nudge delay and one read, not by the interval.',
    '',
    `**Fan-out**: 1, 10 and 100 streams open on one server; reads of the change feed ` +
      `counted over ${IDLE_MS / 1000} s without traffic, then while ${FANOUT_EVENTS} events ` +
      'are posted at the pace above (rate: reads after the first of the window over the ' +
      'time from the first to the last; a read every 1000 ms plus its own duration is ' +
      'slightly under 1/s); a delivery is one stream receiving the `change` of one ' +
      "event. Embedded: every POST nudges the poller, so reads follow the write rate; A's " +
      "poller is never nudged (the writes are B's).",
    '',
    ...fanoutTable([...embedded.fanout, ...kafka.fanout]),
    '',
    fanoutSummary(embedded.fanout, 'Embedded'),
    '',
    fanoutSummary(kafka.fanout, 'Kafka mode (A)'),
  ].join('\n');
  writeSection('live', section);
  console.log(section);
}

await main();
