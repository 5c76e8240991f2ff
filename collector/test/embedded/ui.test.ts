import { describe, expect, it } from 'vitest';
import { decodeHttpSingle } from '@flowtrail/sdk/protocol';
import { foldInstance } from '../../src/core/fold.ts';
import { firstEventCurl } from '../../src/embedded/first-event.ts';
import { formatDuration, formatTime } from '../../src/embedded/ui/format.ts';
import { escapeHtml, html, Html } from '../../src/embedded/ui/html.ts';
import { renderInstancePage } from '../../src/embedded/ui/instance-page.ts';
import { renderSearchPage } from '../../src/embedded/ui/search-page.ts';
import { makeEvent } from '../helpers/events.ts';

const XSS = `<script>alert("x")</script>'&`;

describe('html', () => {
  it('escapes every interpolated value but composes Html', () => {
    expect(escapeHtml(XSS)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&amp;');
    const inner = html`<b>${XSS}</b>`;
    expect(
      html`<p title="${XSS}">${inner}${[1, html`<i>2</i>`]}${undefined}${false}</p>`.value,
    ).toBe(`<p title="${escapeHtml(XSS)}"><b>${escapeHtml(XSS)}</b>1<i>2</i></p>`);
    expect(new Html('<br>').toString()).toBe('<br>');
  });
});

describe('format', () => {
  it('formats durations and times', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(3400)).toBe('3.4 s');
    expect(formatDuration(3 * 60_000 + 5000)).toBe('3 min 05 s');
    expect(formatDuration(3_720_000)).toBe('1 h 02 min');
    expect(formatDuration(undefined)).toBe('');
    expect(formatTime('2026-11-22T10:15:02.120+01:00')).toBe('2026-11-22 09:15:02Z');
    expect(formatTime('nonsense')).toBe('nonsense');
  });
});

describe('pages', () => {
  const hostile = makeEvent({
    id: XSS,
    source: 'shop<evil>',
    type: 'flowtrail.step.waiting',
    instance: XSS,
    step: `step ${XSS}`,
    owner: XSS,
    time: '2026-11-22T09:00:00Z',
    data: { for: XSS, businessKeys: { orderId: XSS } },
  });
  const state = foldInstance([hostile]);

  it('renders instances on the search page with every value escaped', () => {
    const out = renderSearchPage({
      form: { q: XSS },
      query: { from: 0, size: 20 },
      result: { total: 1, instances: [state] },
      problems: [XSS],
      now: Date.parse('2026-11-22T09:01:00Z'),
    }).value.replace(/\s+/g, ' ');
    expect(out).not.toContain('<script>');
    expect(out).toContain(escapeHtml(XSS));
    expect(out).toContain(`href="${escapeHtml(`/instances/${encodeURIComponent(state.key)}`)}"`);
    expect(out).toContain('1 instance (showing 1–1)');
    expect(out).toContain('1 min 00 s ago');
  });

  it('renders the instance page (state, waits, raw events) escaped', () => {
    const out = renderInstancePage({ state, events: [hostile], now: Date.now() }).value.replace(
      /\s+/g,
      ' ',
    );
    expect(out).not.toContain('<script>');
    expect(out).not.toContain('<evil>');
    expect(out).toContain('Open waits');
    expect(out).toContain('Raw events (1)');
  });

  it('shows how to send a first event on an empty store, and that event is valid', () => {
    const curl = firstEventCurl('http://127.0.0.1:4100', true);
    const out = renderSearchPage({
      form: {},
      query: {},
      result: { total: 0, instances: [] },
      problems: [],
      firstEventHint: curl,
      now: 0,
    }).value.replace(/\s+/g, ' ');
    expect(out).toContain('No process instances yet');
    expect(curl).toContain('authorization: Bearer $FLOWTRAIL_API_KEY');
    const body = /-d '(.*)'$/.exec(curl)?.[1];
    const decoded = decodeHttpSingle(Buffer.from(body ?? ''), {}, { maxBytes: 10_000 });
    expect(decoded.ok).toBe(true);
  });
});
