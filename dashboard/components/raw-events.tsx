import { formatTime } from '@/lib/format';
import type { FlowtrailEvent } from '@/lib/types';

/** An instance's raw events as a table, each event's data behind a disclosure. */
export function RawEvents({ events }: { events: FlowtrailEvent[] }) {
  return (
    <section aria-labelledby="events-title">
      <h2 id="events-title">Raw events ({events.length})</h2>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Type</th>
              <th scope="col">Step</th>
              <th scope="col">Owner</th>
              <th scope="col" className="hide-narrow">
                Id
              </th>
              <th scope="col">Data</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.id}>
                <td>{formatTime(e.time)}</td>
                <td>{e.type.replace(/^flowtrail\./, '')}</td>
                <td>{e.ftstep ?? '—'}</td>
                <td>{e.ftowner ?? '—'}</td>
                <td className="hide-narrow">
                  <code>{e.id}</code>
                </td>
                <td>
                  {e.data && Object.keys(e.data).length > 0 ? (
                    <details>
                      <summary>data</summary>
                      <pre>{JSON.stringify(e.data, null, 2)}</pre>
                    </details>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
