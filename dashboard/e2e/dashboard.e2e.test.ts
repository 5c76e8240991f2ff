/**
 * End-to-end: the dashboard in a real browser (Debian's chromium via playwright-core) on a
 * real collector (`flowtrail up`, embedded SQLite) fed a known scenario over the HTTP API:
 * order ORD-4711 in `shop` expecting a payment, payment PAY-981 in `payments` linked to it
 * as parent, and a wait past its deadline so that a stuck alert fires; plus a process of
 * its own, `e2e-deadlines`, whose definition (PUT over the API) gives step `slow` a 1m
 * deadline that its 6-minute attempt overruns (the heat map colours it against it).
 * Needs /usr/bin/chromium (scripts/install-chromium.sh). Screenshots go to
 * test-artifacts/screenshots/. FLOWTRAIL_E2E_REUSE_BUILD=1 skips `next build` when
 * dashboard/.next exists.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DASHBOARD = join(ROOT, 'dashboard');
const SHOTS = join(ROOT, 'test-artifacts', 'screenshots');
const CHROMIUM = '/usr/bin/chromium';
const ORDER_KEY = 'shop/order-fulfilment/ORD-4711';
const PAYMENT_KEY = 'payments/payment/PAY-981';
const DEADLINE_PROCESS = 'e2e-deadlines';
const DEADLINE_DEFINITION = `process: ${DEADLINE_PROCESS}
version: 1
description: The e2e heat map's deadline colouring.
owner: team-e2e
steps:
  - name: quick
    deadline: 10m
    next: [slow]
  - name: slow
    deadline: 1m
    next: []
`;

interface Child {
  name: string;
  proc: ChildProcess;
  output: string[];
}

const children: Child[] = [];

function start(
  name: string,
  cmd: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Child {
  const proc = spawn(cmd, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const child: Child = { name, proc, output: [] };
  const keep = (b: Buffer) => {
    child.output.push(b.toString());
    if (child.output.length > 200) child.output.shift();
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  children.push(child);
  return child;
}

async function stop(child: Child): Promise<void> {
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.proc.once('exit', () => resolve()));
  child.proc.kill('SIGTERM');
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

function run(
  cmd: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = start(`${cmd} ${args.join(' ')}`, cmd, args, cwd, env);
    const timer = setTimeout(() => {
      child.proc.kill('SIGKILL');
      reject(new Error(`${child.name} timed out after ${timeoutMs} ms\n${child.output.join('')}`));
    }, timeoutMs);
    child.proc.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(child.output.join(''));
      else reject(new Error(`${child.name} exited with ${code}\n${child.output.join('')}`));
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Polls until `fn` answers a value (not undefined/false) or the time is up. */
async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
  child?: Child,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (child && child.proc.exitCode !== null) {
      throw new Error(
        `${child.name} exited (${child.proc.exitCode}) while waiting for ${what}\n${child.output.join('')}`,
      );
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as T };
}

