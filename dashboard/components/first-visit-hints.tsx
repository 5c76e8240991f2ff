/**
 * Short hints on the search page for a first visit: what an instance, a timeline, the
 * alert states and the heat maps are, and a link to an instance the systems repaired
 * themselves (the demo's self-repair: `flowtrail up --demo`). Hidden for good once
 * dismissed (a cookie, `hideHints`).
 */
import Link from 'next/link';
import { cookies } from 'next/headers';
import { hideHints } from '@/app/hints-actions';
import { repairedAutomatically } from '@/lib/alert-repair';
import { attempt, listAlerts } from '@/lib/api';
import { instanceHref } from '@/lib/format';
import { HINTS_COOKIE } from '@/lib/hints';

/** The instance of the most recently resolved alert a resend repaired, if any. */
async function repairedInstance(): Promise<string | undefined> {
  const result = await attempt(listAlerts({ status: 'resolved', size: '100', history: 'true' }));
  if (!result.ok) return undefined;
  return result.value.alerts.find((a) => repairedAutomatically(a))?.instance;
}

export async function FirstVisitHints() {
  if ((await cookies()).get(HINTS_COOKIE)?.value === 'hidden') return null;
  const repaired = await repairedInstance();
  return (
    <section className="hints" aria-labelledby="hints-title">
      <h2 id="hints-title">New here? What you are looking at</h2>
      <ul>
        <li>
          Each row below is one <strong>process instance</strong> — an order, a payment — followed
          across every system that took part. Search by business key (e.g. an order id), owner, step
          or status.
        </li>
        <li>
          Open one for its <strong>timeline</strong>: a lane per system, steps as bars, messages as
          arrows between the lanes, alerts as markers.
        </li>
        <li>
          <Link href="/alerts">Alerts</Link>: <em>pending</em> — past a deadline, but maybe only
          late; <em>firing</em> — someone should look; <em>repaired automatically</em> — a system
          resent what was lost when Flowtrail asked it to.
        </li>
        <li>
          <Link href="/heatmaps">Heat maps</Link> show where the time goes, per step and hour;{' '}
          <Link href="/ownership">ownership</Link> who has what waiting.
        </li>
        <li>
          {repaired === undefined ? (
            <>
              No repaired instance yet: with <code>flowtrail up --demo</code> the demo loses a
              message now and then, and its systems resend it on Flowtrail&apos;s command within a
              minute or two.
            </>
          ) : (
            <>
              See one repaired:{' '}
              <Link href={instanceHref(repaired)} className="repaired-link">
                {repaired}
              </Link>{' '}
              — its timeline shows the lost message, the resend Flowtrail asked for, the resent
              message and the alert resolving.
            </>
          )}
        </li>
      </ul>
      <form action={hideHints}>
        <button type="submit" className="btn btn-secondary btn-small">
          Got it, hide these hints
        </button>
      </form>
    </section>
  );
}
