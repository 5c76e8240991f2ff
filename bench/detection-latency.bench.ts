/**
 * Deadline → alert at many open instances, embedded mode (issue 11, item 6; target ≤ 2 s at
 * 1,000,000 open instances): how long after a step's deadline passes its stuck alert is
 * listed by `GET /api/alerts`.
 *
 *   npx tsx bench/detection-latency.bench.ts [sizes=1000,1000000] [probes=20] [loadBudgetS=300]
 *
 * Per size (the first, 1,000, is the baseline of the same run), in a fresh data directory:
 *  1. load: `size` open instance states of process `checkout` (waiting for a PSP callback,
 *     deadlines 1 to 30 days ahead, last activity two days ago), written straight through
 *     the SQLite store's `writeStates` in batches of 5,000, as bench/overdue.bench.ts does
 *     (ingesting the events would take far longer); stops early after `loadBudgetS`
 *     seconds, and the section then says how many were loaded;
 *  2. `flowtrail up --no-dashboard` on that directory as a child process (default
 *     detection settings: a sweep every 1 s start to start, limit 5,000), so the numbers
 *     are the product's;
 *  3. phase "after start": probes at once, while the start's walks run (every stored
 *     instance once through the catch-up walk and every open one through the deadline
 *     re-derivation, 5,000 per sweep each: docs/detection-runtime.md);
 *  4. phase "settled": once 4 sweeps were logged and none re-derived deadlines for 5 s
 *     (the deadline re-derivation walk is done; the sweep times are the child's debug log
 *     lines), or after BENCH_SETTLE_S (default 240) s — the same probes again.
 * A probe is a new instance posted as a user would (`POST /api/events`, one batch:
 * process.started, step.started, step.waiting with `data.deadline` = post time + 3 s);
 * probes start 1.0–1.6 s apart (seeded jitter), so the deadlines fall at every phase of
 * the sweep interval. Each is polled every 50 ms (`GET /api/alerts?instance=<key>`, the
 * polling resolution: the latencies are up to 50 ms plus one request late). Latency =
 * first poll that lists the alert − deadline (wall clock). Also reported: the alert's
 * `firstSeenAt` (the time of the sweep that fired it) − deadline, i.e. the wait for the
 * next sweep, without the sweep's own duration and the polling.
 * Writes docs/benchmarks.md (section "detection-latency").
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventTypes } from '@flowtrail/sdk/protocol';
import { loadOpenStates, PROCESS, SOURCE } from './open-states.ts';
import { seededRandom } from '../collector/src/tools/demo/random.ts';
import { freePort, ROOT, start, stop, waitFor, type Child } from '../dashboard/e2e/harness.ts';
import { cpuSeconds, memory } from './proc-stats.ts';
import { machine, percentile, writeSection } from './report.ts';

const SIZES = (process.argv[2] ?? '1000,1000000').split(',').map(Number);
const PROBES = Number(process.argv[3] ?? 20);
const LOAD_BUDGET_MS = Number(process.argv[4] ?? 300) * 1000;
const BATCH = 5_000;
const LEAD_MS = 3_000;
const POLL_MS = 50;
const PROBE_TIMEOUT_MS = 60_000;
/** How long phase 2 waits for the product to settle after phase 1 (then it runs anyway). */
const SETTLE_BUDGET_MS = Number(process.env.BENCH_SETTLE_S ?? 300) * 1000;
const CLI = 'collector/bin/flowtrail.js';

interface Alert {
  kind: string;
  firstSeenAt: string;
}

interface Probe {
  latencyMs: number;
  sweepWaitMs: number;
}

