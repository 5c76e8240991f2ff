/**
 * The alerts of the store-at-scale benches (embedded-scale.bench.ts): a realistic number
 * of alerts written through the alert store port beside the history — open ones for 1 %
 * of the instances (mostly firing, some acknowledged or silenced) and as many resolved —
 * and the timing of what reads them: the alerts page (`GET /api/alerts` with the open
 * statuses, 100 newest, the page's one request: `AlertService.search`) and the open
 * alerts every sweep, the ownership matrix and the alert-derived search statuses read
 * (`openAlerts`). Store-agnostic (ports/alert-store.ts), deterministic (seeded PRNG).
 */
import { instanceKey } from '@flowtrail/sdk/protocol';
import { AlertService } from '../collector/src/app/alerts/alert-service.ts';
import {
  OPEN_STATUSES,
  newAlert,
  type Alert,
  type AlertStatus,
} from '../collector/src/domain/alerts/alert.ts';
import type { Finding } from '../collector/src/domain/detection/finding.ts';
import type { AlertStore } from '../collector/src/ports/alert-store.ts';
import { PROCESSES, rng } from './embedded-scale-data.ts';
import { time, type Timings } from './scale-queries.ts';

/** One instance in this many has an open alert, as many a resolved one. */
const ALERT_EVERY = 100;
const WRITE_BATCH = 500;
/** The alerts page's request (dashboard/app/alerts/page.tsx, default tab). */
const PAGE_SIZE = 100;

/** What the seeding wrote. */
export interface SeededAlerts {
  open: number;
  resolved: number;
}

/** The alert of order `i` (the bench's instance ids are `o-<i>`), at some time in the history. */
function alertOf(i: number, status: AlertStatus, seenMs: number): Alert {
  const spec = PROCESSES[i % PROCESSES.length] as (typeof PROCESSES)[number];
  const step = spec.steps[i % spec.steps.length] ?? spec.steps[0];
  const key = instanceKey({ source: spec.source, process: spec.name, instance: `o-${i}` });
  const since = new Date(seenMs - 3_600_000).toISOString();
  const seen = new Date(seenMs).toISOString();
  const finding: Finding = {
    kind: i % 10 === 0 ? 'lost-completion' : 'stuck',
    instanceKey: key,
    relatedKeys: [],
    process: spec.name,
    source: spec.source,
    step: step?.name,
    owner: step?.owner,
    since,
    summary: `${step?.name} of o-${i} is overdue`,
    details: { deadline: since, deadlineSource: 'definition' },
  };
  const alert = newAlert(finding, seen);
  if (status === 'resolved') {
    return {
      ...alert,
      status,
      resolvedAt: seen,
      history: [...alert.history, { at: seen, status: 'resolved' }],
    };
  }
  if (status === 'acknowledged') {
    return {
      ...alert,
      status,
      acknowledgedBy: step?.owner ?? 'ops',
      acknowledgedAt: seen,
      history: [...alert.history, { at: seen, status }],
    };
  }
  if (status === 'silenced') {
    const until = new Date(seenMs + 86_400_000).toISOString();
    return {
      ...alert,
      status,
      silencedUntil: until,
      silencedBy: 'ops',
      history: [...alert.history, { at: seen, status, note: `until ${until}` }],
    };
  }
  return alert;
}

/**
 * Writes the alerts of `instances` orders whose history spans `fromMs`…`toMs`: an open
 * alert for every `ALERT_EVERY`-th order (80 % firing, 10 % acknowledged, 10 % silenced),
 * a resolved one for the order after it.
 */
export async function seedAlerts(
  store: AlertStore,
  instances: number,
  fromMs: number,
  toMs: number,
): Promise<SeededAlerts> {
  const random = rng(11);
  const seeded: SeededAlerts = { open: 0, resolved: 0 };
  let pending: Alert[] = [];
  const flush = async (): Promise<void> => {
    const result = await store.upsertAlerts(pending);
    if (result.written.length !== pending.length) throw new Error('alert seeding failed');
    pending = [];
  };
  for (let i = 0; i + 1 < instances; i += ALERT_EVERY) {
    const pick = random();
    const status: AlertStatus = pick < 0.8 ? 'firing' : pick < 0.9 ? 'acknowledged' : 'silenced';
    const seenMs = fromMs + Math.floor((i / instances) * (toMs - fromMs));
    pending.push(alertOf(i, status, seenMs), alertOf(i + 1, 'resolved', seenMs));
    seeded.open += 1;
    seeded.resolved += 1;
    if (pending.length >= WRITE_BATCH) await flush();
  }
  if (pending.length > 0) await flush();
  return seeded;
}

/** `calls` rounds of the alerts page's read and of every open alert. */
export async function timeAlertReads(
  store: AlertStore,
  calls: number,
  timings: Timings,
): Promise<void> {
  const service = new AlertService(store);
  for (let i = 0; i < calls; i++) {
    await time(timings, `alerts page: open, newest ${PAGE_SIZE} + total`, () =>
      service.search({ status: OPEN_STATUSES, from: 0, size: PAGE_SIZE }),
    );
    await time(timings, 'openAlerts: every open alert', () => store.openAlerts());
  }
}
