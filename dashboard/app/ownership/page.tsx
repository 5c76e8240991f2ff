import type { Metadata } from 'next';
import Link from 'next/link';
import { Suspense } from 'react';
import { ErrorPanel } from '@/components/error-panel';
import { TableSkeleton } from '@/components/skeletons';
import { attempt, getOwnership } from '@/lib/api';
import { searchHref } from '@/lib/format';
import type { OwnershipRow } from '@/lib/types';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Ownership' };

const COLUMNS = [
  { name: 'open', label: 'Open', status: undefined },
  { name: 'waiting', label: 'Waiting', status: 'waiting' },
  { name: 'stuck', label: 'Stuck', status: 'stuck' },
] as const;

function OwnerTable({
  caption,
  rows,
  team,
}: {
  caption: string;
  rows: OwnershipRow[];
  team: boolean;
}) {
  if (rows.length === 0) return <div className="panel">No open instances.</div>;
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{team ? 'Team' : 'Owner'}</th>
            {COLUMNS.map((c) => (
              <th key={c.name} scope="col" className="num">
                {c.label}
              </th>
            ))}
            {team && <th scope="col">Owners</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.name}>
              <th scope="row">{r.name}</th>
              {COLUMNS.map((c) => {
                const cell = r[c.name];
                // Drill-down: the owner filter of the search (team rows search their owners one by one).
                const owner = team ? (r.owners?.length === 1 ? r.owners[0] : undefined) : r.name;
                return (
                  <td key={c.name} className="num">
                    {cell.count > 0 && owner !== undefined && owner !== 'unowned' ? (
                      <Link
                        href={searchHref({ owner, status: c.status })}
                        aria-label={`${cell.count} ${c.label.toLowerCase()} instances of ${r.name}`}
                      >
                        {cell.count}
                      </Link>
                    ) : (
                      cell.count
                    )}
                  </td>
                );
              })}
              {team && (
                <td>
                  {(r.owners ?? []).map((o, i) => (
                    <span key={o}>
                      {i > 0 ? ', ' : ''}
                      <Link href={searchHref({ owner: o })}>{o}</Link>
                    </span>
                  ))}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

async function OwnershipTables() {
  const result = await attempt(getOwnership());
  if (!result.ok) return <ErrorPanel title="Ownership could not be loaded" error={result.error} />;
  const { owners, teams } = result.value;
  return (
    <div className="cols">
      <section aria-labelledby="owners-title">
        <h2 id="owners-title">Owners</h2>
        <OwnerTable
          caption="Open, waiting and stuck instances per owner"
          rows={owners}
          team={false}
        />
      </section>
      <section aria-labelledby="teams-title">
        <h2 id="teams-title">Teams</h2>
        <OwnerTable caption="Open, waiting and stuck instances per team" rows={teams ?? []} team />
      </section>
    </div>
  );
}

export default function OwnershipPage() {
  return (
    <>
      <div className="page-head">
        <h1>Ownership</h1>
      </div>
      <p className="muted">
        Who owns what now: open, waiting and stuck instances per owner and team. Counts link to the
        search.
      </p>
      <Suspense fallback={<TableSkeleton rows={8} label="Loading ownership" />}>
        <OwnershipTables />
      </Suspense>
    </>
  );
}
