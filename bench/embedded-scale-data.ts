/**
 * The synthetic order history of bench/embedded-scale.bench.ts: deterministic (seeded
 * PRNG), streamed event by event so 10 million events never sit in memory at once.
 */
import { EventTypes, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import type { IncomingMessage } from '../collector/src/ports/incoming-message.ts';

/** The events as the Kafka records `BatchIngester.process` decodes (JSON values). */
export function messages(events: readonly FlowtrailEvent[]): IncomingMessage[] {
  return events.map((event, offset) => ({
    topic: 'bench',
    partition: 0,
    offset: String(offset),
    key: null,
    value: Buffer.from(JSON.stringify(event)),
    headers: {},
  }));
}

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ProcessSpec {
  name: string;
  /** The system that emits the instance's events (its source). */
  source: string;
  /** Steps in order, each with its owning team; a message goes to `peer` mid-way. */
  steps: { name: string; owner: string }[];
  peer: string;
}

const step = (name: string, owner: string) => ({ name, owner });

export const PROCESSES: readonly ProcessSpec[] = [
  {
    name: 'order-fulfilment',
    source: 'shop',
    peer: 'logistics',
    steps: [
      step('validate-order', 'team-shop'),
      step('reserve-stock', 'team-warehouse'),
      step('charge-card', 'team-payments'),
      step('pick-items', 'team-warehouse'),
      step('pack-parcel', 'team-warehouse'),
      step('ship-parcel', 'team-logistics'),
      step('notify-customer', 'team-shop'),
    ],
  },
  {
    name: 'billing',
    source: 'payments',
    peer: 'erp',
    steps: [
      step('create-invoice', 'team-billing'),
      step('send-invoice', 'team-billing'),
      step('await-payment', 'team-payments'),
      step('book-payment', 'team-finance'),
      step('close-invoice', 'team-finance'),
    ],
  },
  {
    name: 'shipping',
    source: 'logistics',
    peer: 'carrier',
    steps: [
      step('plan-route', 'team-logistics'),
      step('print-label', 'team-warehouse'),
      step('hand-over', 'team-logistics'),
      step('in-transit', 'team-carrier'),
      step('deliver', 'team-carrier'),
      step('confirm-delivery', 'team-logistics'),
    ],
  },
  {
    name: 'returns',
    source: 'shop',
    peer: 'erp',
    steps: [
      step('register-return', 'team-shop'),
      step('receive-parcel', 'team-warehouse'),
      step('inspect-items', 'team-warehouse'),
      step('restock', 'team-warehouse'),
      step('refund', 'team-payments'),
      step('book-refund', 'team-finance'),
      step('close-return', 'team-shop'),
      step('survey', 'team-shop'),
    ],
  },
];

/** What a query of the bench can look an instance up by. */
export interface Sample {
  source: string;
  process: string;
  instance: string;
  orderId: string;
  owner: string;
  step: string;
}

/** The first order's start (the history spans the next 30 days). */
export const BASE = Date.parse('2026-10-01T00:00:00Z');
const DAYS = 30;
const GROUP = 200;
const SAMPLES = 5_000;
/** Average events of an instance (started, 2 per step, a message, the end), for spacing. */
const AVERAGE_EVENTS = 15;

/** The events of order `i`: started, steps (some fail or stay open), a message, the end. */
function instanceEvents(i: number, random: () => number, count: number): FlowtrailEvent[] {
  const spec = PROCESSES[i % PROCESSES.length] as ProcessSpec;
  const span = DAYS * 86_400_000;
  let t = BASE + Math.floor((i / count) * span + random() * 60_000);
  const recent = t > BASE + span - 2 * 86_400_000;
  // Open instances: half of the last two days' (still in flight), 2% of all (stuck).
  const openAfter =
    recent && random() < 0.5
      ? Math.floor(random() * spec.steps.length)
      : random() < 0.02
        ? Math.floor(random() * spec.steps.length)
        : -1;
  const instance = `o-${i}`;
  const events: FlowtrailEvent[] = [];
  const add = (type: string, extra: Partial<FlowtrailEvent> = {}): void => {
    t += 30_000 + Math.floor(random() * 1_800_000);
    events.push({
      specversion: '1.0',
      id: `e-${i}-${events.length}`,
      source: spec.source,
      type,
      time: new Date(t).toISOString(),
      ftprocess: spec.name,
      ftinstance: instance,
      data: {},
      ...extra,
    });
  };
  add(EventTypes.processStarted, {
    data: { businessKeys: { orderId: `ORD-${1_000_000 + i}`, customer: `C-${i % 20_000}` } },
  });
  for (const [n, { name, owner }] of spec.steps.entries()) {
    add(EventTypes.stepStarted, { ftstep: name, ftowner: owner });
    if (n === openAfter) {
      if (random() < 0.5) add(EventTypes.stepWaiting, { ftstep: name, data: { for: spec.peer } });
      return events;
    }
    if (n === 2) add(EventTypes.messageSent, { data: { messageId: `m-${i}`, to: spec.peer } });
    if (random() < 0.01) {
      add(EventTypes.stepFailed, {
        ftstep: name,
        data: { error: { message: `${spec.peer} unreachable` } },
      });
      add(EventTypes.processFailed);
      return events;
    }
    add(EventTypes.stepCompleted, { ftstep: name });
  }
  add(EventTypes.processCompleted);
  return events;
}

/**
 * Streams `total` events of orders to `emit`, in groups of `GROUP` consecutive orders
 * whose events are sorted by time (instances interleave like concurrent traffic). Keeps
 * about `SAMPLES` orders in `samples`. Returns the orders started and the last event time.
 */
export async function generateOrders(
  total: number,
  samples: Sample[],
  emit: (event: FlowtrailEvent) => Promise<void>,
): Promise<{ instances: number; lastTime: number }> {
  const random = rng(42);
  const count = Math.ceil(total / AVERAGE_EVENTS);
  const stride = Math.max(1, Math.floor(count / SAMPLES));
  let emitted = 0;
  let instances = 0;
  let lastTime = BASE;
  for (let first = 0; emitted < total; first += GROUP) {
    const group: FlowtrailEvent[] = [];
    for (let i = first; i < first + GROUP; i++) {
      const events = instanceEvents(i, random, count);
      instances += 1;
      if (i % stride === 0) {
        const spec = PROCESSES[i % PROCESSES.length] as ProcessSpec;
        const chosen = spec.steps[Math.floor(random() * spec.steps.length)] ?? spec.steps[0];
        samples.push({
          source: spec.source,
          process: spec.name,
          instance: `o-${i}`,
          orderId: `ORD-${1_000_000 + i}`,
          owner: chosen?.owner ?? '',
          step: chosen?.name ?? '',
        });
      }
      for (const event of events) group.push(event);
    }
    group.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
    const seen = new Set<string>();
    for (const event of group) {
      if (emitted >= total) {
        // The history ends mid-group: drop the samples of orders with no event stored.
        const kept = samples.filter((s, n) => n < samples.length - GROUP || seen.has(s.instance));
        samples.splice(0, samples.length, ...kept);
        break;
      }
      await emit(event);
      seen.add(event.ftinstance);
      emitted += 1;
      lastTime = Math.max(lastTime, Date.parse(event.time));
    }
  }
  return { instances, lastTime };
}
