import type { Metadata } from 'next';
import Link from 'next/link';
import { Suspense } from 'react';
import { BottleneckChart } from '@/components/bottleneck-chart';
import { ErrorPanel } from '@/components/error-panel';
import { BlockSkeleton, TableSkeleton } from '@/components/skeletons';
import { attempt, getDefinition, getHeatmap, getProcessGraph } from '@/lib/api';
import { deadlineBand, parseDuration } from '@/lib/duration';
import { formatDuration, one, searchHref } from '@/lib/format';
import type { HeatmapCell, ProcessDefinition } from '@/lib/types';

export const dynamic = 'force-dynamic';

type Props = {
  params: Promise<{ process: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Heat map ${decodeURIComponent((await params).process)}` };
}

const METRICS = [
  { value: 'count', label: 'Count' },
  { value: 'median', label: 'Median duration' },
  { value: 'p95', label: 'p95 duration' },
  { value: 'waiting', label: 'Median waiting' },
] as const;
type Metric = (typeof METRICS)[number]['value'];
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function metricOf(cell: HeatmapCell, metric: Metric): number | undefined {
  if (metric === 'count') return cell.count;
  if (metric === 'median') return cell.medianMs;
  if (metric === 'p95') return cell.p95Ms;
  return cell.medianWaitingMs;
}

const BAND_STYLE = {
  ok: { background: '#c8e6c9', color: '#1b1f24' },
  near: { background: '#ffe082', color: '#1b1f24' },
  over: { background: '#c62828', color: '#fff' },
} as const;

/** Per step: the deadline the metric is measured against (waits: waitDeadline first). */
function stepDeadlines(
  definition: ProcessDefinition | null,
  metric: Metric,
): Map<string, { text: string; ms: number }> {
  const out = new Map<string, { text: string; ms: number }>();
  if (definition === null || metric === 'count') return out;
  for (const step of definition.steps ?? []) {
    const text = metric === 'waiting' ? (step.waitDeadline ?? step.deadline) : step.deadline;
    const ms = parseDuration(text);
    if (text !== undefined && ms !== undefined && ms > 0) out.set(step.name, { text, ms });
  }
  return out;
}

function show(value: number | undefined, metric: Metric): string {
  if (value === undefined) return '';
  return metric === 'count' ? String(value) : formatDuration(value);
}

async function HeatGrid({
  process,
  dimension,
  metric,
}: {
  process: string;
  dimension: 'hour' | 'weekday';
  metric: Metric;
}) {
  const [result, definition] = await Promise.all([
    attempt(getHeatmap(process, dimension)),
    attempt(getDefinition(process)),
  ]);
  if (!result.ok) return <ErrorPanel title="Heat map could not be loaded" error={result.error} />;
  const map = result.value;
  const deadlines = stepDeadlines(definition.ok ? definition.value : null, metric);
  const byKey = new Map(map.cells.map((c) => [`${c.step}|${c.bucket}`, c]));
  const values = map.cells
    .map((c) => metricOf(c, metric))
    .filter((v): v is number => v !== undefined);
  const max = Math.max(1, ...values);
  const label = (b: number) =>
    dimension === 'hour' ? String(b).padStart(2, '0') : (WEEKDAYS[b] ?? String(b));
  return (
    <>
      <section className="panel" aria-labelledby="heat-title">
        <h2 id="heat-title">
          {METRICS.find((m) => m.value === metric)?.label} per step ×{' '}
          {dimension === 'hour' ? 'hour of day (UTC)' : 'weekday (UTC)'}
        </h2>
        {deadlines.size > 0 && (
          <p className="muted heat-legend">
            Against the step&apos;s deadline from the definition:{' '}
            <span className="heat-key heat-ok">under 50 %</span>{' '}
            <span className="heat-key heat-near">under 100 %</span>{' '}
            <span className="heat-key heat-over">at or over</span>
          </p>
        )}
        {map.steps.length === 0 ? (
          <p>No step attempts with a known start yet.</p>
        ) : (
          <div
            className="heat"
            role="table"
            aria-label={`Heat map of ${process}`}
            style={{
              gridTemplateColumns: `minmax(110px, 160px) repeat(${map.buckets.length}, minmax(30px, 1fr))`,
            }}
          >
            <div role="row" style={{ display: 'contents' }}>
              <div role="columnheader" className="heat-head">
                step
              </div>
              {map.buckets.map((b) => (
                <div key={b} role="columnheader" className="heat-head">
                  {label(b)}
                </div>
              ))}
            </div>
            {map.steps.map((step) => {
              const deadline = deadlines.get(step);
              return (
                <div role="row" key={step} style={{ display: 'contents' }}>
                  <div
                    role="rowheader"
                    className="heat-label"
                    title={deadline ? `${step} (deadline ${deadline.text})` : step}
                  >
                    {step}
                    {deadline && <span className="heat-deadline"> ≤ {deadline.text}</span>}
                  </div>
                  {map.buckets.map((b) => {
                    const cell = byKey.get(`${step}|${b}`);
                    const v = cell === undefined ? undefined : metricOf(cell, metric);
                    const t = v === undefined ? 0 : v / max;
                    const band =
                      v === undefined || deadline === undefined
                        ? undefined
                        : deadlineBand(v, deadline.ms);
                    return (
                      <div
                        key={b}
                        role="cell"
                        className={band ? `heat-cell heat-${band}` : 'heat-cell'}
                        data-band={band}
                        title={`${step}, ${label(b)}: ${cell === undefined ? 'no attempts' : `${cell.count} attempts, median ${formatDuration(cell.medianMs)}, p95 ${formatDuration(cell.p95Ms)}, waiting ${formatDuration(cell.medianWaitingMs)}`}${deadline ? `, deadline ${deadline.text}` : ''}`}
                        style={
                          band
                            ? BAND_STYLE[band]
                            : {
                                background:
                                  v === undefined
                                    ? '#f0f2f4'
                                    : `rgba(198, 40, 40, ${0.12 + 0.78 * t})`,
                                color: t > 0.55 ? '#fff' : '#1b1f24',
                              }
                        }
                      >
                        {show(v, metric)}
                      </div>
                    );
                  })}
                </div>
              );
            })}
          </div>
        )}
      </section>
      <section className="panel" aria-labelledby="bottleneck-title">
        <h2 id="bottleneck-title">Bottlenecks: total time per step</h2>
        <BottleneckChart
          data={map.bottlenecks
            .slice(0, 12)
            .map((b) => ({ step: b.step, totalMin: b.totalMs / 60_000 }))}
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
              {map.bottlenecks.map((b, i) => (
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
    </>
  );
}

async function GraphTable({ process }: { process: string }) {
  const result = await attempt(getProcessGraph(process));
  if (!result.ok)
    return <ErrorPanel title="Process graph could not be loaded" error={result.error} />;
  const g = result.value;
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

export default async function HeatmapPage({ params, searchParams }: Props) {
  const process = decodeURIComponent((await params).process);
  const raw = await searchParams;
  const dimension = one(raw.dimension) === 'weekday' ? 'weekday' : 'hour';
  const m = one(raw.metric);
  const metric: Metric = METRICS.some((x) => x.value === m) ? (m as Metric) : 'count';
  const base = `/heatmaps/${encodeURIComponent(process)}`;
  return (
    <>
      <div className="page-head">
        <h1>Heat map: {process}</h1>
        <Link href={searchHref({ process })}>Instances of {process}</Link>
      </div>
      <nav className="tabs" aria-label="Dimension">
        {(['hour', 'weekday'] as const).map((d) => (
          <Link
            key={d}
            href={`${base}?dimension=${d}&metric=${metric}`}
            aria-current={d === dimension ? 'true' : undefined}
          >
            {d === 'hour' ? 'Hour of day' : 'Weekday'}
          </Link>
        ))}
      </nav>
      <nav className="tabs" aria-label="Metric">
        {METRICS.map((x) => (
          <Link
            key={x.value}
            href={`${base}?dimension=${dimension}&metric=${x.value}`}
            aria-current={x.value === metric ? 'true' : undefined}
          >
            {x.label}
          </Link>
        ))}
      </nav>
      <Suspense
        key={`${dimension}-${metric}`}
        fallback={<BlockSkeleton height={420} label="Loading heat map" />}
      >
        <HeatGrid process={process} dimension={dimension} metric={metric} />
      </Suspense>
      <Suspense fallback={<TableSkeleton rows={5} label="Loading process graph" />}>
        <GraphTable process={process} />
      </Suspense>
    </>
  );
}
