import Link from 'next/link';
import { BottleneckChart } from '@/components/bottleneck-chart';
import { formatDuration, searchHref } from '@/lib/format';
import type { Bottleneck } from '@/lib/types';

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
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col" className="num">
                #
              </th>
              <th scope="col">Step</th>
              <th scope="col" className="num">
                Attempts
              </th>
              <th scope="col" className="num">
                Total
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
            {bottlenecks.map((b, i) => (
              <tr key={b.step}>
                <td className="num">{i + 1}</td>
                <td>
                  <Link href={searchHref({ process, step: b.step })}>{b.step}</Link>
                </td>
                <td className="num">{b.count}</td>
                <td className="num">{formatDuration(b.totalMs)}</td>
                <td className="num">{formatDuration(b.medianMs)}</td>
                <td className="num">{formatDuration(b.p95Ms)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
