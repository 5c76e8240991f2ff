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

/** Events shown at first: a long-running instance may have thousands. */
export const EVENTS_WINDOW = 200;

/**
 * An instance's raw events as a table, each event's data behind a disclosure — the
 * newest `EVENTS_WINDOW` of them unless `all` (a link asks for the rest), so a page of
 * an instance with thousands of events stays small.
 */
export function RawEvents({
  events,
  all = false,
  allHref,
}: {
  events: FlowtrailEvent[];
  all?: boolean;
  allHref?: string;
}) {
  const shown = all || events.length <= EVENTS_WINDOW ? events : events.slice(-EVENTS_WINDOW);
  return (
    <section aria-labelledby="events-title">
      <h2 id="events-title">Raw events ({events.length})</h2>
      {shown.length < events.length && (
        <p className="muted">
          The newest {shown.length} of {events.length}.{' '}
          {allHref !== undefined && <a href={allHref}>Show all {events.length}</a>}
        </p>
      )}
      <DataTable columns={columns} rows={shown} rowKey={(e) => e.id} />
    </section>
  );
}
