/**
 * The dashboard's quality bar in a real browser, on a `flowtrail up` that starts EMPTY:
 * the empty dashboard tells a new user how to send the first event; events and alert
 * changes appear without a reload (live); every view passes axe-core's WCAG 2.1 A/AA
 * rules, fits a 390 px screen without page-wide horizontal scrolling, keeps its
 * cumulative layout shift under Web Vitals' "good" 0.1, and works from the keyboard.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, SHOTS, startFlowtrail, stopChildren, type Flowtrail } from './harness.ts';
import { ORDER_KEY, seedScenario, type Seeded } from './scenario.ts';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Every view of the dashboard, with data of the scenario. */
const VIEWS: { name: string; path: string }[] = [
  { name: 'search', path: '/' },
  { name: 'search-order', path: '/?businessKey=ORD-4711' },
  { name: 'timeline', path: `/instances/${encodeURIComponent(ORDER_KEY)}` },
  { name: 'heatmaps', path: '/heatmaps' },
  { name: 'heatmap', path: '/heatmaps/order-fulfilment' },
  { name: 'process-map', path: '/processes/order-fulfilment/map' },
  { name: 'ownership', path: '/ownership' },
  { name: 'alerts', path: '/alerts' },
];

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Waits until no Suspense skeleton is left (the streamed content has arrived). */
async function settled(page: Page): Promise<void> {
  await page.locator('main').first().waitFor();
  await page.waitForFunction(() => document.querySelectorAll('[aria-busy="true"]').length === 0);
}

