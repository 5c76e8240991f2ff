import type { Metadata } from 'next';
import Link from 'next/link';
import { Suspense } from 'react';
import { ErrorPanel } from '@/components/error-panel';
import { LiveRefresh } from '@/components/live-refresh';
import { TableSkeleton } from '@/components/skeletons';
import { StatusBadge } from '@/components/status-badge';
import { repairedAutomatically } from '@/lib/alert-repair';
import { attempt, listAlerts, liveWatermark } from '@/lib/api';
import { config } from '@/lib/config';
import { formatTime, instanceHref } from '@/lib/format';
import type { Alert, AlertHistoryEntry, AlertListItem } from '@/lib/types';
import { acknowledgeAlert, silenceAlert } from './actions';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Alerts' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const VIEWS = [
  {
    value: 'open',
    label: 'Open (pending, firing, acknowledged, silenced)',
    status: 'pending,firing,acknowledged,silenced',
  },
  { value: 'firing', label: 'Firing', status: 'firing' },
  // Past a deadline but maybe only late: fires after the delivery grace, or clears.
  { value: 'pending', label: 'Pending', status: 'pending' },
  { value: 'resolved', label: 'Resolved', status: 'resolved' },
] as const;

/** The alert's history (oldest first): status changes, ladder rungs as notes. */
function AlertHistory({
  alert,
  history,
}: {
  alert: Alert;
  history: AlertHistoryEntry[] | undefined;
}) {
  return (
    <details className="alert-history">
      <summary aria-label={`History of ${alert.kind} alert on ${alert.instance}`}>
        History{history === undefined ? '' : ` (${history.length})`}
      </summary>
      {history === undefined ? (
        <p className="muted">The history could not be loaded.</p>
      ) : history.length === 0 ? (
        <p className="muted">No entries.</p>
      ) : (
        <ol>
          {history.map((h, i) => (
            <li key={`${h.at}-${i}`} data-status={h.status}>
              <time dateTime={h.at}>{formatTime(h.at)}</time> <strong>{h.status}</strong>
              {h.note ? <span className="muted"> — {h.note}</span> : null}
            </li>
          ))}
        </ol>
      )}
    </details>
  );
}

function AlertRow({ alert, history }: { alert: Alert; history: AlertHistoryEntry[] | undefined }) {
  const open = alert.status !== 'resolved';
  return (
    <tr>
      <td>
        <StatusBadge status={alert.status} />
        {alert.status === 'acknowledged' && alert.acknowledgedBy && (
          <div className="muted">by {alert.acknowledgedBy}</div>
        )}
        {alert.status === 'silenced' && (
          <div className="muted">until {formatTime(alert.silencedUntil)}</div>
        )}
      </td>
      <td>{alert.kind}</td>
      <td>
        {alert.summary}
        <div className="muted">
          <Link href={instanceHref(alert.instance)}>{alert.instance}</Link>
          {alert.step ? ` · step ${alert.step}` : ''}
        </div>
        <AlertHistory alert={alert} history={history} />
      </td>
      <td>{alert.owner ?? 'unowned'}</td>
      <td>
        {formatTime(alert.since)}
        <div className="muted">last seen {formatTime(alert.lastSeenAt)}</div>
      </td>
      <td>
        {open ? (
          <div className="alert-actions">
            {alert.status !== 'acknowledged' && (
              <form action={acknowledgeAlert}>
                <input type="hidden" name="id" value={alert.id} />
                <button
                  type="submit"
                  className="btn btn-small"
                  aria-label={`Acknowledge ${alert.kind} alert on ${alert.instance}`}
                >
                  Acknowledge
                </button>
              </form>
            )}
            <form action={silenceAlert}>
              <input type="hidden" name="id" value={alert.id} />
              <label className="visually-hidden" htmlFor={`silence-${alert.id}`}>
                Silence for
              </label>
              <select id={`silence-${alert.id}`} name="for" defaultValue="1h">
                <option value="30m">30 min</option>
                <option value="1h">1 h</option>
                <option value="4h">4 h</option>
                <option value="24h">24 h</option>
                <option value="7d">7 d</option>
              </select>
              <button
                type="submit"
                className="btn btn-secondary btn-small"
                aria-label={`Silence ${alert.kind} alert on ${alert.instance}`}
              >
                Silence
              </button>
            </form>
          </div>
        ) : (
          <span className="muted">
            resolved {formatTime(alert.resolvedAt)}
            {repairedAutomatically({ status: alert.status, history }) && (
              <span className="badge badge-repaired">repaired automatically</span>
            )}
          </span>
        )}
      </td>
    </tr>
  );
}

