/**
 * Embedded ingest over HTTP (issue 11, item 3: target ≥ 20,000 events/s): `flowtrail up
 * --no-dashboard` (SQLite, default settings) as a child process on a temp data dir, one
 * client posting `events` events of new orders (order-bodies.ts, the bodies of
 * ingest-isolation.bench.ts) in batches of 10,000, back to back, nothing else running.
 * Events/s per batch (by the round trip of its POST) and over the whole run; the first
 * batch (into an empty store) is the baseline the later ones (the store growing) compare
 * with. Bodies are built before anything is measured.
 *
 *   npx tsx bench/http-ingest.bench.ts [events=100000] [quiet]
 *
 * `quiet`: one line on stdout, docs/benchmarks.md untouched (to compare two trees: run
 * each tree's copy of this file in turn). Otherwise writes section "http-ingest".
 * `BENCH_NODE_ARGS` (space-separated) go to the server's node, e.g. `--cpu-prof
 * --cpu-prof-dir=/tmp/prof` to profile it.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../collector/src/tools/demo/random.ts';
import { freePort, ROOT, start, stop, waitFor } from '../dashboard/e2e/harness.ts';
import { BATCH, bodies } from './order-bodies.ts';
import { machine, percentile, writeSection } from './report.ts';

const EVENTS = Number(process.argv[2] ?? 100_000);
const QUIET = process.argv[3] === 'quiet';
const CLI = 'collector/bin/flowtrail.js';
const ENV = { FLOWTRAIL_API_KEY: '', LOG_LEVEL: 'warn' };

async function post(api: string, body: Buffer): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${api}/api/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/cloudevents-batch+json' },
    body,
  });
  const text = await res.text();
  const ms = performance.now() - t0;
  const outcome = JSON.parse(text) as { accepted?: number; rejected?: unknown[] };
  if (res.status !== 202 || outcome.accepted !== BATCH || (outcome.rejected?.length ?? 0) > 0) {
    throw new Error(`POST /api/events: ${res.status} ${text.slice(0, 300)}`);
  }
  return ms;
}

async function main(): Promise<void> {
  const list = bodies(seededRandom('http-ingest'), 'h', Math.ceil(EVENTS / BATCH), {
    stuckShare: 0.05,
  });
  const dataDir = await mkdtemp(join(tmpdir(), 'flowtrail-bench-http-'));
  const port = await freePort();
  const api = `http://127.0.0.1:${port}`;
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const args = [
    ...nodeArgs,
    CLI,
    'up',
    '--no-dashboard',
    '--data-dir',
    dataDir,
    '--port',
    `${port}`,
  ];
  const child = start('flowtrail up', process.execPath, args, ROOT, ENV);
  try {
    await waitFor('the API', async () => (await fetch(`${api}/api/health`)).ok, 60_000, child);
    const load = loadavg()[0] ?? 0;
    const t0 = performance.now();
    const posts: number[] = [];
    for (const body of list) posts.push(await post(api, body));
    const seconds = (performance.now() - t0) / 1000;
    const rate = (list.length * BATCH) / seconds;
    const perBatch = posts.map((ms) => BATCH / (ms / 1000));
    const first = perBatch[0] ?? NaN;
    const later = perBatch.slice(1);
    const laterMedian = later.length === 0 ? NaN : percentile(later, 0.5);
    const status = await readFile(`/proc/${child.proc.pid}/status`, 'utf8').catch(() => '');
    const peakMiB = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
    const line =
      `${list.length * BATCH} events: ${Math.round(rate)} events/s over the run, first batch ` +
      `${Math.round(first)}, later batches median ${Math.round(laterMedian)} (load ${load.toFixed(2)}), server peak RSS ${Math.round(peakMiB)} MiB`;
    console.log(line);
    if (QUIET) return;
    const fmt = (n: number) => Math.round(n).toLocaleString('en');
    writeSection(
      'http-ingest',
      [
        '## Embedded ingest over HTTP (issue 11, item 3)',
        '',
        `${new Date().toISOString().slice(0, 10)} · ${machine()} · load average ${load.toFixed(2)} at the start · ` +
          `\`npx tsx bench/http-ingest.bench.ts ${EVENTS}\` · method: the bench's header comment. ` +
          'Target: ≥ 20,000 events/s.',
        '',
        '| events | batches | events/s (wall) | first batch (empty store) | later batches, median | POST p50 / max | server peak RSS |',
        '|---:|---:|---:|---:|---:|---:|---:|',
        `| ${fmt(list.length * BATCH)} | ${list.length} | ${fmt(rate)} | ${fmt(first)} | ` +
          `${fmt(laterMedian)} | ${fmt(percentile(posts, 0.5))} ms / ${fmt(Math.max(...posts))} ms | ` +
          `${Math.round(peakMiB)} MiB |`,
      ].join('\n'),
    );
  } finally {
    await stop(child);
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
