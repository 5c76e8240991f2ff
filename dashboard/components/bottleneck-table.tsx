import Link from 'next/link';
import { BottleneckChart } from '@/components/bottleneck-chart';
import { DataTable, type Column } from '@/components/data-table';
import { formatDuration, searchHref } from '@/lib/format';
import type { Bottleneck } from '@/lib/types';

const columns = (process: string): Column<Bottleneck>[] => [
  { header: '#', className: 'num', cell: (_, i) => i + 1 },
  {
    header: 'Step',
    cell: (b) => <Link href={searchHref({ process, step: b.step })}>{b.step}</Link>,
  },
  { header: 'Attempts', className: 'num', cell: (b) => b.count },
  { header: 'Total', className: 'num', cell: (b) => formatDuration(b.totalMs) },
  { header: 'Median', className: 'num', cell: (b) => formatDuration(b.medianMs) },
  { header: 'p95', className: 'num', cell: (b) => formatDuration(b.p95Ms) },
];

/** Total time per step: the twelve largest as a chart, all of them as a table. */
export function BottleneckTable({
  process,
  bottlenecks,
}: {
  process: string;
  bottlenecks: Bottleneck[];
}) {
  return (
    <section className="panel" aria-labelledby="bottleneck-title">
      <h2 id="bottleneck-title">Bottlenecks: total time per step</h2>
      <BottleneckChart
        data={bottlenecks.slice(0, 12).map((b) => ({ step: b.step, totalMin: b.totalMs / 60_000 }))}
      />
      <DataTable columns={columns(process)} rows={bottlenecks} rowKey={(b) => b.step} />
    </section>
  );
}
