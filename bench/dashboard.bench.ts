/**
 * Server-rendered dashboard pages against the collector API requests behind them.
 *
 * `flowtrail up` (embedded API on SQLite, then `next start`, built first when the sources
 * changed) on a temp data dir and free ports, seeded by `flowtrail demo --instances N
 * --seed 7`; once detection has settled (live watermark unchanged), per view 3 warm-ups,
 * then N samples alternating
 *  - baseline: the collector requests the page makes (dashboard/app/**\/page.tsx through
 *    dashboard/lib/api.ts), in its order and parallelism, bodies read and parsed, and
 *  - page: `GET` of the whole streamed HTML (node fetch, `cache: 'no-store'`, no redirects);
 * p50 / p95 nearest-rank. The bench, the API and the Next server share one machine.
 *
 * Run: `npx tsx bench/dashboard.bench.ts [instances=2000] [samples=30]`; writes
 * docs/benchmarks.md (section "dashboard").
 */
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ROOT, start, stop, waitFor, type Child } from '../dashboard/e2e/harness.ts';
import { machine, percentile, writeSection } from './report.ts';

const INSTANCES = Number(process.argv[2] ?? 2000);
const SAMPLES = Number(process.argv[3] ?? 30);
const WARMUP = 3;
const SEED = 7;
const PROCESS = 'order-fulfilment';
/** Detection has settled when the live watermark stayed the same this long. */
const QUIET_MS = 6_000;
const CLI = 'collector/bin/flowtrail.js';
const ENV = { FLOWTRAIL_API_KEY: '', LOG_LEVEL: 'warn' };

// ---- the product -----------------------------------------------------------------------

/** Resolves once the API and the dashboard of `flowtrail up` answer. */
async function up(child: Child, api: string, web: string): Promise<void> {
  await waitFor('the API', async () => (await fetch(`${api}/api/health`)).ok, 60_000, child);
  await waitFor(
    'the dashboard (a first run builds it)',
    async () => child.output.join('').includes(`Dashboard  ${web}`),
    540_000,
    child,
  );
}

