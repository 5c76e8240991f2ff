import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Suspense } from 'react';
import { ErrorPanel } from '@/components/error-panel';
import { LiveRefresh } from '@/components/live-refresh';
import { BlockSkeleton, TableSkeleton } from '@/components/skeletons';
import { StatusBadge } from '@/components/status-badge';
import { TimeSlider } from '@/components/time-slider';
import { TimelineChart } from '@/components/timeline-chart';
import { attempt, getEvents, getInstance, getStateAsOf, getTimeline, listAlerts } from '@/lib/api';
import { config, traceUrl } from '@/lib/config';
import {
  businessKeysText,
  formatDuration,
  formatTime,
  instanceHref,
  one,
  searchHref,
} from '@/lib/format';
import type { InstanceState } from '@/lib/types';

export const dynamic = 'force-dynamic';

type Props = {
  params: Promise<{ key: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

/** The key is one encoded path segment; Next may hand it over encoded or decoded. */
function keyOf(raw: string): string {
  if (!/%2F/i.test(raw)) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: keyOf((await params).key) };
}

function parentKey(s: InstanceState): string | undefined {
  const p = s.parent;
  return p === undefined
    ? undefined
    : [p.source, p.process, p.instance].map(encodeURIComponent).join('/');
}

function Summary({ state }: { state: InstanceState }) {
  const parent = parentKey(state);
  return (
    <section className="panel" aria-labelledby="summary-title">
      <h2 id="summary-title" className="visually-hidden">
        Summary
      </h2>
      <dl className="kv">
        <dt>Status</dt>
        <dd>
          <StatusBadge status={state.status} />
          {state.error ? <span> — {state.error.message}</span> : null}
        </dd>
        <dt>Process</dt>
        <dd>
          <Link href={searchHref({ process: state.process })}>{state.process}</Link> ·{' '}
          <Link href={`/heatmaps/${encodeURIComponent(state.process)}`}>heat map</Link>
        </dd>
        <dt>System</dt>
        <dd>
          {state.source}
          {state.systems.length > 1 ? (
            <span className="muted"> (involves {state.systems.join(', ')})</span>
          ) : null}
        </dd>
        <dt>Owner</dt>
        <dd>
          {state.owner ? <Link href={searchHref({ owner: state.owner })}>{state.owner}</Link> : '—'}
        </dd>
        <dt>Business keys</dt>
        <dd>
          {Object.entries(state.businessKeys).length === 0
            ? '—'
            : Object.entries(state.businessKeys).map(([k, v], i) => (
                <span key={k}>
                  {i > 0 ? ', ' : ''}
                  <Link
                    href={searchHref({ businessKey: v })}
                    title="Every instance in every system with this key"
                  >
                    {k}={v}
                  </Link>
                </span>
              ))}
        </dd>
        <dt>Started</dt>
        <dd>
          {formatTime(state.startedAt ?? state.firstEventAt)}
          {state.durationMs !== undefined ? ` · took ${formatDuration(state.durationMs)}` : ''}
        </dd>
        <dt>Last event</dt>
        <dd>
          {formatTime(state.lastEventAt)} <span className="muted">({state.lastEventType})</span>
        </dd>
        {parent && (
          <>
            <dt>Parent</dt>
            <dd>
              <Link href={instanceHref(parent)}>{parent}</Link>
            </dd>
          </>
        )}
        {state.expectations.length > 0 && (
          <>
            <dt>Expects</dt>
            <dd>
              {state.expectations.map((e) => (
                <div key={e.id}>
                  <Link
                    href={searchHref({
                      system: e.system,
                      process: e.process,
                      businessKey: Object.values(state.businessKeys)[0],
                    })}
                  >
                    {e.process} in {e.system}
                  </Link>{' '}
                  <StatusBadge status={e.status === 'open' ? 'waiting' : 'completed'} />
                  {e.deadline ? (
                    <span className="muted"> deadline {formatTime(e.deadline)}</span>
                  ) : null}
                </div>
              ))}
            </dd>
          </>
        )}
        <dt>Trace</dt>
        <dd>
          {state.traceIds.length === 0
            ? '—'
            : state.traceIds.map((id) => {
                const url = traceUrl(id);
                return (
                  <div key={id}>
                    {url ? (
                      <a href={url} target="_blank" rel="noreferrer">
                        trace {id.slice(0, 12)}…
                      </a>
                    ) : (
                      <span title="Set FLOWTRAIL_TRACE_URL (with {traceId}) to link to Jaeger or Tempo">
                        <code>{id}</code>
                      </span>
                    )}
                  </div>
                );
              })}
        </dd>
      </dl>
    </section>
  );
}

async function TimelineSection({
  instanceKey,
  asOf,
  state,
}: {
  instanceKey: string;
  asOf?: string;
  state: InstanceState;
}) {
  const result = await attempt(getTimeline(instanceKey));
  const terminal = ['completed', 'failed', 'cancelled'].includes(state.status);
  const min = result.ok ? Date.parse(result.value.start) : Date.parse(state.firstEventAt);
  const max = result.ok
    ? Date.parse(result.value.end)
    : terminal
      ? Date.parse(state.lastEventAt)
      : Date.now();
  const asOfMs = asOf === undefined ? undefined : Date.parse(asOf);
  return (
    <>
      <section className="panel" aria-labelledby="timeline-title">
        <h2 id="timeline-title">End-to-end timeline</h2>
        {result.ok ? (
          <TimelineChart timeline={result.value} {...(asOf ? { asOf } : {})} />
        ) : (
          <ErrorPanel title="The timeline could not be loaded" error={result.error} />
        )}
      </section>
      <section className="panel" aria-labelledby="asof-title">
        <h2 id="asof-title" className="visually-hidden">
          Time travel
        </h2>
        <TimeSlider
          min={min}
          max={Math.max(max, min + 1000)}
          {...(asOfMs !== undefined && Number.isFinite(asOfMs) ? { value: asOfMs } : {})}
        />
      </section>
    </>
  );
}

async function StateAsOf({ instanceKey, asOf }: { instanceKey: string; asOf: string }) {
  const result = await attempt(getStateAsOf(instanceKey, asOf));
  if (!result.ok)
    return (
      <ErrorPanel
        title={`The state as of ${formatTime(asOf)} could not be rebuilt`}
        error={result.error}
      />
    );
  const s = result.value;
  return (
    <section className="panel" aria-labelledby="state-title">
      <h2 id="state-title">State as of {formatTime(asOf)}</h2>
      {s === null ? <p>Nothing had happened yet at that moment.</p> : <StepsTable state={s} />}
    </section>
  );
}

function StepsTable({ state }: { state: InstanceState }) {
  return (
    <>
      <p>
        Status <StatusBadge status={state.status} /> · {state.eventCount} events · current steps:{' '}
        {state.currentSteps.join(', ') || '—'}
        {state.waits.length > 0
          ? ` · waiting: ${state.waits.map((w) => `${w.step}${w.for ? ` for ${w.for}` : ''}`).join(', ')}`
          : ''}
      </p>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Step</th>
              <th scope="col">Status</th>
              <th scope="col">Owner</th>
              <th scope="col">Started</th>
              <th scope="col">Ended</th>
              <th scope="col" className="num">
                Duration
              </th>
              <th scope="col">Deadline</th>
            </tr>
          </thead>
          <tbody>
            {state.steps.map((st) => (
              <tr key={st.name}>
                <td>
                  {st.name}
                  {st.attempts > 1 ? <span className="muted"> ×{st.attempts}</span> : null}
                </td>
                <td>
                  <StatusBadge status={st.status} />
                  {st.waitingFor ? <div className="muted">for {st.waitingFor}</div> : null}
                </td>
                <td>{st.owner ?? '—'}</td>
                <td>{formatTime(st.startedAt)}</td>
                <td>{formatTime(st.endedAt)}</td>
                <td className="num">{formatDuration(st.durationMs)}</td>
                <td>{formatTime(st.deadline)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

async function AlertsSection({ instanceKey }: { instanceKey: string }) {
  const result = await attempt(listAlerts({ instance: instanceKey, size: '50' }));
  if (!result.ok) return <ErrorPanel title="Alerts could not be loaded" error={result.error} />;
  const { alerts } = result.value;
  return (
    <section className="panel" aria-labelledby="alerts-title">
      <h2 id="alerts-title">Findings and alerts</h2>
      {alerts.length === 0 ? (
        <p className="muted">No alerts about this instance.</p>
      ) : (
        <ul>
          {alerts.map((a) => (
            <li key={a.id}>
              <StatusBadge status={a.status} /> <strong>{a.kind}</strong>: {a.summary}{' '}
              <Link href="/alerts">manage</Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

async function EventsSection({ instanceKey }: { instanceKey: string }) {
  const result = await attempt(getEvents(instanceKey));
  if (!result.ok) return <ErrorPanel title="Events could not be loaded" error={result.error} />;
  return (
    <section aria-labelledby="events-title">
      <h2 id="events-title">Raw events ({result.value.length})</h2>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Type</th>
              <th scope="col">Step</th>
              <th scope="col">Owner</th>
              <th scope="col" className="hide-narrow">
                Id
              </th>
              <th scope="col">Data</th>
            </tr>
          </thead>
          <tbody>
            {result.value.map((e) => (
              <tr key={e.id}>
                <td>{formatTime(e.time)}</td>
                <td>{e.type.replace(/^flowtrail\./, '')}</td>
                <td>{e.ftstep ?? '—'}</td>
                <td>{e.ftowner ?? '—'}</td>
                <td className="hide-narrow">
                  <code>{e.id}</code>
                </td>
                <td>
                  {e.data && Object.keys(e.data).length > 0 ? (
                    <details>
                      <summary>data</summary>
                      <pre>{JSON.stringify(e.data, null, 2)}</pre>
                    </details>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export default async function InstancePage({ params, searchParams }: Props) {
  const key = keyOf((await params).key);
  const asOf = one((await searchParams).asOf);
  const result = await attempt(getInstance(key));
  if (!result.ok) {
    if (result.error.status === 404) notFound();
    throw result.error;
  }
  const state = result.value;
  return (
    <>
      <div className="page-head">
        <h1>
          {state.process} <span className="muted">{state.instance}</span>
        </h1>
        <code className="muted">{state.key}</code>
        <LiveRefresh intervalMs={config.refreshMs} instanceKey={state.key} />
      </div>
      <Summary state={state} />
      <Suspense fallback={<BlockSkeleton height={260} label="Loading timeline" />}>
        <TimelineSection instanceKey={key} state={state} {...(asOf ? { asOf } : {})} />
      </Suspense>
      {asOf && (
        <Suspense key={asOf} fallback={<TableSkeleton rows={4} label="Rebuilding the state" />}>
          <StateAsOf instanceKey={key} asOf={asOf} />
        </Suspense>
      )}
      {!asOf && (
        <section className="panel" aria-labelledby="steps-title">
          <h2 id="steps-title">Steps (current state)</h2>
          <StepsTable state={state} />
        </section>
      )}
      <Suspense fallback={<BlockSkeleton height={90} label="Loading alerts" />}>
        <AlertsSection instanceKey={key} />
      </Suspense>
      <Suspense fallback={<TableSkeleton rows={6} label="Loading events" />}>
        <EventsSection instanceKey={key} />
      </Suspense>
    </>
  );
}
