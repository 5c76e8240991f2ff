/**
 * End-to-end: the dashboard in a real browser (Debian's chromium via playwright-core) on
 * `flowtrail up` (embedded SQLite, the dashboard it builds and starts) fed the scenario of
 * scenario.ts over the HTTP API: search an order number, its timeline with every system's
 * lane, the stuck alert acknowledged, heat maps, the process map, ownership. Screenshots go to
 * test-artifacts/screenshots/.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  getJson,
  launchBrowser,
  SHOTS,
  startFlowtrail,
  stopChildren,
  waitFor,
  type Flowtrail,
} from './harness.ts';
import {
  DEADLINE_PROCESS,
  ORDER_KEY,
  PAYMENT_KEY,
  seedScenario,
  SHIPPED_ORDERS,
  type ListedAlert,
} from './scenario.ts';

describe('dashboard in chromium', () => {
  let flowtrail: Flowtrail;
  let api: string;
  let web: string;
  let browser: Browser;
  let page: Page;
  let stuck: ListedAlert;
  let scenarioNow: number;

  beforeAll(async () => {
    flowtrail = await startFlowtrail();
    ({ api, web } = flowtrail);
    ({ now: scenarioNow, stuck } = await seedScenario(api, flowtrail.up));
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(30_000);
  });

  afterAll(async () => {
    await browser?.close();
    await flowtrail?.close();
    await stopChildren();
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
    // The process map above the graph's table.
    await page.locator('svg.process-map-svg [data-step="check"]').waitFor();
    await page.getByRole('heading', { name: /^Process graph \(discovered/ }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'heatmap.png'), fullPage: true });
  });

  it('draws the process map, switches its colouring, hides a rare path, drills into a step', async () => {
    await page.getByRole('link', { name: 'Process map', exact: true }).click();
    await page.waitForURL(/\/processes\/order-fulfilment\/map/);
    const map = page.locator('svg.process-map-svg');
    for (const step of ['check', 'await-payment', 'pack', 'ship'])
      await map.locator(`[data-step="${step}"]`).waitFor();
    const count = (edge: string) =>
      map.locator(`[data-edge="${edge}"] .map-edge-count`).textContent();
    expect(await count('check→pack')).toBe('4');
    expect(await count('pack→ship')).toBe('4');
    expect(await count('check→await-payment')).toBe('1');
    await page.screenshot({ path: join(SHOTS, 'process-map.png'), fullPage: true });

    // The switch: by duration, the steps take the other scale.
    expect(await map.getAttribute('data-colour-by')).toBe('frequency');
    const fill = () => map.locator('[data-step="pack"] rect').getAttribute('fill');
    const byFrequency = await fill();
    await page
      .getByRole('navigation', { name: 'Colour the map by' })
      .getByRole('link', { name: 'Duration' })
      .click();
    await page.waitForURL(/colour=duration/);
    await page.locator('svg.process-map-svg[data-colour-by="duration"]').waitFor();
    expect(await fill()).not.toBe(byFrequency);

    // The paths slider at 100 %: only the most frequent paths stay; the rare one and
    // await-payment, which only it reaches, go.
    await page.locator('#map-paths').focus();
    await page.keyboard.press('End');
    await page.waitForURL(/paths=100/);
    await page.locator('svg.process-map-svg[data-paths="100"]').waitFor();
    expect(await map.locator('[data-edge="check→await-payment"]').count()).toBe(0);
    expect(await map.locator('[data-step="await-payment"]').count()).toBe(0);
    expect(await count('check→pack')).toBe('4');
    expect(await map.getAttribute('data-colour-by')).toBe('duration');
    await page.getByText('1 path with fewer than 4 transitions hidden', { exact: false }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'process-map-paths.png'), fullPage: true });

    // A step's box lists the instances in that step.
    await page.getByRole('link', { name: /^Step pack: 4 attempts, median / }).click();
    await page.waitForURL(/step=pack/);
    expect(new URL(page.url()).searchParams.get('process')).toBe('order-fulfilment');
    const results = page.getByRole('region', { name: 'Results' });
    for (const order of SHIPPED_ORDERS)
      await results.getByRole('link', { name: order, exact: true }).waitFor();
    expect(await results.getByRole('link', { name: 'ORD-4711', exact: true }).count()).toBe(0);
  });

  it('outlines the steps of the map against the deadlines of the definition', async () => {
    await page.goto(`${web}/processes/${DEADLINE_PROCESS}/map`);
    const map = page.locator('svg.process-map-svg');
    await map.locator('[data-step="slow"]').waitFor();
    expect(await map.locator('[data-step="slow"]').getAttribute('data-sla')).toBe('over');
    expect(await map.locator('[data-step="quick"]').getAttribute('data-sla')).toBe('ok');
    await page
      .getByRole('link', { name: /^Step slow: 1 attempt, median .*, deadline 1m, missed\./ })
      .waitFor();
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
