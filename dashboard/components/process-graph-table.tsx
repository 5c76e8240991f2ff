import { formatDuration } from '@/lib/format';
import type { ProcessGraph } from '@/lib/types';

/** The discovered process graph: start and end steps, and its edges with durations. */
export function ProcessGraphTable({ graph: g }: { graph: ProcessGraph }) {
  return (
    <section className="panel" aria-labelledby="graph-title">
      <h2 id="graph-title">Process graph (discovered from {g.instances} instances)</h2>
      <p className="muted">
        Start:{' '}
        {Object.entries(g.startSteps)
          .map(([s, n]) => `${s} (${n})`)
          .join(', ') || '—'}{' '}
        · End:{' '}
        {Object.entries(g.endSteps)
          .map(([s, n]) => `${s} (${n})`)
          .join(', ') || '—'}{' '}
        · durations: {g.mode}
      </p>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">From</th>
              <th scope="col">To</th>
              <th scope="col" className="num">
                Count
              </th>
              <th scope="col" className="num">
                Mean
              </th>
              <th scope="col" className="num">
                Median
              </th>
              <th scope="col" className="num">
                p95
              </th>
            </tr>
          </thead>
          <tbody>
            {g.edges.map((e) => (
              <tr key={`${e.from}→${e.to}`}>
                <td>{e.from}</td>
                <td>{e.to}</td>
                <td className="num">{e.count}</td>
                <td className="num">{formatDuration(e.meanMs)}</td>
                <td className="num">{formatDuration(e.medianMs)}</td>
                <td className="num">{formatDuration(e.p95Ms)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