async function probe(api: string, name: string, child: Child): Promise<Probe> {
  const instance = `${name}-${randomUUID().slice(0, 8)}`;
  const postedAt = Date.now();
  const deadlineMs = postedAt + LEAD_MS;
  const at = (ms: number) => new Date(ms).toISOString();
  const base = { specversion: '1.0', source: SOURCE, ftprocess: PROCESS, ftinstance: instance };
  const events = [
    {
      ...base,
      id: randomUUID(),
      type: EventTypes.processStarted,
      time: at(postedAt),
      data: { businessKeys: { orderId: instance } },
    },
    {
      ...base,
      id: randomUUID(),
      type: EventTypes.stepStarted,
      time: at(postedAt),
      ftstep: 'take-payment',
      ftowner: 'team-payments',
      data: {},
    },
    {
      ...base,
      id: randomUUID(),
      type: EventTypes.stepWaiting,
      time: at(postedAt),
      ftstep: 'take-payment',
      ftowner: 'team-payments',
      data: { for: 'psp-callback', deadline: at(deadlineMs) },
    },
  ];
  const res = await fetch(`${api}/api/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/cloudevents-batch+json' },
    body: JSON.stringify(events),
  });
  if (res.status !== 202) throw new Error(`POST /api/events: ${res.status} ${await res.text()}`);
  const key = encodeURIComponent(`${SOURCE}/${PROCESS}/${instance}`);
  for (;;) {
    const polled = Date.now();
    const page = (await (await fetch(`${api}/api/alerts?instance=${key}`)).json()) as {
      alerts: Alert[];
    };
    const stuck = page.alerts.find((a) => a.kind === 'stuck');
    if (stuck !== undefined) {
      if (polled < deadlineMs) throw new Error(`${instance}: alert before its deadline`);
      return {
        latencyMs: Date.now() - deadlineMs,
        sweepWaitMs: Date.parse(stuck.firstSeenAt) - deadlineMs,
      };
    }
    if (polled - deadlineMs > PROBE_TIMEOUT_MS)
      throw new Error(`${instance}: no alert after ${PROBE_TIMEOUT_MS} ms`);
    if (child.proc.exitCode !== null)
      throw new Error(`flowtrail up exited: ${child.output.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS)); // the polling resolution
  }
}

/** `PROBES` probes, started 1.0–1.6 s apart, running concurrently. */
async function probes(api: string, name: string, child: Child): Promise<Probe[]> {
  const rng = seededRandom(name);
  const running: Promise<Probe>[] = [];
  for (let i = 0; i < PROBES; i++) {
    running.push(probe(api, `${name}-${i}`, child));
    if (i < PROBES - 1)
      await new Promise((resolve) => setTimeout(resolve, 1_000 + rng.int(0, 600))); // the probe schedule
  }
  return Promise.all(running);
}

interface Phase {
  name: string;
  results: Probe[];
  cpuS: number;
  wallMs: number;
  /** Gaps between consecutive sweeps (interval + the previous sweep's duration), ms. */
  sweepGaps: number[];
}

interface SizeResult {
  size: number;
  loaded: number;
  loadMs: number;
  startMs: number;
  /** Start → settled; undefined when it did not settle within SETTLE_BUDGET_MS. */
  idleMs: number | undefined;
  phases: Phase[];
  peakMiB: number;
}

/**
 * The times of the sweeps the child logs (`LOG_LEVEL=debug`: the sweeper logs each sweep
 * that found something, i.e. every sweep once a probe's alert is firing).
 */
function sweepTimes(child: Child): number[] & { rederivedAt?: number } {
  const times: number[] & { rederivedAt?: number } = [];
  let rest = '';
  child.proc.stdout?.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString()).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.includes('"msg":"sweep"')) continue;
      const entry = JSON.parse(line) as { at?: string; deadlinesRewritten?: number };
      const at = Date.parse(entry.at ?? '');
      if (Number.isNaN(at)) continue;
      times.push(at);
      if ((entry.deadlinesRewritten ?? 0) > 0) times.rederivedAt = performance.now();
    }
  });
  return times;
}

/** Ms until 4 more sweeps were logged and none re-derived deadlines for 5 s. */
async function settledSweeps(
  sweeps: number[] & { rederivedAt?: number },
  child: Child,
): Promise<number | undefined> {
  const started = performance.now();
  const from = sweeps.length;
  const quiet = () => performance.now() - (sweeps.rederivedAt ?? started) > 5_000;
  return waitFor(
    'the deadline walk done',
    async () => sweeps.length >= from + 4 && quiet() && performance.now() - started,
    SETTLE_BUDGET_MS,
    child,
  ).catch(() => undefined);
}