function scenario(now: number): Record<string, unknown>[] {
  const at = (minutes: number) => new Date(now + minutes * 60_000).toISOString();
  const shop = {
    specversion: '1.0',
    source: 'shop',
    ftprocess: 'order-fulfilment',
    ftinstance: 'ORD-4711',
  };
  const pay = {
    specversion: '1.0',
    source: 'payments',
    ftprocess: 'payment',
    ftinstance: 'PAY-981',
  };
  const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
  return [
    {
      ...shop,
      id: 'e2e-s1',
      type: 'flowtrail.process.started',
      time: at(-10),
      ftowner: 'team-shop',
      traceparent,
      data: { businessKeys: { orderId: 'ORD-4711' } },
    },
    {
      ...shop,
      id: 'e2e-s2',
      type: 'flowtrail.step.started',
      time: at(-10),
      ftstep: 'check',
      ftowner: 'team-shop',
    },
    {
      ...shop,
      id: 'e2e-s3',
      type: 'flowtrail.step.completed',
      time: at(-9.5),
      ftstep: 'check',
      ftowner: 'team-shop',
    },
    {
      ...shop,
      id: 'e2e-s4',
      type: 'flowtrail.expectation.registered',
      time: at(-9.4),
      data: { expectationId: 'exp-pay', system: 'payments', process: 'payment', deadline: at(60) },
    },
    {
      ...shop,
      id: 'e2e-s5',
      type: 'flowtrail.message.sent',
      time: at(-9.3),
      data: { messageId: 'msg-pay-1', to: 'payments' },
    },
    {
      ...shop,
      id: 'e2e-s6',
      type: 'flowtrail.step.started',
      time: at(-9.2),
      ftstep: 'await-payment',
      ftowner: 'team-shop',
    },
    // The stuck wait: its deadline passed two minutes ago.
    {
      ...shop,
      id: 'e2e-s7',
      type: 'flowtrail.step.waiting',
      time: at(-9.1),
      ftstep: 'await-payment',
      ftowner: 'team-shop',
      data: { for: 'payment', deadline: at(-2) },
    },
    {
      ...pay,
      id: 'e2e-p1',
      type: 'flowtrail.process.started',
      time: at(-9),
      ftowner: 'team-payments',
      data: {
        businessKeys: { orderId: 'ORD-4711' },
        parent: {
          source: 'shop',
          process: 'order-fulfilment',
          instance: 'ORD-4711',
          expectationId: 'exp-pay',
        },
      },
    },
    {
      ...pay,
      id: 'e2e-p2',
      type: 'flowtrail.message.received',
      time: at(-9),
      data: { messageId: 'msg-pay-1', from: 'shop' },
    },
    {
      ...pay,
      id: 'e2e-p3',
      type: 'flowtrail.step.started',
      time: at(-8.9),
      ftstep: 'authorize',
      ftowner: 'team-payments',
    },
    {
      ...pay,
      id: 'e2e-p4',
      type: 'flowtrail.step.completed',
      time: at(-8),
      ftstep: 'authorize',
      ftowner: 'team-payments',
    },
    {
      ...pay,
      id: 'e2e-p5',
      type: 'flowtrail.step.started',
      time: at(-7.9),
      ftstep: 'capture',
      ftowner: 'team-payments',
    },
    ...deadlineEvents(at),
  ];
}

/** One completed instance of DEADLINE_PROCESS: `quick` in 1 min, `slow` in 6 min. */
function deadlineEvents(at: (minutes: number) => string): Record<string, unknown>[] {
  const base = {
    specversion: '1.0',
    source: 'e2e-system',
    ftprocess: DEADLINE_PROCESS,
    ftinstance: 'DL-1',
    ftowner: 'team-e2e',
  };
  const steps: [string, string, number, string?][] = [
    ['d1', 'process.started', -10],
    ['d2', 'step.started', -10, 'quick'],
    ['d3', 'step.completed', -9, 'quick'],
    ['d4', 'step.started', -9, 'slow'],
    ['d5', 'step.completed', -3, 'slow'],
    ['d6', 'process.completed', -3],
  ];
  return steps.map(([id, type, minutes, step]) => ({
    ...base,
    id: `e2e-${id}`,
    type: `flowtrail.${type}`,
    time: at(minutes),
    ...(step === undefined ? {} : { ftstep: step }),
  }));
}

interface ListedAlert {
  id: string;
  kind: string;
  status: string;
  instance: string;
}

