/**
 * Many open instance states written straight through the SQLite store (`writeStates`),
 * as bench/overdue.bench.ts loads them: ingesting their events would take far longer.
 * Each is a clone of one folded state — an order of process `checkout` (source `bench`)
 * waiting for a PSP callback — with its own key, business key and deadline.
 */
import { EventTypes, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { foldInstance } from '../collector/src/domain/instance/fold.ts';
import type { InstanceState } from '../collector/src/domain/instance/instance-state.ts';
import { SqliteEventStore } from '../collector/src/adapters/sqlite/sqlite-event-store.ts';
import { seededRandom } from '../collector/src/tools/demo/random.ts';

/** No bundled definition (`up` loads deploy/definitions): deadlines come from the events. */
export const PROCESS = 'checkout';
export const SOURCE = 'bench';
const BATCH = 5_000;
const DAY = 86_400_000;

/** The folded state of one waiting order, cloned per loaded instance. */
function template(at: number): InstanceState {
  const base = { specversion: '1.0' as const, source: SOURCE, ftprocess: PROCESS, ftinstance: 't' };
  const time = (s: number) => new Date(at + s * 1000).toISOString();
  return foldInstance([
    {
      ...base,
      id: 't-1',
      type: EventTypes.processStarted,
      time: time(0),
      data: { businessKeys: { orderId: 'ORD-0' } },
    },
    {
      ...base,
      id: 't-2',
      type: EventTypes.stepStarted,
      time: time(5),
      ftstep: 'take-payment',
      ftowner: 'team-payments',
      data: {},
    },
    {
      ...base,
      id: 't-3',
      type: EventTypes.stepWaiting,
      time: time(9),
      ftstep: 'take-payment',
      ftowner: 'team-payments',
      data: { for: 'psp-callback', deadline: time(900) },
    },
  ] as FlowtrailEvent[]);
}

function stateOf(base: InstanceState, i: number, deadlineMs: number): InstanceState {
  const deadline = new Date(deadlineMs).toISOString();
  const [step] = base.steps as [InstanceState['steps'][0]];
  const [wait] = base.waits as [InstanceState['waits'][0]];
  return {
    ...base,
    key: `${SOURCE}/${PROCESS}/o-${i}`,
    instance: `o-${i}`,
    businessKeys: { orderId: `ORD-${1_000_000 + i}` },
    steps: [{ ...step, deadline }],
    waits: [{ ...wait, deadline }],
    nextDeadline: deadline,
    searchText: base.searchText.replace('ORD-0', `ORD-${1_000_000 + i}`).replace(' t ', ` o-${i} `),
  };
}

/**
 * Loads up to `n` open states (deadlines 1 to 30 days ahead, last activity two days ago)
 * in batches of 5,000, stopping after `budgetMs`; answers how many and how long.
 */
export async function loadOpenStates(
  dataDir: string,
  n: number,
  budgetMs: number,
): Promise<{ loaded: number; ms: number }> {
  const store = new SqliteEventStore({ dataDir });
  const rng = seededRandom(`load-${n}`);
  const now = Date.now();
  const base = template(now - 2 * DAY);
  const started = performance.now();
  let loaded = 0;
  try {
    await store.prepare();
    while (loaded < n && performance.now() - started < budgetMs) {
      const batch: InstanceState[] = [];
      for (let i = loaded; i < Math.min(n, loaded + BATCH); i++) {
        batch.push(stateOf(base, i, now + DAY + Math.floor(rng.next() * 29 * DAY)));
      }
      const result = await store.writeStates(batch);
      if (result.rejected.length + result.retriable.length > 0) throw new Error('load failed');
      loaded += batch.length;
      if (loaded % 100_000 === 0)
        console.log(`  loaded ${loaded} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
  } finally {
    await store.close();
  }
  return { loaded, ms: performance.now() - started };
}
