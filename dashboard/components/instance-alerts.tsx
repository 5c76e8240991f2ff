import Link from 'next/link';
import { StatusBadge } from '@/components/status-badge';
import type { Alert } from '@/lib/types';

/** The findings and alerts about one instance, each linking to the alerts page. */
export function InstanceAlerts({ alerts }: { alerts: Alert[] }) {
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
