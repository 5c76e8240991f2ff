/**
 * Large batches never stall other requests (issue 10, item 4): the latency of
 * `GET /api/health` and of representative reads while the largest allowed batches
 * (`DEFAULT_HTTP_GUARD.maxEventsPerRequest`, 10,000 events) are ingested, against the same
 * reads with no ingest running, in the same run.
 *
 * `flowtrail up --no-dashboard` (embedded API on SQLite, detection on, default settings) as
 * a child process on a temp data dir and a free port, so the server has its event loop to
 * itself; the bench process only sends. Then:
 *  1. history: `history` events (10 per order instance, 5 % of them left waiting past
 *     their deadline, so the sweeper raises stuck alerts) posted in batches of 10,000;
 *  2. every request body of the phases below is built before any measurement (building
 *     a 10,000-event body would block the bench's own event loop and count as latency);
 *  3. three phases, the same probes running during each:
 *      - baseline: no ingest, `BASELINE_MS`;
 *      - sequential: one client posts `rounds` batches of 10,000 new events back to back;
 *      - concurrent: `clients` clients do the same at once;
 *     probes, one loop per read, each starting a request every `PROBE_MS` (waiting for
 *     the previous one): `GET /api/health`; instance search by business key
 *     (`GET /api/instances?businessKey=…`, a random history order); an instance's
 *     timeline (`GET /api/instances/:key/timeline`, random); the open alerts list
 *     (`GET /api/alerts?status=firing,acknowledged,silenced&size=100`, as the dashboard's
 *     alerts page). A request that takes longer than the interval also records the
 *     requests the loop could not start meanwhile (HdrHistogram's coordinated-omission
 *     correction: L − PROBE_MS, L − 2·PROBE_MS, …), so a stall weighs as it would on a
 *     client that does not wait. Nearest-rank p50 / p95 / p99 / max.
 * The bench's own event-loop delay is recorded too (it must stay small for the numbers
 * to be the server's).
 *
 * Run: `npx tsx bench/ingest-isolation.bench.ts [history=100000] [rounds=5] [clients=3]`
 * (like every bench here: no npm script); writes docs/benchmarks.md (section
 * "ingest-isolation").
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DEFAULT_MAX_BODY_BYTES } from '../collector/src/adapters/http/http-config.ts';
import { PIECEWISE_MIN_BYTES } from '../collector/src/adapters/http/batch-pieces.ts';
import { ATOMIC_WRITER_CHUNK } from '../collector/src/app/ingest/event-ingest.ts';
import { seededRandom, type Random } from '../collector/src/tools/demo/random.ts';
import { freePort, ROOT, start, stop, waitFor } from '../dashboard/e2e/harness.ts';
import { machine, percentile, writeSection } from './report.ts';
import { BATCH, bodies, lastOrderNo, PER_INSTANCE } from './order-bodies.ts';

const HISTORY = Number(process.argv[2] ?? 100_000);
const ROUNDS = Number(process.argv[3] ?? 5);
const CLIENTS = Number(process.argv[4] ?? 3);
const BASELINE_MS = 10_000;
/** Batches of the phase with large events (bodies near the body limit). */
const LARGE_ROUNDS = 3;
/** Each probe loop starts a request this often (when the previous one has answered). */
const PROBE_MS = 15;
/** Detection has settled when the live watermark stayed the same this long. */
const QUIET_MS = 6_000;
/** No bundled definition (`flowtrail up` loads the demo's for order-fulfilment & co.). */
const PROCESS = 'checkout';
const CLI = 'collector/bin/flowtrail.js';
const ENV = { FLOWTRAIL_API_KEY: '', LOG_LEVEL: 'warn' };
const BATCH_TYPE = 'application/cloudevents-batch+json';