async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run: (...a: unknown[]) => Promise<unknown> } }).axe;
    const result = (await axe.run(document, { runOnly: { type: 'tag', values: tags } })) as {
      violations: AxeViolation[];
    };
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }));
  }, WCAG);
  return violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help} — ${v.nodes
        .slice(0, 3)
        .map((n) => n.target.join(' '))
        .join(', ')}`,
  );
}

describe('dashboard quality in chromium', () => {
  let flowtrail: Flowtrail;
  let browser: Browser;
  let page: Page;
  let seeded: Seeded | undefined;

  beforeAll(async () => {
    flowtrail = await startFlowtrail();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(30_000);
  });

  afterAll(async () => {
    await browser?.close();
    await flowtrail?.close();
    await stopChildren();
  });

  it('tells a new user how to send the first event when there is none', async () => {
    await page.goto(`${flowtrail.web}/`);
    const onboarding = page.getByRole('heading', { name: 'No events yet — send your first one' });
    await onboarding.waitFor();
    const text = await page.locator('main').innerText();
    expect(text).toContain('curl');
    expect(text).toContain('/api/events');
    await page.screenshot({ path: join(SHOTS, 'empty.png'), fullPage: true });
  });

  it('shows new events and alert changes without a reload', async () => {
    // The onboarding page stays open; a marker on window survives only without a reload.
    await page.evaluate(() => ((window as unknown as { noReload: string }).noReload = 'same page'));
    seeded = await seedScenario(flowtrail.api, flowtrail.up);
    await page.getByRole('link', { name: 'ORD-4711', exact: true }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { noReload?: string }).noReload)).toBe(
      'same page',
    );

    await page.goto(`${flowtrail.web}/alerts`);
    const ack = page.getByRole('button', { name: `Acknowledge stuck alert on ${ORDER_KEY}` });
    await ack.waitFor();
    await page.evaluate(() => ((window as unknown as { noReload: string }).noReload = 'alerts'));
    // Acknowledged by someone else, over the API: the button goes away on its own.
    const res = await fetch(
      `${flowtrail.api}/api/alerts/${encodeURIComponent(seeded.stuck.id)}/acknowledge`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ by: 'e2e-quality' }),
      },
    );
    expect(res.status, await res.text()).toBe(200);
    await ack.waitFor({ state: 'detached' });
    expect(await page.evaluate(() => (window as unknown as { noReload?: string }).noReload)).toBe(
      'alerts',
    );
  });

  it('refreshes a view for a change stored after its render, before its stream started', async () => {
    // The page's live stream is held back until the change is stored, so the stream's
    // first `ready` already counts it: only the watermark the page read before its data
    // tells the view that it is behind.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route('**/api/live', async (route) => {
      await held;
      await route.continue();
    });
    try {
      await page.goto(`${flowtrail.web}/?q=RACE-1`);
      await page.getByText('No instance matches this search.', { exact: false }).waitFor();
      await page.evaluate(() => ((window as unknown as { noReload: string }).noReload = 'race'));
      const res = await fetch(`${flowtrail.api}/api/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/cloudevents+json' },
        body: JSON.stringify({
          specversion: '1.0',
          id: 'e2e-race-1',
          source: 'shop',
          type: 'flowtrail.process.started',
          time: new Date().toISOString(),
          ftprocess: 'order-fulfilment',
          ftinstance: 'RACE-1',
          data: {},
        }),
      });
      expect(res.status, await res.text()).toBe(202);
      release();
      await page.getByRole('link', { name: 'RACE-1', exact: true }).waitFor();
      expect(await page.evaluate(() => (window as unknown as { noReload?: string }).noReload)).toBe(
        'race',
      );
    } finally {
      release();
      await page.unroute('**/api/live');
    }
  });

  it('passes axe-core WCAG 2.1 A/AA checks on every view', async () => {
    expect(seeded).toBeDefined();
    const problems: string[] = [];
    for (const view of VIEWS) {
      await page.goto(`${flowtrail.web}${view.path}`);
      await settled(page);
      for (const violation of await axeViolations(page))
        problems.push(`${view.name}: ${violation}`);
    }
    expect(problems).toEqual([]);
  });

  it('fits a 390 px screen without page-wide horizontal scrolling', async () => {
    const narrow = await browser.newPage({ viewport: { width: 390, height: 844 } });
    try {
      const overflowing: string[] = [];
      for (const view of VIEWS) {
        await narrow.goto(`${flowtrail.web}${view.path}`);
        await settled(narrow);
        const { scroll, width } = await narrow.evaluate(() => ({
          scroll: document.documentElement.scrollWidth,
          width: document.documentElement.clientWidth,
        }));
        if (scroll > width) overflowing.push(`${view.name}: ${scroll} px wide in ${width} px`);
        await narrow.screenshot({ path: join(SHOTS, `narrow-${view.name}.png`), fullPage: true });
      }
      expect(overflowing).toEqual([]);
    } finally {
      await narrow.close();
    }
  });

  it('keeps the cumulative layout shift of every view under 0.1', async () => {
    const measured = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      // Sums layout-shift entries not caused by input, from the first paint on.
      await measured.addInitScript(() => {
        const w = window as unknown as { cls: number };
        w.cls = 0;
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries() as (PerformanceEntry & {
            value: number;
            hadRecentInput: boolean;
          })[]) {
            if (!entry.hadRecentInput) w.cls += entry.value;
          }
        }).observe({ type: 'layout-shift', buffered: true });
      });
      // The probe itself: a page whose text is pushed down by a late block scores > 0.1.
      await measured.goto(
        'data:text/html,<main><p style="font-size:48px">Flowtrail</p><p>timeline</p></main>',
      );
      await measured.evaluate(
        () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))),
      );
      await measured.evaluate(() => {
        const late = document.createElement('div');
        late.style.height = '500px';
        document.body.prepend(late);
      });
      await measured.waitForFunction(() => (window as unknown as { cls: number }).cls > 0.1);

      const shifts: string[] = [];
      for (const view of VIEWS) {
        await measured.goto(`${flowtrail.web}${view.path}`);
        await settled(measured);
        const cls = await measured.evaluate(() => (window as unknown as { cls: number }).cls);
        if (cls >= 0.1) shifts.push(`${view.name}: ${cls.toFixed(3)}`);
      }
      expect(shifts).toEqual([]);
    } finally {
      await measured.close();
    }
  });

  it('searches and opens a timeline with the keyboard alone', async () => {
    await page.goto(`${flowtrail.web}/`);
    await settled(page);
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        const label =
          el?.getAttribute('aria-label') ??
          (el instanceof HTMLInputElement ? el.labels?.[0]?.textContent : undefined) ??
          el?.textContent;
        return `${el?.tagName ?? ''}:${(label ?? '').trim()}`;
      });
    const tabTo = async (wanted: string): Promise<void> => {
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press('Tab');
        if ((await focused()) === wanted) return;
      }
      throw new Error(`Tab never reached ${wanted}`);
    };
    await tabTo('INPUT:Business key');
    await page.keyboard.type('ORD-4711');
    await page.keyboard.press('Enter');
    await page.waitForURL(/businessKey=ORD-4711/);
    await settled(page);
    await tabTo('A:ORD-4711');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/instances\//);
    await page.getByRole('heading', { name: 'End-to-end timeline' }).waitFor();
  });
});
