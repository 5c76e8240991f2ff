/**
 * The process map's own view: the directly-follows graph of one process drawn (dagre),
 * coloured by frequency or duration, with Disco's paths slider; each step links to the
 * instances in it. The same section is on the heat-map page.
 */
import type { Metadata } from 'next';
import Link from 'next/link';
import { Suspense } from 'react';
import { ProcessMapSection } from '@/components/process-map-section';
import { BlockSkeleton } from '@/components/skeletons';
import { one, searchHref } from '@/lib/format';
import { parseColourBy } from '@/lib/process-map-colour';
import { parsePaths } from '@/lib/process-map-paths';

export const dynamic = 'force-dynamic';

type Props = {
  params: Promise<{ process: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Process map ${decodeURIComponent((await params).process)}` };
}

export default async function ProcessMapPage({ params, searchParams }: Props) {
  const process = decodeURIComponent((await params).process);
  const raw = await searchParams;
  const colourBy = parseColourBy(one(raw.colour));
  const paths = parsePaths(one(raw.paths));
  const path = `/processes/${encodeURIComponent(process)}/map`;
  return (
    <>
      <div className="page-head">
        <h1>Process map: {process}</h1>
        <span>
          <Link href={`/heatmaps/${encodeURIComponent(process)}`}>Heat map</Link> ·{' '}
          <Link href={searchHref({ process })}>Instances of {process}</Link>
        </span>
      </div>
      <Suspense
        key={`${colourBy}-${paths}`}
        fallback={<BlockSkeleton height={420} label="Loading process map" />}
      >
        <ProcessMapSection process={process} colourBy={colourBy} paths={paths} path={path} />
      </Suspense>
    </>
  );
}