async function runSize(size: number): Promise<SizeResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'flowtrail-bench-detection-'));
  let child: Child | undefined;
  try {
    console.log(`size ${size}: loading`);
    const { loaded, ms: loadMs } = await loadOpenStates(dataDir, size, LOAD_BUDGET_MS);
    const port = await freePort();
    const api = `http://127.0.0.1:${port}`;
    const started = performance.now();
    const args = ['up', '--no-dashboard', '--data-dir', dataDir, '--port', `${port}`];
    const env = { FLOWTRAIL_API_KEY: '', LOG_LEVEL: 'debug' };
    child = start('flowtrail up', process.execPath, [CLI, ...args], ROOT, env);
    const up = child;
    const sweeps = sweepTimes(up);
    await waitFor('the API', async () => (await fetch(`${api}/api/health`)).ok, 120_000, up);
    const startMs = performance.now() - started;
    const pid = up.proc.pid as number;
    const phase = async (name: string): Promise<Phase> => {
      const cpu0 = cpuSeconds(pid);
      const t0 = performance.now();
      const from = Date.now();
      // Instance ids without spaces: key parts are URI-encoded (`x 2` → `x%202`).
      const results = await probes(api, `${size}-${name.replace(/[^a-z0-9]+/g, '-')}`, up);
      const inPhase = sweeps.filter((t) => t >= from);
      const sweepGaps = inPhase.slice(1).map((t, i) => t - (inPhase[i] as number));
      const p50 = percentile(
        results.map((r) => r.latencyMs),
        0.5,
      );
      console.log(`  ${name}: p50 ${p50} ms, sweep gap max ${Math.max(...sweepGaps)} ms`);
      return {
        name,
        results,
        cpuS: cpuSeconds(pid) - cpu0,
        wallMs: performance.now() - t0,
        sweepGaps,
      };
    };
    const afterStart = await phase('after start');
    // The walks at 1M take many sweeps: past the budget, measure anyway and say so.
    const idleMs = await settledSweeps(sweeps, up);
    const since = Math.round((performance.now() - started) / 1000);
    const settled = await phase(idleMs !== undefined ? 'settled' : `${since} s after start`);
    const peakMiB = memory(pid).peakMiB;
    return { size, loaded, loadMs, startMs, idleMs, phases: [afterStart, settled], peakMiB };
  } finally {
    if (child !== undefined) await stop(child);
    await rm(dataDir, { recursive: true, force: true });
  }
}

