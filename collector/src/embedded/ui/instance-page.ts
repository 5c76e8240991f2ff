/**
 * The instance page of the interim web UI: the folded state (steps with timings, open
 * waits, expectations, parent link, messages, failure) and the raw events. Pure: data
 * in, escaped HTML out.
 */
import { instanceKey, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import type { InstanceState } from '../../core/instance-state.ts';
import { formatAgo, formatDuration, formatPairs, formatTime } from './format.ts';
import { html, type Html } from './html.ts';
import { instanceHref, page, statusBadge } from './layout.ts';

export interface InstanceView {
  state: InstanceState;
  events: FlowtrailEvent[];
  now: number;
}

function facts(state: InstanceState, now: number): Html {
  const parent = state.parent;
  const parentLink =
    parent === undefined
      ? ''
      : html`<dt>parent</dt>
          <dd>
            <a href="${instanceHref(instanceKey(parent))}"
              >${parent.source} / ${parent.process} / ${parent.instance}</a
            >${parent.expectationId === undefined ? '' : html` <span class="muted">(expectation ${parent.expectationId})</span>`}
          </dd>`;
  const error =
    state.error === undefined
      ? ''
      : html`<dt>error</dt>
          <dd>
            ${state.error.message}${state.error.code === undefined ? '' : ` (${state.error.code})`}${state.error.step === undefined ? '' : ` in step ${state.error.step}`}
            at ${formatTime(state.error.at)}
          </dd>`;
  return html`<dl>
    <dt>status</dt>
    <dd>${statusBadge(state.status)}</dd>
    <dt>process</dt>
    <dd>${state.process}</dd>
    <dt>source</dt>
    <dd>${state.source}</dd>
    <dt>instance</dt>
    <dd>${state.instance}</dd>
    <dt>owner</dt>
    <dd>${state.owner ?? ''}</dd>
    <dt>business keys</dt>
    <dd>${formatPairs(state.businessKeys)}</dd>
    <dt>started</dt>
    <dd>${formatTime(state.startedAt)}</dd>
    <dt>ended</dt>
    <dd>${formatTime(state.endedAt)}</dd>
    <dt>duration</dt>
    <dd>${formatDuration(state.durationMs)}</dd>
    <dt>last event</dt>
    <dd>
      ${formatTime(state.lastEventAt)} · ${state.lastEventType} ·
      ${formatAgo(state.lastEventAt, now)}
    </dd>
    <dt>current steps</dt>
    <dd>${state.currentSteps.join(', ')}</dd>
    <dt>next deadline</dt>
    <dd>${formatTime(state.nextDeadline)}</dd>
    <dt>systems</dt>
    <dd>${state.systems.join(', ')}</dd>
    <dt>messages</dt>
    <dd>${state.messages.sent} sent, ${state.messages.received} received</dd>
    <dt>events</dt>
    <dd>${state.eventCount}</dd>
    ${parentLink}${error}
  </dl>`;
}

function steps(state: InstanceState): Html {
  if (state.steps.length === 0) return html`<p class="muted">No steps.</p>`;
  return html`<table>
    <thead>
      <tr>
        <th>step</th>
        <th>status</th>
        <th>owner</th>
        <th>started</th>
        <th>ended</th>
        <th>duration</th>
        <th>attempts</th>
        <th>deadline</th>
        <th>waiting for</th>
        <th>error</th>
      </tr>
    </thead>
    <tbody>
      ${state.steps.map(
        (s) =>
          html`<tr>
            <td>${s.name}</td>
            <td>${statusBadge(s.status)}</td>
            <td>${s.owner ?? ''}</td>
            <td>${formatTime(s.startedAt)}</td>
            <td>${formatTime(s.endedAt)}</td>
            <td>${formatDuration(s.durationMs)}</td>
            <td>${s.attempts}</td>
            <td>${formatTime(s.deadline)}</td>
            <td>
              ${s.waitingFor ?? ''}${s.waitingSince === undefined ? '' : ` since ${formatTime(s.waitingSince)}`}
            </td>
            <td>${s.error?.message ?? ''}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function waits(state: InstanceState, now: number): Html {
  if (state.waits.length === 0) return html`<p class="muted">No open waits.</p>`;
  return html`<table>
    <thead>
      <tr>
        <th>step</th>
        <th>waits for</th>
        <th>since</th>
        <th>deadline</th>
      </tr>
    </thead>
    <tbody>
      ${state.waits.map(
        (w) =>
          html`<tr>
            <td>${w.step}</td>
            <td>${w.for ?? ''}</td>
            <td>${formatTime(w.since)} <span class="muted">(${formatAgo(w.since, now)})</span></td>
            <td>
              ${formatTime(w.deadline)}${w.deadline === undefined ? '' : html` <span class="muted">(${formatAgo(w.deadline, now)})</span>`}
            </td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function expectations(state: InstanceState): Html {
  if (state.expectations.length === 0) return html`<p class="muted">No expectations.</p>`;
  return html`<table>
    <thead>
      <tr>
        <th>id</th>
        <th>system</th>
        <th>process</th>
        <th>status</th>
        <th>registered</th>
        <th>deadline</th>
        <th>fulfilled</th>
      </tr>
    </thead>
    <tbody>
      ${state.expectations.map(
        (e) =>
          html`<tr>
            <td>${e.id}</td>
            <td>${e.system}</td>
            <td>${e.process}</td>
            <td>${e.status}</td>
            <td>${formatTime(e.registeredAt)}</td>
            <td>${formatTime(e.deadline)}</td>
            <td>${formatTime(e.fulfilledAt)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function events(list: readonly FlowtrailEvent[]): Html {
  return html`<table>
    <thead>
      <tr>
        <th>time</th>
        <th>type</th>
        <th>step</th>
        <th>event</th>
      </tr>
    </thead>
    <tbody>
      ${list.map(
        (e) =>
          html`<tr>
            <td>${formatTime(e.time)}</td>
            <td>${e.type}</td>
            <td>${e.ftstep ?? ''}</td>
            <td>
              <details>
                <summary>${e.id}</summary>
                <pre>${JSON.stringify(e, null, 2)}</pre>
              </details>
            </td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

export function renderInstancePage(view: InstanceView): Html {
  const { state, now } = view;
  return page(
    `${state.process} ${state.instance}`,
    html`<h2>${state.process} · ${state.instance} <small class="muted">${state.source}</small></h2>
      ${facts(state, now)}
      <h3>Steps</h3>
      ${steps(state)}
      <h3>Open waits</h3>
      ${waits(state, now)}
      <h3>Expectations</h3>
      ${expectations(state)}
      <h3>Raw events (${view.events.length})</h3>
      ${events(view.events)}`,
  );
}

export function renderNotFoundPage(message: string): Html {
  return page(
    'Not found',
    html`<p class="problems">${message}</p>
      <p><a href="/">Back to the search</a></p>`,
  );
}
