import Link from 'next/link';
import { ErrorPanel } from '@/components/error-panel';
import { StatusBadge } from '@/components/status-badge';
import { attempt, searchInstances, type SearchParams } from '@/lib/api';
import { config } from '@/lib/config';
import { businessKeysText, formatTime, instanceHref, searchHref } from '@/lib/format';
import type { FacetValue } from '@/lib/types';

const FACETS = [
  ['status', 'Status'],
  ['process', 'Process'],
  ['system', 'System'],
  ['owner', 'Owner'],
] as const;

function firstEventCurl(apiUrl: string): string {
  const event = {
    specversion: '1.0',
    id: 'first-event-1',
    source: 'orders',
    type: 'flowtrail.process.started',
    time: new Date().toISOString(),
    ftprocess: 'order-fulfilment',
    ftinstance: 'o-4711',
    data: { businessKeys: { orderId: '4711' } },
  };
  return (
    `curl -i -X POST ${apiUrl}/api/events \\\n` +
    `  -H 'content-type: application/cloudevents+json' \\\n` +
    `  -d '${JSON.stringify(event)}'`
  );
}

function Onboarding() {
  return (
    <section className="panel onboarding" aria-labelledby="onboarding-title">
      <h2 id="onboarding-title">No events yet — send your first one</h2>
      <p>
        Flowtrail shows what your systems report. Post a CloudEvent to the collector at{' '}
        <code>{config.apiUrl}</code>:
      </p>
      {/* Focusable, so the keyboard can scroll it on a narrow screen; a named region. */}
      <pre role="region" aria-label="Command that sends a first event" tabIndex={0}>
        {firstEventCurl(config.apiUrl)}
      </pre>
      <p>
        Then reload this page. To instrument a service, use <code>@flowtrail/sdk</code> with its{' '}
        <code>HttpTransport</code>; to see demo traffic from shop, payments and logistics, run{' '}
        <code>npx flowtrail up --demo</code>.
      </p>
    </section>
  );
}

function Facet({
  name,
  label,
  values,
  params,
}: {
  name: (typeof FACETS)[number][0];
  label: string;
  values: FacetValue[];
  params: SearchParams;
}) {
  if (values.length === 0) return null;
  return (
    <>
      <h3>{label}</h3>
      <ul>
        {values.slice(0, 12).map((v) => {
          const active = params[name] === v.value;
          return (
            <li key={v.value}>
              <Link
                href={searchHref({
                  ...params,
                  from: undefined,
                  [name]: active ? undefined : v.value,
                })}
                aria-current={active ? 'true' : undefined}
                title={active ? `Remove filter ${name}=${v.value}` : `Filter ${name}=${v.value}`}
              >
                {active ? `✓ ${v.value}` : v.value}
              </Link>
              <span className="muted">{v.count}</span>
            </li>
          );
        })}
      </ul>
    </>
  );
}

export async function SearchResults({ params }: { params: SearchParams }) {
  const result = await attempt(searchInstances(params));
  if (!result.ok) return <ErrorPanel title="Search failed" error={result.error} />;
  const { total, instances, facets } = result.value;
  const filtered = Object.keys(params).some(
    (k) => k !== 'from' && k !== 'size' && k !== 'sort' && k !== 'order',
  );
  if (total === 0 && !filtered) return <Onboarding />;
  const from = Number(params.from ?? '0') || 0;
  const size = Number(params.size ?? '20') || 20;
  return (
    <div className="search-layout">
      <aside className="panel facets" aria-label="Facets">
        {FACETS.map(([name, label]) => (
          <Facet
            key={name}
            name={name}
            label={label}
            values={facets?.[name] ?? []}
            params={params}
          />
        ))}
      </aside>
      <section aria-label="Results">
        <p aria-live="polite">
          <strong>{total}</strong> instance{total === 1 ? '' : 's'}
          {total > 0 ? `, showing ${from + 1}–${from + instances.length}` : ''}
        </p>
        {total === 0 ? (
          <div className="panel">
            No instance matches this search. Remove a filter or try a business key.
          </div>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Instance</th>
                  <th scope="col">Status</th>
                  <th scope="col">Process</th>
                  <th scope="col">System</th>
                  <th scope="col">Business keys</th>
                  <th scope="col">Owner</th>
                  <th scope="col">Last event</th>
                </tr>
              </thead>
              <tbody>
                {instances.map((i) => (
                  <tr key={i.key}>
                    <td>
                      <Link href={instanceHref(i.key)}>{i.instance}</Link>
                    </td>
                    <td>
                      <StatusBadge status={i.status} />
                    </td>
                    <td>{i.process}</td>
                    <td>
                      {i.source}
                      {i.systems.length > 1 && (
                        <span className="muted">
                          {' '}
                          → {i.systems.filter((s) => s !== i.source).join(', ')}
                        </span>
                      )}
                    </td>
                    <td>{businessKeysText(i.businessKeys) || '—'}</td>
                    <td>{i.owner ?? '—'}</td>
                    <td>
                      {formatTime(i.lastEventAt)}
                      <div className="muted">{i.lastEventType.replace(/^flowtrail\./, '')}</div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <nav className="pager" aria-label="Pages">
          <Link
            className="btn btn-secondary btn-small"
            href={searchHref({ ...params, from: String(Math.max(0, from - size)) })}
            aria-disabled={from === 0 ? 'true' : undefined}
            tabIndex={from === 0 ? -1 : undefined}
          >
            ← Previous
          </Link>
          <span className="muted">
            Page {Math.floor(from / size) + 1} of {Math.max(1, Math.ceil(total / size))}
          </span>
          <Link
            className="btn btn-secondary btn-small"
            href={searchHref({ ...params, from: String(from + size) })}
            aria-disabled={from + size >= total ? 'true' : undefined}
            tabIndex={from + size >= total ? -1 : undefined}
          >
            Next →
          </Link>
        </nav>
      </section>
    </div>
  );
}
