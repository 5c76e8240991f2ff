import type { Metadata } from 'next';
import Link from 'next/link';
import { Suspense } from 'react';
import { ErrorPanel } from '@/components/error-panel';
import { TableSkeleton } from '@/components/skeletons';
import { attempt, listProcesses } from '@/lib/api';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Heat maps' };

async function ProcessList() {
  const result = await attempt(listProcesses());
  if (!result.ok) return <ErrorPanel title="Processes could not be loaded" error={result.error} />;
  if (result.value.length === 0) {
    return (
      <div className="panel">
        No processes yet. <Link href="/">Send a first event</Link> to see its heat map.
      </div>
    );
  }
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Process</th>
            <th scope="col" className="num">
              Instances
            </th>
          </tr>
        </thead>
        <tbody>
          {result.value.map((p) => (
            <tr key={p.value}>
              <td>
                <Link href={`/heatmaps/${encodeURIComponent(p.value)}`}>{p.value}</Link>
              </td>
              <td className="num">{p.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default function HeatmapsPage() {
  return (
    <>
      <div className="page-head">
        <h1>Step heat maps</h1>
      </div>
      <p className="muted">Pick a process: time spent per step by hour of day and weekday.</p>
      <Suspense fallback={<TableSkeleton rows={5} label="Loading processes" />}>
        <ProcessList />
      </Suspense>
    </>
  );
}