const ms = (v: number): string =>
  Math.abs(v) >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`;
const num = (n: number): string => n.toLocaleString('en');

function row(r: SizeResult, p: Phase): string {
  const lat = p.results.map((x) => x.latencyMs);
  const wait = p.results.map((x) => x.sweepWaitMs);
  const gaps =
    p.sweepGaps.length > 0
      ? `${ms(percentile(p.sweepGaps, 0.5))} / ${ms(Math.max(...p.sweepGaps))}`
      : '–';
  const size = `${num(r.loaded)}${r.size === SIZES[0] ? ' (baseline)' : ''}`;
  const cpu = `${Math.round((p.cpuS / (p.wallMs / 1000)) * 100)} %`;
  return `| ${size} | ${p.name} | ${lat.length} | ${ms(percentile(lat, 0.5))} | ${ms(percentile(lat, 0.95))} | ${ms(Math.max(...lat))} | ${ms(percentile(wait, 0.5))} / ${ms(Math.max(...wait))} | ${gaps} | ${cpu} |`;
}

async function main(): Promise<void> {
  const loads = [loadavg()[0] ?? 0];
  const results: SizeResult[] = [];
  for (const size of SIZES) results.push(await runSize(size));
  loads.push(loadavg()[0] ?? 0);
  const setup = results.map((r) => {
    const settled =
      r.idleMs === undefined
        ? `not within ${SETTLE_BUDGET_MS / 1000} s after phase 1`
        : `${(r.idleMs / 1000).toFixed(0)} s after phase 1`;
    return `| ${num(r.loaded)} | ${(r.loadMs / 1000).toFixed(1)} s | ${ms(r.startMs)} | ${settled} | ${r.peakMiB.toFixed(0)} MiB |`;
  });
  const short = results.filter((r) => r.loaded < r.size);
  const [first, last] = [results[0] as SizeResult, results[results.length - 1] as SizeResult];
  const lat = (r: SizeResult, i: number) => r.phases[i]?.results.map((x) => x.latencyMs) ?? [];
  const growth = (i: number, q: number) =>
    (percentile(lat(last, i), q) / percentile(lat(first, i), q)).toFixed(2);
  const section = [
    '## Detection latency (deadline → alert, embedded mode, issue 11, item 6)',
    '',
    `${new Date().toISOString().slice(0, 10)} · ${machine()}, shared machine (load average ${loads[0]?.toFixed(1)} before, ${loads[1]?.toFixed(1)} after) · \`flowtrail up --no-dashboard\` (SQLite, default detection settings: a sweep every 1 s start to start, at most 5,000 instances per query; \`LOG_LEVEL=debug\` for the sweep times) as a child process · \`npx tsx bench/detection-latency.bench.ts ${SIZES.join(',')} ${PROBES} ${LOAD_BUDGET_MS / 1000}\``,
    '',
    `Open instances (waiting, deadlines 1–30 days ahead) written straight into a fresh data directory through the store's \`writeStates\` (batches of ${num(BATCH)}), then the product started on it. A probe is a new instance posted with \`POST /api/events\` (started, step started, step waiting with \`data.deadline\` ${LEAD_MS / 1000} s after the post); ${PROBES} probes per phase, started 1.0–1.6 s apart. **Latency** = first \`GET /api/alerts?instance=…\` listing its stuck alert − deadline, polled every ${POLL_MS} ms: each value is up to ${POLL_MS} ms plus one request late (the measurement error). **Sweep wait** = the alert's \`firstSeenAt\` (the time of the sweep that fired it) − deadline. **Sweep gap** = time between consecutive sweeps' starts = 1 s, or the sweep's own duration when it overran. **After start**: probes as soon as the API answers, while the start's walks run (the catch-up over every stored instance and the deadline re-derivation over every open one, ${num(5000)} per sweep each: docs/detection-runtime.md). **Settled**: probes once no sweep re-derived deadlines for 5 s (the deadline walk is done), or — not settled — after ${SETTLE_BUDGET_MS / 1000} s of waiting for that. Baseline: ${num(first.loaded)} open instances, same run.`,
    short.length > 0
      ? `\n**Not the full size**: ${short.map((r) => `${num(r.loaded)} of ${num(r.size)} loaded within the ${LOAD_BUDGET_MS / 1000} s load budget`).join('; ')}.`
      : '',
    '',
    '| open instances | phase | probes | latency p50 | p95 | max | sweep wait p50 / max | sweep gap p50 / max | product CPU (of one core) |',
    '|---|---|---|---|---|---|---|---|---|',
    ...results.flatMap((r) => r.phases.map((p) => row(r, p))),
    '',
    '| open instances | load (`writeStates`) | start → API answers | settled | product peak RSS (VmHWM) |',
    '|---|---|---|---|---|',
    ...setup,
    '',
    `Target ≤ 2 s at 1,000,000 open instances; at ${num(last.loaded)}: p95 ${ms(percentile(lat(last, 1), 0.95))} (${last.phases[1]?.name}), ${ms(percentile(lat(last, 0), 0.95))} (after start). Growth from ${num(first.loaded)} to ${num(last.loaded)}, p50 / p95: ${growth(0, 0.5)}× / ${growth(0, 0.95)}× after start, ${growth(1, 0.5)}× / ${growth(1, 0.95)}× in phase 2.`,
  ].join('\n');
  writeSection('detection-latency', section);
  console.log(section);
}

await main();