describe('dashboard in chromium', () => {
  let dataDir: string;
  let api: string;
  let web: string;
  let collector: Child;
  let browser: Browser;
  let page: Page;
  let stuck: ListedAlert;
  let scenarioNow: number;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: run scripts/install-chromium.sh`);
    await mkdir(SHOTS, { recursive: true });
    dataDir = await mkdtemp(join(tmpdir(), 'flowtrail-e2e-'));
    const [apiPort, uiPort, webPort] = [await freePort(), await freePort(), await freePort()];
    api = `http://127.0.0.1:${apiPort}`;
    web = `http://127.0.0.1:${webPort}`;

    collector = start(
      'flowtrail up',
      process.execPath,
      [
        'collector/bin/flowtrail.js',
        'up',
        '--data-dir',
        dataDir,
        '--port',
        String(apiPort),
        '--ui-port',
        String(uiPort),
      ],
      ROOT,
      {
        FLOWTRAIL_GRACE_MS: '200',
        FLOWTRAIL_SWEEP_INTERVAL_MS: '300',
        LOG_LEVEL: 'warn',
        FLOWTRAIL_API_KEY: '',
      },
    );
    await waitFor(
      'the collector API',
      async () => (await fetch(`${api}/api/health`)).ok,
      60_000,
      collector,
    );

    const defined = await fetch(`${api}/api/definitions/${DEADLINE_PROCESS}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/yaml' },
      body: DEADLINE_DEFINITION,
    });
    expect([200, 201], await defined.text()).toContain(defined.status);

    scenarioNow = Date.now();
    const events = scenario(scenarioNow);
    const res = await fetch(`${api}/api/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents-batch+json' },
      body: JSON.stringify(events),
    });
    const ingest = (await res.json()) as { accepted: number; rejected: unknown[] };
    expect(res.status).toBe(202);
    expect(ingest.rejected).toEqual([]);
    expect(ingest.accepted).toBe(events.length);

    stuck = await waitFor(
      'the stuck alert on ORD-4711 to fire',
      async () => {
        const { body } = await getJson<{ alerts: ListedAlert[] }>(
          `${api}/api/alerts?status=firing&kind=stuck&size=100`,
        );
        return body.alerts.find((a) => a.instance === ORDER_KEY);
      },
      60_000,
      collector,
    );

    // Build once (the dashboard reads FLOWTRAIL_API_URL at run time, not at build time).
    const nextBin = createRequire(join(DASHBOARD, 'package.json')).resolve('next/dist/bin/next');
    const env = {
      NEXT_TELEMETRY_DISABLED: '1',
      FLOWTRAIL_API_URL: api,
      FLOWTRAIL_REFRESH_MS: '3000',
      FLOWTRAIL_TRACE_URL: 'http://jaeger.example/trace/{traceId}',
    };
    if (!(
      process.env.FLOWTRAIL_E2E_REUSE_BUILD === '1' &&
      existsSync(join(DASHBOARD, '.next', 'BUILD_ID'))
    )) {
      await run(process.execPath, [nextBin, 'build'], DASHBOARD, env, 540_000);
    }
    const server = start(
      'next start',
      process.execPath,
      [nextBin, 'start', '-p', String(webPort), '-H', '127.0.0.1'],
      DASHBOARD,
      env,
    );
    await waitFor(
      'next start',
      async () => (await fetch(`${web}/ownership`)).status < 500 || undefined,
      60_000,
      server,
    );

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(30_000);
  });

  afterAll(async () => {
    await browser?.close();
    for (const child of children.reverse()) await stop(child);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('searches the order number and finds the instances of both systems', async () => {
    await page.goto(`${web}/`);
    await page.getByLabel('Business key').fill('ORD-4711');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/businessKey=ORD-4711/);
    const results = page.getByRole('region', { name: 'Results' });
    await results.getByRole('link', { name: 'ORD-4711', exact: true }).waitFor();
    await results.getByRole('link', { name: 'PAY-981', exact: true }).waitFor();
    await expect(results.getByText('2 instances')).toBeTruthy();
    await page.screenshot({ path: join(SHOTS, 'search.png'), fullPage: true });

    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(SHOTS, 'search-narrow.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('opens the timeline of ORD-4711 with a lane per system', async () => {
    await page
      .getByRole('region', { name: 'Results' })
      .getByRole('link', { name: 'ORD-4711', exact: true })
      .click();
    await page.waitForURL(/\/instances\//);
    await page.getByRole('heading', { name: 'End-to-end timeline' }).waitFor();
    const timeline = page.locator('section[aria-labelledby="timeline-title"]');
    const failure = timeline.locator('.error-panel');
    const lanes = page.locator('svg.timeline-svg [data-lane]');
    await Promise.race([lanes.first().waitFor(), failure.waitFor()]);
    if (await failure.count()) {
      throw new Error(`timeline section shows an error: ${await failure.innerText()}`);
    }
    await page.locator('[data-lane="shop"]').waitFor();
    await page.locator('[data-lane="payments"]').waitFor();
    expect(await lanes.count()).toBe(2);
    // Parent/child navigation and the trace link from FLOWTRAIL_TRACE_URL.
    await timeline.getByRole('link', { name: PAYMENT_KEY }).first().waitFor();
    expect(await page.getByRole('link', { name: /^trace 4bf92f3577b3/ }).getAttribute('href')).toBe(
      'http://jaeger.example/trace/4bf92f3577b34da6a3ce929d0e0e4736',
    );
    await page.screenshot({ path: join(SHOTS, 'timeline.png'), fullPage: true });

    // Time travel: the state as of a moment before the wait, rebuilt from the events.
    const asOf = new Date(scenarioNow - 9.4 * 60_000).toISOString();
    await page.goto(`${page.url().split('?')[0]}?asOf=${encodeURIComponent(asOf)}`);
    const state = page.locator('section[aria-labelledby="state-title"]');
    await state.getByRole('heading', { name: /^State as of/ }).waitFor();
    await state.getByRole('cell', { name: 'check', exact: true }).waitFor();
    expect(await state.getByRole('cell', { name: 'await-payment', exact: true }).count()).toBe(0);
  });

  it('shows the stuck alert and acknowledges it', async () => {
    await page.goto(`${web}/alerts`);
    const button = page.getByRole('button', { name: `Acknowledge stuck alert on ${ORDER_KEY}` });
    await button.waitFor();
    await page.screenshot({ path: join(SHOTS, 'alerts-firing.png'), fullPage: true });
    await button.click();
    const acknowledged = await waitFor('the alert to be acknowledged in the API', async () => {
      const { body } = await getJson<ListedAlert>(
        `${api}/api/alerts/${encodeURIComponent(stuck.id)}`,
      );
      return body.status === 'acknowledged' ? body : undefined;
    });
    expect(acknowledged.status).toBe('acknowledged');
    await button.waitFor({ state: 'detached' });
    await page.screenshot({ path: join(SHOTS, 'alerts-acknowledged.png'), fullPage: true });
  });

  it('opens the heat map of order-fulfilment', async () => {
    await page.goto(`${web}/heatmaps`);
    await page.getByRole('link', { name: 'order-fulfilment' }).click();
    await page.getByRole('heading', { name: 'Heat map: order-fulfilment' }).waitFor();
    const grid = page.getByRole('table', { name: 'Heat map of order-fulfilment' });
    await grid.waitFor();
    await grid.getByRole('rowheader', { name: 'check' }).waitFor();
    await page.getByRole('heading', { name: 'Bottlenecks: total time per step' }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'heatmap.png'), fullPage: true });
  });

  it('expands the history of the stuck alert and sees it fire', async () => {
    await page.goto(`${web}/alerts`);
    const summary = page.getByLabel(`History of stuck alert on ${ORDER_KEY}`);
    await summary.waitFor();
    await summary.click();
    const details = page.locator('details.alert-history', { has: summary });
    expect(await details.getAttribute('open')).not.toBeNull();
    const firing = details.locator('li[data-status="firing"]');
    await firing.first().waitFor();
    expect(await firing.first().innerText()).toContain('firing');
    await page.screenshot({ path: join(SHOTS, 'alerts-history.png'), fullPage: true });
  });

  it('colours heat-map cells against the step deadline of the definition', async () => {
    await page.goto(`${web}/heatmaps/${DEADLINE_PROCESS}?dimension=hour&metric=median`);
    const grid = page.getByRole('table', { name: `Heat map of ${DEADLINE_PROCESS}` });
    await grid.waitFor();
    const slow = grid.getByRole('rowheader', { name: /^slow/ });
    await slow.waitFor();
    expect(await slow.innerText()).toContain('1m');
    const over = grid.locator('.heat-cell.heat-over');
    await over.first().waitFor();
    expect(await over.count()).toBe(1);
    expect(await grid.locator('.heat-cell.heat-ok').count()).toBe(1); // quick: 1 min of 10
    // Counts keep the plain scale.
    await page.goto(`${web}/heatmaps/${DEADLINE_PROCESS}?dimension=hour&metric=count`);
    await grid.getByRole('rowheader', { name: 'slow', exact: true }).waitFor();
    expect(await grid.locator('.heat-cell[data-band]').count()).toBe(0);
    await page.screenshot({ path: join(SHOTS, 'heatmap-deadlines.png'), fullPage: true });
  });

  it('opens the ownership view with drill-down links', async () => {
    await page.goto(`${web}/ownership`);
    await page.getByRole('heading', { name: 'Ownership', level: 1 }).waitFor();
    // Not getByRole('alert'): Next's route announcer is an (empty) alert region too.
    const failure = page.locator('.error-panel');
    const owners = page.getByRole('region', { name: 'Owners' });
    await Promise.race([
      owners.getByRole('rowheader', { name: 'team-shop' }).waitFor(),
      failure.first().waitFor(),
    ]);
    if (await failure.count())
      throw new Error(`ownership shows an error: ${await failure.first().innerText()}`);
    await owners.getByRole('rowheader', { name: 'team-payments' }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'ownership.png'), fullPage: true });
  });
});
