import Link from 'next/link';
import { StatusBadge } from '@/components/status-badge';
import { traceUrl } from '@/lib/config';
import { formatDuration, formatTime, instanceHref, searchHref } from '@/lib/format';
import type { InstanceState } from '@/lib/types';

/** The parent's instance key, encoded like the instance page's path segment. */
function parentKey(s: InstanceState): string | undefined {
  const p = s.parent;
  return p === undefined
    ? undefined
    : [p.source, p.process, p.instance].map(encodeURIComponent).join('/');
}

/** The instance page's summary: status, process, system, owner, keys, parent, traces. */
export function InstanceSummary({ state }: { state: InstanceState }) {
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
