import { DataTable, type Column } from '@/components/data-table';
import { formatTime } from '@/lib/format';
import type { FlowtrailEvent } from '@/lib/types';

const columns: Column<FlowtrailEvent>[] = [
  { header: 'Time', cell: (e) => formatTime(e.time) },
  { header: 'Type', cell: (e) => e.type.replace(/^flowtrail\./, '') },
  { header: 'Step', cell: (e) => e.ftstep ?? '—' },
  { header: 'Owner', cell: (e) => e.ftowner ?? '—' },
  { header: 'Id', className: 'hide-narrow', cell: (e) => <code>{e.id}</code> },
  {
    header: 'Data',
    cell: (e) =>
      e.data && Object.keys(e.data).length > 0 ? (
        <details>
          <summary>data</summary>
          <pre>{JSON.stringify(e.data, null, 2)}</pre>
        </details>
      ) : (
        '—'
      ),
  },
];

/** An instance's raw events as a table, each event's data behind a disclosure. */
export function RawEvents({ events }: { events: FlowtrailEvent[] }) {
  return (
    <section aria-labelledby="events-title">
      <h2 id="events-title">Raw events ({events.length})</h2>
      <DataTable columns={columns} rows={events} rowKey={(e) => e.id} />
    </section>
  );
}