/**
 * How many of the most recently resolved alerts the systems repaired themselves (the
 * ladder's resend, nobody stepping in): what self-repair saves the people on call.
 */
async function RepairedCount() {
  const result = await attempt(listAlerts({ status: 'resolved', size: '100', history: 'true' }));
  if (!result.ok || result.value.alerts.length === 0) return null;
  const { alerts } = result.value;
  const repaired = alerts.filter((a) => repairedAutomatically(a)).length;
  return (
    <p className="repaired-count">
      <strong>Repaired automatically: {repaired}</strong> of the {alerts.length} most recently
      resolved alerts — a system resent what was lost when Flowtrail asked, nobody had to step in.
    </p>
  );
}

async function AlertList({ status }: { status: string }) {
  // One request: each alert comes with its history (`history=true`).
  const result = await attempt(listAlerts({ status, size: '100', history: 'true' }));
  if (!result.ok) return <ErrorPanel title="Alerts could not be loaded" error={result.error} />;
  const { alerts, total } = result.value;
  if (alerts.length === 0) {
    return (
      <div className="panel">
        No alerts here. Detection reports stuck and inconsistent instances as alerts.
      </div>
    );
  }
  const groups = new Map<string, AlertListItem[]>();
  for (const a of alerts) groups.set(a.group, [...(groups.get(a.group) ?? []), a]);
  return (
    <>
      <p>
        {total} alert{total === 1 ? '' : 's'} in {groups.size} group{groups.size === 1 ? '' : 's'}
        {total > alerts.length ? ` (showing the ${alerts.length} most recent)` : ''}
      </p>
      {[...groups].map(([group, list]) => (
        <section key={group} className="alert-group" aria-labelledby={`g-${group}`}>
          <h2 id={`g-${group}`}>
            {group} <span className="muted">({list.length})</span>
          </h2>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Status</th>
                  <th scope="col">Kind</th>
                  <th scope="col">What</th>
                  <th scope="col">Owner</th>
                  <th scope="col">Since</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {list.map((a) => (
                  <AlertRow key={a.id} alert={a} history={a.history} />
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </>
  );
}

export default async function AlertsPage({ searchParams }: Props) {
  const since = await liveWatermark(); // before any data is read (LiveRefresh)
  const raw = await searchParams;
  const viewName = typeof raw.view === 'string' ? raw.view : 'open';
  const view = VIEWS.find((v) => v.value === viewName) ?? VIEWS[0];
  return (
    <>
      <div className="page-head">
        <h1>Alerts</h1>
        <LiveRefresh intervalMs={config.refreshMs} alertsOnly since={since} />
      </div>
      <nav className="tabs" aria-label="Alert status">
        {VIEWS.map((v) => (
          <Link
            key={v.value}
            href={`/alerts?view=${v.value}`}
            aria-current={v.value === view.value ? 'true' : undefined}
          >
            {v.label}
          </Link>
        ))}
      </nav>
      <Suspense fallback={null}>
        <RepairedCount />
      </Suspense>
      <Suspense key={view.value} fallback={<TableSkeleton rows={6} label="Loading alerts" />}>
        <AlertList status={view.status} />
      </Suspense>
    </>
  );
}
