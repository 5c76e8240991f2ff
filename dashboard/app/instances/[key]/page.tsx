import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { Suspense } from 'react';
import { ErrorPanel } from '@/components/error-panel';
import { InstanceAlerts } from '@/components/instance-alerts';
import { InstanceSummary } from '@/components/instance-summary';
import { LiveRefresh } from '@/components/live-refresh';
import { RawEvents } from '@/components/raw-events';
import { BlockSkeleton, TableSkeleton } from '@/components/skeletons';
import { StepsTable } from '@/components/steps-table';
import { TimeSlider } from '@/components/time-slider';
import { TimelineChart } from '@/components/timeline-chart';
import {
  attempt,
  getEvents,
  getInstance,
  getStateAsOf,
  getTimeline,
  listAlerts,
  liveWatermark,
} from '@/lib/api';
import { config } from '@/lib/config';
import { formatTime, instanceHref, one } from '@/lib/format';
import type { InstanceState } from '@/lib/types';

export const dynamic = 'force-dynamic';

type Props = {
  params: Promise<{ key: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

/** The key is one encoded path segment; Next may hand it over encoded or decoded. */
function keyOf(raw: string): string {
  if (!/%2F/i.test(raw)) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: keyOf((await params).key) };
}

async function TimelineSection({
  instanceKey,
  asOf,
  state,
}: {
  instanceKey: string;
  asOf?: string;
  state: InstanceState;
}) {
  const result = await attempt(getTimeline(instanceKey));
  // Without the timeline (its load failed) the slider spans the instance's events: its
  // state changes only at an event.
  const [min, max] = result.ok
    ? [Date.parse(result.value.start), Date.parse(result.value.end)]
    : [Date.parse(state.firstEventAt), Date.parse(state.lastEventAt)];
  const asOfMs = asOf === undefined ? undefined : Date.parse(asOf);
  return (
    <>
      <section className="panel" aria-labelledby="timeline-title">
        <h2 id="timeline-title">End-to-end timeline</h2>
        {result.ok ? (
          <TimelineChart timeline={result.value} {...(asOf ? { asOf } : {})} />
        ) : (
          <ErrorPanel title="The timeline could not be loaded" error={result.error} />
        )}
      </section>
      <section className="panel" aria-labelledby="asof-title">
        <h2 id="asof-title" className="visually-hidden">
          Time travel
        </h2>
        <TimeSlider
          min={min}
          max={Math.max(max, min + 1000)}
          {...(asOfMs !== undefined && Number.isFinite(asOfMs) ? { value: asOfMs } : {})}
        />
      </section>
    </>
  );
}

async function StateAsOf({ instanceKey, asOf }: { instanceKey: string; asOf: string }) {
  const result = await attempt(getStateAsOf(instanceKey, asOf));
  if (!result.ok)
    return (
      <ErrorPanel
        title={`The state as of ${formatTime(asOf)} could not be rebuilt`}
        error={result.error}
      />
    );
  const s = result.value;
  return (
    <section className="panel" aria-labelledby="state-title">
      <h2 id="state-title">State as of {formatTime(asOf)}</h2>
      {s === null ? <p>Nothing had happened yet at that moment.</p> : <StepsTable state={s} />}
    </section>
  );
}

async function AlertsSection({ instanceKey }: { instanceKey: string }) {
  const result = await attempt(listAlerts({ instance: instanceKey, size: '50' }));
  if (!result.ok) return <ErrorPanel title="Alerts could not be loaded" error={result.error} />;
  return <InstanceAlerts alerts={result.value.alerts} />;
}

async function EventsSection({ instanceKey, all }: { instanceKey: string; all: boolean }) {
  const result = await attempt(getEvents(instanceKey));
  if (!result.ok) return <ErrorPanel title="Events could not be loaded" error={result.error} />;
  const allHref = `${instanceHref(instanceKey)}?events=all#events-title`;
  return <RawEvents events={result.value} all={all} allHref={allHref} />;
}

export default async function InstancePage({ params, searchParams }: Props) {
  const key = keyOf((await params).key);
  const query = await searchParams;
  const asOf = one(query.asOf);
  const allEvents = one(query.events) === 'all';
  const since = await liveWatermark(); // before any data is read (LiveRefresh)
  const result = await attempt(getInstance(key));
  if (!result.ok) {
    if (result.error.status === 404) notFound();
    throw result.error;
  }
  const state = result.value;
  return (
    <>
      <div className="page-head">
        <h1>
          {state.process} <span className="muted">{state.instance}</span>
        </h1>
        <code className="muted">{state.key}</code>
        <LiveRefresh intervalMs={config.refreshMs} instanceKey={state.key} since={since} />
      </div>
      <InstanceSummary state={state} />
      <Suspense fallback={<BlockSkeleton height={260} label="Loading timeline" />}>
        <TimelineSection instanceKey={key} state={state} {...(asOf ? { asOf } : {})} />
      </Suspense>
      {asOf && (
        <Suspense key={asOf} fallback={<TableSkeleton rows={4} label="Rebuilding the state" />}>
          <StateAsOf instanceKey={key} asOf={asOf} />
        </Suspense>
      )}
      {!asOf && (
        <section className="panel" aria-labelledby="steps-title">
          <h2 id="steps-title">Steps (current state)</h2>
          <StepsTable state={state} />
        </section>
      )}
      <Suspense fallback={<BlockSkeleton height={90} label="Loading alerts" />}>
        <AlertsSection instanceKey={key} />
      </Suspense>
      <Suspense fallback={<TableSkeleton rows={6} label="Loading events" />}>
        <EventsSection instanceKey={key} all={allEvents} />
      </Suspense>
    </>
  );
}
