import { DataTable, type Column } from '@/components/data-table';
import { formatDuration } from '@/lib/format';
import type { GraphEdge, ProcessGraph } from '@/lib/types';

const columns: Column<GraphEdge>[] = [
  { header: 'From', cell: (e) => e.from },
  { header: 'To', cell: (e) => e.to },
  { header: 'Count', className: 'num', cell: (e) => e.count },
  { header: 'Mean', className: 'num', cell: (e) => formatDuration(e.meanMs) },
  { header: 'Median', className: 'num', cell: (e) => formatDuration(e.medianMs) },
  { header: 'p95', className: 'num', cell: (e) => formatDuration(e.p95Ms) },
];

const counted = (steps: Record<string, number>): string =>
  Object.entries(steps)
    .map(([s, n]) => `${s} (${n})`)
    .join(', ') || '—';

/** The discovered process graph: start and end steps, and its edges with durations. */
export function ProcessGraphTable({ graph: g }: { graph: ProcessGraph }) {
  return (
    <section className="panel" aria-labelledby="graph-title">
      <h2 id="graph-title">Process graph (discovered from {g.instances} instances)</h2>
      <p className="muted">
        Start: {counted(g.startSteps)} · End: {counted(g.endSteps)} · durations: {g.mode}
      </p>
      <DataTable columns={columns} rows={g.edges} rowKey={(e) => `${e.from}→${e.to}`} />
    </section>
  );
}
