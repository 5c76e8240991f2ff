/** One process's heat map (step × hour or weekday, against the definition's deadlines), its bottlenecks and the process map with its graph table. */
import type { Metadata } from 'next';
import Link from 'next/link';
import { Suspense } from 'react';
import { BottleneckTable } from '@/components/bottleneck-table';
import { ErrorPanel } from '@/components/error-panel';
import { HeatmapGrid } from '@/components/heatmap-grid';
import { ProcessMapSection } from '@/components/process-map-section';
import { BlockSkeleton } from '@/components/skeletons';
import { attempt, getDefinition, getHeatmap } from '@/lib/api';
import { hrefWith, one, searchHref } from '@/lib/format';
import { METRICS, stepDeadlines, type Metric } from '@/lib/heatmap-metric';
import { parseColourBy } from '@/lib/process-map-colour';
import { parsePaths } from '@/lib/process-map-paths';

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

export default async function HeatmapPage({ params, searchParams }: Props) {
  const process = decodeURIComponent((await params).process);
  const raw = await searchParams;
  const dimension = one(raw.dimension) === 'weekday' ? 'weekday' : 'hour';
  const m = one(raw.metric);
  const metric: Metric = METRICS.some((x) => x.value === m) ? (m as Metric) : 'count';
  const colourBy = parseColourBy(one(raw.colour));
  const paths = parsePaths(one(raw.paths));
  const base = `/heatmaps/${encodeURIComponent(process)}`;
  // Every link keeps the other controls' state (the map's colour and paths too).
  const href = (over: { dimension?: string; metric?: string }) =>
    hrefWith(base, {
      dimension,
      metric,
      colour: one(raw.colour),
      paths: one(raw.paths),
      ...over,
    });
  return (
    <>
      <div className="page-head">
        <h1>Heat map: {process}</h1>
        <span>
          <Link href={`/processes/${encodeURIComponent(process)}/map`}>Process map</Link> ·{' '}
          <Link href={searchHref({ process })}>Instances of {process}</Link>
        </span>
      </div>
      <nav className="tabs" aria-label="Dimension">
        {(['hour', 'weekday'] as const).map((d) => (
          <Link
            key={d}
            href={href({ dimension: d })}
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
            href={href({ metric: x.value })}
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
      <Suspense
        key={`map-${colourBy}-${paths}`}
        fallback={<BlockSkeleton height={360} label="Loading process map" />}
      >
        <ProcessMapSection
          process={process}
          colourBy={colourBy}
          paths={paths}
          path={base}
          keep={{ dimension, metric }}
        />
      </Suspense>
    </>
  );
}
