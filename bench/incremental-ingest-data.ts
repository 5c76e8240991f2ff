/**
 * The events and modes of the incremental-ingest benchmarks (issue 11, item 1), shared by
 * bench/incremental-ingest.bench.ts (embedded SQLite) and
 * bench/incremental-ingest-es.bench.ts (Elasticsearch, Kafka mode), so both stores fold
 * the very same histories and appended batches. Not a bench itself.
 */
import { EventTypes, type FlowtrailEvent } from '@flowtrail/sdk/protocol';

export { messages, rng } from './embedded-scale-data.ts';

const STEPS = ['reserve', 'pay', 'pick', 'pack', 'ship'];
const BASE = Date.parse('2026-11-01T00:00:00Z');

/**
 * The `n`-th event of instance `o-<tag><i>` (n = 0: process.started), one second apart.
 * The tag keeps the instances (and event ids) of several configurations apart when they
 * share one store; the SQLite bench uses none.
 */
export function eventOf(i: number, n: number, tag = ''): FlowtrailEvent {
  const step = STEPS[Math.floor(n / 2) % STEPS.length] as string;
  const kind = n === 0 ? 0 : 1 + (n % 6);
  const common = {
    specversion: '1.0' as const,
    id: `e-${tag}${i}-${n}`,
    source: 'shop',
    time: new Date(BASE + i * 7 + n * 1000).toISOString(),
    ftprocess: 'order-fulfilment',
    ftinstance: `o-${tag}${i}`,
  };
  switch (kind) {
    case 0:
      return {
        ...common,
        type: EventTypes.processStarted,
        data: { businessKeys: { orderNo: `ORD-${100_000 + i}` } },
      };
    case 1:
      return { ...common, type: EventTypes.stepStarted, ftstep: step, ftowner: 'team-a', data: {} };
    case 2:
      return { ...common, type: EventTypes.stepCompleted, ftstep: step, data: {} };
    case 3:
      return {
        ...common,
        type: EventTypes.messageSent,
        data: { messageId: `m-${n % 50}`, to: 'payments' },
      };
    case 4:
      return { ...common, type: 'com.shop.note', data: { text: `note ${n}` } };
    case 5:
      return { ...common, type: EventTypes.stepStarted, ftstep: step, data: {} };
    default:
      return { ...common, type: EventTypes.stepCompleted, ftstep: step, data: {} };
  }
}

/**
 * `refold`: `incremental: false`, every touched instance re-folded from all its stored
 * events (the pre-issue-11 path); `continued`: the default; `late`: the default with one
 * event per batch older than its instance's summary (that instance re-folds).
 */
export type Mode = 'refold' | 'continued' | 'late';
export const MODES: readonly Mode[] = ['refold', 'continued', 'late'];

export const LABEL: Record<Mode, string> = {
  refold: 're-fold',
  continued: 'continued',
  late: 'continued, 1 late event per batch',
};

/**
 * Measured batch `b` after a history of `history` events per instance: `perInstance` new
 * events (later than everything before) for each of `instances` instances; in `late`
 * mode one of them, for instance `b mod instances`, is replaced by one older than all its
 * folded events.
 */
export function appendBatch(
  history: number,
  b: number,
  instances: number,
  perInstance: number,
  mode: Mode,
  tag = '',
): FlowtrailEvent[] {
  const batch: FlowtrailEvent[] = [];
  for (let i = 0; i < instances; i++) {
    for (let k = 0; k < perInstance; k++) {
      batch.push(eventOf(i, history + b * perInstance + k, tag));
    }
  }
  if (mode === 'late') {
    const i = b % instances;
    const replaced = eventOf(i, history + b * perInstance, tag);
    batch[i * perInstance] = {
      ...replaced,
      id: `late-${tag}${i}-${b}`,
      // Half a second after the instance's first event: older than its summary's last.
      time: new Date(Date.parse(eventOf(i, 0, tag).time) + 500).toISOString(),
    };
  }
  return batch;
}

export const fmt = (us: number): string =>
  us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`;

/** A copy of `items` in random order (Fisher–Yates). */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const order = [...items];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] as T, order[i] as T];
  }
  return order;
}