/** Runs `flowtrail demo` against the API and waits for it to exit 0. */
async function seed(api: string): Promise<void> {
  const args = ['--url', api, '--instances', `${INSTANCES}`, '--seed', `${SEED}`];
  const demo = start('flowtrail demo', process.execPath, [CLI, 'demo', ...args], ROOT, ENV);
  const [code] = (await once(demo.proc, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`flowtrail demo exited ${code}\n${demo.output.join('')}`);
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

// ---- requests --------------------------------------------------------------------------

/**
 * As the dashboard fetches. Node's fetch keeps no HTTP cache anyway, and @types/node's
 * `RequestInit` lacks `cache` (hence spread, not written in the literal).
 */
const NO_STORE = { cache: 'no-store' } as const;

/** One collector request as dashboard/lib/api.ts makes it: body read, JSON parsed. */
async function request<T>(api: string, path: string, ok404 = false): Promise<T> {
  const res = await fetch(`${api}${path}`, {
    ...NO_STORE,
    headers: { accept: 'application/json' },
  });
  const text = await res.text();
  if (!res.ok && !(ok404 && res.status === 404)) throw new Error(`GET ${path}: ${res.status}`);
  return (text === '' ? {} : JSON.parse(text)) as T;
}

type Get = <T = unknown>(path: string, ok404?: boolean) => Promise<T>;

const seg = encodeURIComponent;
const query = (params: Record<string, string>): string => `?${new URLSearchParams(params)}`;

interface View {
  path: string;
  /** How the table names it (default: the path). */
  label?: string;
  /** What the page asks the collector (→ one after the other, ∥ in parallel). */
  requests: string;
  /** The page's collector requests. */
  baseline: (get: Get) => Promise<unknown>;
}

function views(key: string): View[] {
  const search = (params: Record<string, string>) => async (get: Get) => {
    await get('/api/live/watermark');
    await get(`/api/instances${query({ ...params, facets: 'true' })}`);
  };
  const filter = { process: PROCESS, status: 'stuck' };
  const [k, p] = [seg(key), seg(PROCESS)];
  const open = { status: 'firing,acknowledged,silenced', size: '100' };
  return [
    { path: '/', requests: 'watermark → search with facets', baseline: search({}) },
    {
      path: `/${query(filter)}`,
      requests: 'watermark → filtered search with facets',
      baseline: search(filter),
    },
    {
      path: `/instances/${k}`,
      label: `\`/instances/:key\` (one ${PROCESS} instance)`,
      requests: 'watermark → instance → ∥ timeline, its alerts, its events',
      baseline: async (get) => {
        await get('/api/live/watermark');
        await get(`/api/instances/${k}`);
        await Promise.all([
          get(`/api/instances/${k}/timeline`),
          get(`/api/alerts${query({ instance: key, size: '50' })}`),
          get(`/api/instances/${k}/events`),
        ]);
      },
    },
    {
      path: `/heatmaps/${p}`,
      requests: '∥ heat map (hour), definition, process graph',
      baseline: (get) =>
        Promise.all([
          get(`/api/processes/${p}/heatmap?dimension=hour`),
          get(`/api/definitions/${p}`, true), // 404: none (the page then shows no deadlines)
          get(`/api/processes/${p}/graph`),
        ]),
    },
    { path: '/ownership', requests: 'ownership', baseline: (get) => get('/api/ownership') },
    {
      path: '/alerts',
      requests: 'watermark → open alerts (100) with their histories',
      baseline: async (get) => {
        await get('/api/live/watermark');
        await get(`/api/alerts${query({ ...open, history: 'true' })}`);
      },
    },
  ];
}

/** The baseline of `view` once: its time and how many requests it made. */
async function baseline(api: string, view: View): Promise<{ ms: number; requests: number }> {
  let requests = 0;
  const get: Get = <T>(path: string, ok404?: boolean) => {
    requests += 1;
    return request<T>(api, path, ok404);
  };
  const t0 = performance.now();
  await view.baseline(get);
  return { ms: performance.now() - t0, requests };
}

/** The page once: the whole HTML, the time until its headers (the shell starts) and size. */
async function page(url: string): Promise<{ ms: number; headersMs: number; bytes: number }> {
  const t0 = performance.now();
  const res = await fetch(url, { ...NO_STORE, redirect: 'manual' });
  const headersMs = performance.now() - t0;
  const html = Buffer.from(await res.arrayBuffer());
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status}`);
  if (html.includes('error-panel')) throw new Error(`GET ${url}: a section failed to load`);
  return { ms, headersMs, bytes: html.length };
}

// ---- measuring -------------------------------------------------------------------------

const p50 = (values: readonly number[]): number => percentile(values, 0.5);

interface Row {
  view: View;
  requests: number;
  api: number[];
  page: number[];
  headers: number[];
  bytes: number[];
}

/** Warm-ups, then `SAMPLES` rounds of baseline then page, one request chain at a time. */
async function measure(api: string, web: string, view: View): Promise<Row> {
  const sample = async () => ({
    api: await baseline(api, view),
    page: await page(web + view.path),
  });
  for (let i = 0; i < WARMUP; i += 1) await sample();
  const row: Row = { view, requests: 0, api: [], page: [], headers: [], bytes: [] };
  for (let i = 0; i < SAMPLES; i += 1) {
    const s = await sample();
    row.requests = s.api.requests;
    row.api.push(s.api.ms);
    row.page.push(s.page.ms);
    row.headers.push(s.page.headersMs);
    row.bytes.push(s.page.bytes);
  }
  return row;
}

// ---- report ----------------------------------------------------------------------------

const ms = (v: number): string => `${v.toFixed(v < 10 ? 1 : 0)} ms`;
const both = (v: readonly number[]): string => `${ms(p50(v))} / ${ms(percentile(v, 0.95))}`;
const signed = (v: number): string => `${v < 0 ? '−' : '+'}${ms(Math.abs(v))}`;
const added = (r: Row): number => p50(r.page) - p50(r.api);
const name = (r: Row): string => r.view.label ?? `\`${r.view.path}\``;

function table(rows: Row[]): string[] {
  return [
    '| view | collector requests (baseline) | baseline p50 / p95 | page p50 / p95 | page headers p50 | page − baseline (p50) | HTML |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${name(r)} | ${r.requests}: ${r.view.requests} | ` +
        `${both(r.api)} | ${both(r.page)} | ${ms(p50(r.headers))} | ` +
        `${signed(added(r))} | ${(p50(r.bytes) / 1024).toFixed(0)} KiB |`,
    ),
  ];
}

async function run(): Promise<{ rows: Row[]; stored: number; loads: number[] }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'flowtrail-bench-dashboard-'));
  const [apiPort, webPort] = [await freePort(), await freePort()];
  const [api, web] = [`http://127.0.0.1:${apiPort}`, `http://127.0.0.1:${webPort}`];
  const args = [CLI, 'up', '--data-dir', dataDir, '--port', `${apiPort}`];
  const child = start(
    'flowtrail up',
    process.execPath,
    [...args, '--dashboard-port', `${webPort}`],
    ROOT,
    ENV,
  );
  try {
    await up(child, api, web);
    await seed(api);
    await settled(api);
    const stored = (await request<{ total: number }>(api, '/api/instances?size=1')).total;
    const first = await request<{ instances: { key: string }[] }>(
      api,
      `/api/instances${query({ process: PROCESS, size: '1' })}`,
    );
    const key = first.instances[0]?.key;
    if (key === undefined) throw new Error(`no instance of ${PROCESS}`);
    const loads = [loadavg()[0] ?? 0];
    const rows: Row[] = [];
    for (const view of views(key)) {
      const row = await measure(api, web, view);
      rows.push(row);
      console.log(table([row]).at(-1));
    }
    loads.push(loadavg()[0] ?? 0);
    return { rows, stored, loads };
  } finally {
    await stop(child);
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { rows, stored, loads } = await run();
  const byAdded = [...rows].sort((a, b) => added(a) - added(b));
  const span = (r: Row | undefined): string => (r ? `${signed(added(r))} (${name(r)})` : '–');
  const negative = byAdded.some((r) => added(r) < 0);
  const section = [
    '## Dashboard pages (server-rendered HTML vs. the collector requests behind it)',
    '',
    `${new Date().toISOString().slice(0, 10)} · ${machine()}, shared machine (load average ` +
      `${loads[0]?.toFixed(1)} before, ${loads[1]?.toFixed(1)} after the measurements) · ` +
      '`flowtrail up` (embedded API on SQLite, `next start` of the production build) on the ' +
      `same machine · data: \`flowtrail demo --instances ${INSTANCES} --seed ${SEED}\` → ` +
      `${stored.toLocaleString('en')} instances over three systems · ` +
      `\`npx tsx bench/dashboard.bench.ts ${INSTANCES} ${SAMPLES}\``,
    '',
    'Every page is `dynamic = "force-dynamic"`: Next renders its server components on each ' +
      'request, reads the collector with `cache: "no-store"` and streams the HTML (shell ' +
      'first, then each `Suspense` section with its inline RSC payload). **Page**: `GET` of ' +
      'the whole HTML from the dashboard (node fetch, body read to the end; "headers" is ' +
      'when the response started). **Baseline**: the collector requests the page makes ' +
      '(`dashboard/lib/api.ts`), sent directly from the bench in the same order (→) and ' +
      `parallelism (∥), bodies read and parsed. ${WARMUP} warm-ups, then ${SAMPLES} samples ` +
      'per view, baseline and page alternating, one at a time; p50 / p95 nearest-rank; ' +
      'HTML size decoded (p50). Detection sweeps run meanwhile (default settings), as in use; the ' +
      'measurements start once the live watermark stayed unchanged for ' +
      `${QUIET_MS / 1000} s after seeding.`,
    '',
    ...table(rows),
    '',
    'What the dashboard adds to its collector requests (its own hop to the collector, ' +
      'rendering the React tree to HTML plus the RSC payload, streaming it), page p50 minus ' +
      `baseline p50: from ${span(byAdded[0])} to ${span(byAdded.at(-1))}` +
      (negative ? ' (below zero is noise: the page makes the same requests).' : '.'),
  ].join('\n');
  writeSection('dashboard', section);
  console.log(section);
}

await main();