// ---- requests --------------------------------------------------------------------------

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  const text = await res.text();
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${text.slice(0, 200)}`);
  return JSON.parse(text) as T;
}

/** Posts one batch; resolves with its round trip once the 202 says all were accepted. */
/** Network errors retried (a kept-alive connection the server closed as it was reused). */
let networkRetries = 0;

/** `fetch` and the body's bytes, retried up to 3 times on a network error. */
async function fetchRetrying(url: string, init?: RequestInit) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const res = await fetch(url, init);
      return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
    } catch (err) {
      if (attempt >= 3) throw err;
      networkRetries += 1;
    }
  }
}

async function postBatch(api: string, body: Buffer): Promise<number> {
  const t0 = performance.now();
  const res = await fetchRetrying(`${api}/api/events`, {
    method: 'POST',
    headers: { 'content-type': BATCH_TYPE },
    body,
  });
  const text = res.bytes.toString();
  const ms = performance.now() - t0;
  if (res.status !== 202) throw new Error(`POST /api/events: ${res.status} ${text.slice(0, 300)}`);
  const outcome = JSON.parse(text) as { accepted: number; rejected: unknown[] };
  if (outcome.accepted !== BATCH || outcome.rejected.length > 0) {
    throw new Error(`POST /api/events: ${text.slice(0, 300)}`);
  }
  return ms;
}

interface Probe {
  name: string;
  /** The request path, new for each request. */
  path: () => string;
}

function probes(rng: Random, keys: readonly string[], orders: readonly number[]): Probe[] {
  const seg = encodeURIComponent;
  return [
    { name: '`GET /api/health`', path: () => '/api/health' },
    {
      name: 'search by business key (`GET /api/instances?businessKey=…`)',
      path: () => `/api/instances?businessKey=${seg(`ORD-${rng.pick(orders)}`)}`,
    },
    {
      name: 'timeline (`GET /api/instances/:key/timeline`)',
      path: () => `/api/instances/${seg(rng.pick(keys))}/timeline`,
    },
    {
      name: 'open alerts (`GET /api/alerts?status=…&size=100`)',
      path: () => '/api/alerts?status=firing,acknowledged,silenced&size=100',
    },
  ];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs every probe in its own loop until `done` settles; the latencies (ms) per probe. */
async function probeWhile(api: string, list: readonly Probe[], done: Promise<unknown>) {
  let running = true;
  // Settles (never rejects) when `done` does; the caller awaits `done` for its error.
  const stopped = done.then(
    () => (running = false),
    () => (running = false),
  );
  const loop = async (probe: Probe): Promise<{ samples: number[]; raw: number }> => {
    const samples: number[] = [];
    let raw = 0;
    while (running) {
      const t0 = performance.now();
      const res = await fetchRetrying(api + probe.path());
      const latency = performance.now() - t0;
      if (res.status !== 200) throw new Error(`GET ${probe.path()}: ${res.status}`);
      raw += 1;
      samples.push(latency);
      // Coordinated omission: the requests a client on a fixed schedule would have sent.
      for (let missed = latency - PROBE_MS; missed > 0; missed -= PROBE_MS) samples.push(missed);
      await sleep(Math.max(0, PROBE_MS - latency));
    }
    return { samples, raw };
  };
  const results = await Promise.all(list.map(loop));
  await stopped;
  return results;
}

/** Waits until the live watermark (events and alerts changed) stays put for `QUIET_MS`. */
async function settled(api: string): Promise<void> {
  let last = '';
  let since = performance.now();
  await waitFor(
    'detection to settle',
    async () => {
      const mark = await fetch(`${api}/api/live/watermark`).then((r) => r.text());
      if (mark !== last) [last, since] = [mark, performance.now()];
      return performance.now() - since >= QUIET_MS;
    },
    180_000,
  );
}

// ---- phases ----------------------------------------------------------------------------

interface Stats {
  n: number;
  raw: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

function stats(samples: readonly number[], raw: number): Stats {
  return {
    n: samples.length,
    raw,
    p50: percentile(samples, 0.5),
    p95: percentile(samples, 0.95),
    p99: percentile(samples, 0.99),
    max: samples.reduce((a, b) => Math.max(a, b), 0),
  };
}

interface Phase {
  name: string;
  /** Per probe, in the order of `probes()`. */
  reads: Stats[];
  wallMs: number;
  events: number;
  posts: number[];
  /** The bench process's own event-loop delay, p99 / max (ms). */
  benchLag: { p99: number; max: number };
}

async function phase(
  name: string,
  api: string,
  list: readonly Probe[],
  clients: readonly Buffer[][],
): Promise<Phase> {
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const posts: number[] = [];
  const t0 = performance.now();
  const work =
    clients.length === 0
      ? sleep(BASELINE_MS)
      : Promise.all(
          clients.map(async (batches) => {
            for (const body of batches) posts.push(await postBatch(api, body));
          }),
        );
  const results = await probeWhile(api, list, work);
  await work;
  const wallMs = performance.now() - t0;
  lag.disable();
  const phaseResult: Phase = {
    name,
    reads: results.map((r) => stats(r.samples, r.raw)),
    wallMs,
    events: clients.reduce((n, c) => n + c.length * BATCH, 0),
    posts,
    benchLag: { p99: lag.percentile(99) / 1e6, max: lag.max / 1e6 },
  };
  console.log(name, JSON.stringify(phaseResult.reads.map((r) => [r.p50, r.p99, r.max])));
  return phaseResult;
}

// ---- report ----------------------------------------------------------------------------

const ms = (v: number): string => (Number.isNaN(v) ? '–' : `${v.toFixed(v < 10 ? 1 : 0)} ms`);

function table(list: readonly Probe[], phases: readonly Phase[]): string[] {
  const rows: string[] = [
    '| read | phase | requests (with correction) | p50 | p95 | p99 | max |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const [i, probe] of list.entries()) {
    for (const p of phases) {
      const s = p.reads[i] as Stats;
      rows.push(
        `| ${probe.name} | ${p.name} | ${s.raw.toLocaleString('en')} (${s.n.toLocaleString('en')}) | ` +
          `${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.p99)} | ${ms(s.max)} |`,
      );
    }
  }
  return rows;
}

interface HistoryLoad {
  batches: number;
  ms: number;
  posts: number[];
}

function ingestRows(history: HistoryLoad, phases: readonly Phase[]): string[] {
  return [
    '| phase | batches | events/s (wall) | POST round trip p50 / max | bench event-loop delay p99 / max |',
    '|---|---|---|---|---|',
    `| history, before the phases: ingest alone, no probes | ${history.batches} | ` +
      `${Math.round((history.batches * BATCH) / (history.ms / 1000)).toLocaleString('en')} | ` +
      `${ms(percentile(history.posts, 0.5))} / ${ms(Math.max(...history.posts))} | – |`,
    ...phases.map(
      (p) =>
        `| ${p.name} | ${p.posts.length} | ` +
        `${p.events === 0 ? '–' : Math.round(p.events / (p.wallMs / 1000)).toLocaleString('en')} | ` +
        `${p.posts.length === 0 ? '–' : `${ms(percentile(p.posts, 0.5))} / ${ms(Math.max(...p.posts))}`} | ` +
        `${ms(p.benchLag.p99)} / ${ms(p.benchLag.max)} |`,
    ),
  ];
}

// ---- run -------------------------------------------------------------------------------

async function main(): Promise<void> {
  const rng = seededRandom('ingest-isolation');
  const dataDir = await mkdtemp(join(tmpdir(), 'flowtrail-bench-isolation-'));
  const port = await freePort();
  const api = `http://127.0.0.1:${port}`;
  const child = start(
    'flowtrail up',
    process.execPath,
    [CLI, 'up', '--no-dashboard', '--data-dir', dataDir, '--port', `${port}`],
    ROOT,
    ENV,
  );
  try {
    await waitFor('the API', async () => (await fetch(`${api}/api/health`)).ok, 60_000, child);

    // 1. history
    const firstOrder = lastOrderNo() + 1;
    const history = bodies(rng, 'h', Math.ceil(HISTORY / BATCH), { stuckShare: 0.05 });
    const historyBytes = history.reduce((n, b) => n + b.length, 0);
    const historyStart = performance.now();
    const historyPosts: number[] = [];
    for (const body of history) historyPosts.push(await postBatch(api, body));
    const historyMs = performance.now() - historyStart;
    const orders = Array.from({ length: lastOrderNo() - firstOrder + 1 }, (_, i) => firstOrder + i);
    const page = await getJson<{ total: number; instances: { key: string }[] }>(
      `${api}/api/instances?process=${PROCESS}&size=100`,
    );
    const keys = page.instances.map((i) => i.key);
    await settled(api);
    const alerts = (await getJson<{ total: number }>(`${api}/api/alerts?size=1`)).total;
    console.log(
      `history: ${HISTORY} events in ${(historyMs / 1000).toFixed(1)} s; ${page.total} instances, ${alerts} alerts`,
    );

    // 2. the bodies of the measured phases, built before measuring
    const sequential = [bodies(rng, 's', ROUNDS)];
    const concurrent = Array.from({ length: CLIENTS }, (_, c) => bodies(rng, `c${c}-`, ROUNDS));
    const large = [bodies(rng, 'l', LARGE_ROUNDS, { large: true })];
    const bodyBytes = (sequential[0]?.[0]?.length ?? 0) / BATCH;
    const largeBytes = (large[0]?.[0]?.length ?? 0) / BATCH;

    // 3. phases
    const list = probes(rng, keys, orders);
    const loads = [loadavg()[0] ?? 0];
    const phases = [
      await phase('baseline: no ingest', api, list, []),
      await phase(`sequential: 1 client × ${ROUNDS} batches`, api, list, sequential),
      await phase(`concurrent: ${CLIENTS} clients × ${ROUNDS} batches`, api, list, concurrent),
      await phase(`large events: 1 client × ${LARGE_ROUNDS} batches`, api, list, large),
    ];
    loads.push(loadavg()[0] ?? 0);
    const total = (await getJson<{ total: number }>(`${api}/api/instances?size=1`)).total;
    const alertsAfter = (await getJson<{ total: number }>(`${api}/api/alerts?size=1`)).total;

    const section = [
      '## Ingest isolation (largest batches vs. health and reads, embedded mode)',
      '',
      `${new Date().toISOString().slice(0, 10)} · ${machine()}, shared machine (load average ` +
        `${loads[0]?.toFixed(1)} before, ${loads[1]?.toFixed(1)} after the phases) · ` +
        '`flowtrail up --no-dashboard` (SQLite, detection on, default settings) as a child ' +
        'process on the same machine · ' +
        `history ${HISTORY.toLocaleString('en')} events (${(historyBytes / 2 ** 20).toFixed(0)} MiB, ` +
        `${(historyMs / 1000).toFixed(1)} s to post), ${total.toLocaleString('en')} instances at the end, ` +
        `${alerts} alerts before the phases (${alertsAfter} after; stuck waits of the history) · ` +
        'measured once detection had settled (live watermark unchanged for ' +
        `${QUIET_MS / 1000} s) · \`npx tsx bench/ingest-isolation.bench.ts ${HISTORY} ${ROUNDS} ${CLIENTS}\``,
      '',
      `Each batch is the largest a request may carry: ${BATCH.toLocaleString('en')} events ` +
        `(\`DEFAULT_HTTP_GUARD.maxEventsPerRequest\`), ${PER_INSTANCE} per new order instance, ` +
        `≈ ${Math.round(bodyBytes)} bytes per event (${((bodyBytes * BATCH) / 2 ** 20).toFixed(1)} MiB per body). ` +
        `The phase "large events" posts the same shape with line items on every event, ` +
        `≈ ${Math.round(largeBytes)} bytes per event (${((largeBytes * BATCH) / 2 ** 20).toFixed(1)} MiB ` +
        `per body, the body limit is ${DEFAULT_MAX_BODY_BYTES / 2 ** 20} MiB). ` +
        'Bodies are built before measuring. During each phase four probe loops each start a ' +
        `request every ${PROBE_MS} ms (after the previous one answered): health, search by a ` +
        'random history order number, the timeline of a random instance, the open alerts. ' +
        'A request slower than the interval also counts the requests a fixed-schedule client ' +
        'would have sent meanwhile (coordinated-omission correction; "requests" counts the ' +
        'real ones). Baseline: the same probes for ' +
        `${BASELINE_MS / 1000} s without ingest. Target: health p99 ≤ 100 ms, reads p99 ≤ 250 ms.`,
      '',
      ...table(list, phases),
      '',
      ...ingestRows({ batches: history.length, ms: historyMs, posts: historyPosts }, phases),
      '',
      'How the API stays responsive (issue 10, item 4): a large request is stored in ' +
        `sub-batches of at most ${ATOMIC_WRITER_CHUNK.events} events and ` +
        `${ATOMIC_WRITER_CHUNK.bytes / 1024} KiB, each its own SQLite transaction (events and ` +
        'states together), one per turn of the event loop for all requests at once ' +
        '(`app/ingest/event-ingest.ts`), and a batch body over ' +
        `${PIECEWISE_MIN_BYTES / 2 ** 20} MiB is cut into its elements and parsed in pieces ` +
        'between turns (`adapters/http/batch-pieces.ts`); the 202 comes after the last ' +
        'sub-batch and is the one a single batch would give. Before that (one transaction ' +
        'per request, the body parsed whole) this benchmark gave, on the same machine at a ' +
        'load average of ≈ 2 (2026-12-03), health p99 1.7 s (sequential), 2.9 s ' +
        '(concurrent) and 2.3 s (large events), the reads the same. The price is ' +
        'throughput while reads are served: the loop is shared with them, and every ' +
        'sub-batch is a commit (the history row is ingest alone). The machine is shared ' +
        'with other work, so the no-ingest baseline moves from run to run; compare each ' +
        'phase with it.',
      '',
      `Requests retried after a network error (the bench retries up to 3 times; e.g. a kept-alive ` +
        `connection the server closed as it was reused): ${networkRetries}.`,
    ].join('\n');
    writeSection('ingest-isolation', section);
    console.log(section);
  } finally {
    await stop(child);
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
