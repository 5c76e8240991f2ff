import type { Metadata } from 'next';
import Link from 'next/link';
import { Suspense } from 'react';
import { BottleneckTable } from '@/components/bottleneck-table';
import { ErrorPanel } from '@/components/error-panel';
import { HeatmapGrid } from '@/components/heatmap-grid';
import { ProcessGraphTable } from '@/components/process-graph-table';
import { BlockSkeleton, TableSkeleton } from '@/components/skeletons';
import { attempt, getDefinition, getHeatmap, getProcessGraph } from '@/lib/api';
import { one, searchHref } from '@/lib/format';
import { METRICS, stepDeadlines, type Metric } from '@/lib/heatmap-metric';

export const dynamic = 'force-dynamic';

type Props = {
  params: Promise<{ process: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Heat map ${decodeURIComponent((await params).process)}` };
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
  return (
    <>
      <HeatmapGrid
        process={process}
        dimension={dimension}
        metric={metric}
        map={map}
        deadlines={deadlines}
      />
      <BottleneckTable process={process} bottlenecks={map.bottlenecks} />
    </>
  );
}

async function GraphTable({ process }: { process: string }) {
  const result = await attempt(getProcessGraph(process));
  if (!result.ok)
    return <ErrorPanel title="Process graph could not be loaded" error={result.error} />;
  return <ProcessGraphTable graph={result.value} />;
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
