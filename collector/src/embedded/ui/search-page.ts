/**
 * The search page of the interim web UI: a search form (free text, business key,
 * process, status) and the matching instances. Pure: data in, escaped HTML out.
 */
import type { InstanceQuery, InstancePage } from '../../storage/event-store.ts';
import { INSTANCE_STATUSES } from '../../http/query-params.ts';
import { formatAgo, formatPairs, formatTime } from './format.ts';
import { Html, html } from './html.ts';
import { instanceHref, page, statusBadge } from './layout.ts';

export interface SearchView {
  /** The form values as the user typed them. */
  form: { q?: string; businessKey?: string; process?: string; status?: string };
  query: InstanceQuery;
  /** Undefined when the parameters were invalid. */
  result?: InstancePage;
  problems: string[];
  /** Shown when there are no instances at all: how to send a first event. */
  firstEventHint?: string;
  now: number;
}

const SELECTED = new Html(' selected');

function pageLink(view: SearchView, from: number): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(view.form)) {
    if (value !== undefined && value !== '') params.set(name, value);
  }
  if (from > 0) params.set('from', String(from));
  return `/?${params.toString()}`;
}

function form(view: SearchView): Html {
  const { form: f } = view;
  const options = ['', ...INSTANCE_STATUSES].map(
    (s) =>
      html`<option value="${s}" ${s === (f.status ?? '') ? SELECTED : ''}>
        ${s === '' ? 'any status' : s}
      </option>`,
  );
  return html`<form method="get" action="/">
    <input name="q" placeholder="free text" value="${f.q ?? ''}" size="28" />
    <input
      name="businessKey"
      placeholder="business key (value or name=value)"
      value="${f.businessKey ?? ''}"
      size="30"
    />
    <input name="process" placeholder="process" value="${f.process ?? ''}" />
    <select name="status">
      ${options}
    </select>
    <button type="submit">Search</button>
  </form>`;
}

function rows(view: SearchView, result: InstancePage): Html {
  return html`${result.instances.map(
    (s) =>
      html`<tr>
        <td>${statusBadge(s.status)}</td>
        <td>${s.process}</td>
        <td>${s.source}</td>
        <td><a href="${instanceHref(s.key)}">${s.instance}</a></td>
        <td>${formatPairs(s.businessKeys)}</td>
        <td>
          ${formatTime(s.lastEventAt)}<br /><span class="muted"
            >${s.lastEventType} · ${formatAgo(s.lastEventAt, view.now)}</span
          >
        </td>
        <td>${s.currentSteps.join(', ')}</td>
        <td>${s.owner ?? ''}</td>
      </tr>`,
  )}`;
}

export function renderSearchPage(view: SearchView): Html {
  const { result } = view;
  const problems =
    view.problems.length > 0
      ? html`<div class="problems">
          <strong>Invalid search</strong>
          <ul>
            ${view.problems.map((p) => html`<li>${p}</li>`)}
          </ul>
        </div>`
      : '';
  const hint =
    view.firstEventHint !== undefined
      ? html`<div class="hint">
          <p>No process instances yet. Send a first event:</p>
          <pre>${view.firstEventHint}</pre>
          <p>or run <code>npx flowtrail up --demo</code> for demo traffic.</p>
        </div>`
      : '';
  let table: Html | string = '';
  if (result !== undefined && view.firstEventHint === undefined) {
    const from = view.query.from ?? 0;
    const size = view.query.size ?? 20;
    const last = Math.min(from + result.instances.length, result.total);
    const prev =
      from > 0 ? html`<a href="${pageLink(view, Math.max(0, from - size))}">« previous</a>` : '';
    const next =
      last < result.total ? html`<a href="${pageLink(view, from + size)}">next »</a>` : '';
    table = html`<p>
        ${result.total}
        instance${result.total === 1 ? '' : 's'}${result.total > 0 ? ` (showing ${from + 1}–${last})` : ''}
        ${prev} ${next}
      </p>
      <table>
        <thead>
          <tr>
            <th>status</th>
            <th>process</th>
            <th>source</th>
            <th>instance</th>
            <th>business keys</th>
            <th>last event</th>
            <th>current steps</th>
            <th>owner</th>
          </tr>
        </thead>
        <tbody>
          ${rows(view, result)}
        </tbody>
      </table>`;
  }
  return page('Instances', html`${form(view)}${problems}${hint}${table}`);
}
