import type { Metadata } from 'next';
import Link from 'next/link';
import { Suspense } from 'react';
import { FirstVisitHints } from '@/components/first-visit-hints';
import { LiveRefresh } from '@/components/live-refresh';
import { TableSkeleton } from '@/components/skeletons';
import { SearchForm } from '@/components/search-form';
import { SearchResults } from '@/components/search-results';
import { liveWatermark, SEARCH_PARAMS, type SearchParams } from '@/lib/api';
import { config } from '@/lib/config';
import { one } from '@/lib/format';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Search' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function SearchPage({ searchParams }: Props) {
  const since = await liveWatermark(); // before any data is read (LiveRefresh)
  const raw = await searchParams;
  const params: SearchParams = {};
  for (const name of SEARCH_PARAMS) {
    const v = one(raw[name]);
    if (v !== undefined) params[name] = v;
  }
  const suspenseKey = JSON.stringify(params);
  return (
    <>
      <div className="page-head">
        <h1>Search process histories</h1>
        <LiveRefresh intervalMs={config.refreshMs} since={since} />
      </div>
      <Suspense fallback={null}>
        <FirstVisitHints />
      </Suspense>
      <SearchForm params={params} />
      <Suspense key={suspenseKey} fallback={<TableSkeleton rows={10} label="Loading instances" />}>
        <SearchResults params={params} />
      </Suspense>
      <p className="muted">
        Every field is a URL parameter: copy the address to share this search. See also{' '}
        <Link href="/alerts">alerts</Link>.
      </p>
    </>
  );
}
