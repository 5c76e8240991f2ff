/**
 * The request bodies of the HTTP ingest benches (ingest-isolation.bench.ts,
 * http-ingest.bench.ts): orders as a service emits them through the SDK, 11 events each
 * (≈ 400 bytes; with line items ≈ 1.5 KB), batches of `BATCH` events
 * (`DEFAULT_HTTP_GUARD.maxEventsPerRequest`), each body within the body limit.
 */
import { randomUUID } from 'node:crypto';
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import {
  DEFAULT_HTTP_GUARD,
  DEFAULT_MAX_BODY_BYTES,
} from '../collector/src/adapters/http/http-config.ts';
import type { Random } from '../collector/src/tools/demo/random.ts';

export const BATCH = DEFAULT_HTTP_GUARD.maxEventsPerRequest;
/** Events of a completed order (`orderEvents`); a stuck one has 7. */
export const PER_INSTANCE = 11;
/** No bundled definition (`flowtrail up` loads the demo's for order-fulfilment & co.). */
const PROCESS = 'checkout';

const STEPS = ['validate', 'reserve-stock', 'take-payment', 'ship'] as const;
const OWNERS = ['team-orders', 'team-warehouse', 'team-payments', 'team-logistics'] as const;

function traceparent(rng: Random): string {
  return `00-${rng.hex(32)}-${rng.hex(16)}-01`;
}

/**
 * The 11 events of one order as a service emits them through the SDK (≈ 400–500 bytes
 * each): started with business keys, four steps, the payment waiting for the PSP with a
 * deadline, completed. `stuck`: it stops at the wait (7 events), whose deadline has passed.
 */
function orderEvents(
  rng: Random,
  instance: string,
  orderNo: number,
  t0: number,
  { stuck, large }: { stuck: boolean; large: boolean },
) {
  const trace = traceparent(rng);
  // Large: every event carries the order's line items (≈ 1 KB more).
  const lines = large ? lineItems(rng, 9) : undefined;
  const events: FlowtrailEvent[] = [];
  let t = t0;
  const add = (type: string, extra: Partial<FlowtrailEvent>, data: Record<string, unknown>) => {
    t += rng.int(2_000, 40_000);
    events.push({
      specversion: '1.0',
      id: randomUUID(),
      source: 'shop',
      type: `flowtrail.${type}`,
      time: new Date(t).toISOString(),
      datacontenttype: 'application/json',
      ftprocess: PROCESS,
      ftinstance: instance,
      traceparent: trace,
      ...extra,
      data: lines === undefined ? data : { ...data, lines },
    } as FlowtrailEvent);
  };
  add(
    'process.started',
    { ftowner: 'team-orders' },
    {
      businessKeys: { orderId: `ORD-${orderNo}`, customerId: `C-${orderNo % 9_973}` },
      channel: rng.pick(['web', 'app', 'store']),
      amount: rng.int(5, 900),
      currency: 'EUR',
    },
  );
  for (const [i, step] of STEPS.entries()) {
    const owner = OWNERS[i] as string;
    add('step.started', { ftstep: step, ftowner: owner }, { attempt: 1 });
    if (step === 'take-payment') {
      const deadline = stuck ? Date.now() - rng.int(60_000, 3_600_000) : t + 900_000;
      add(
        'step.waiting',
        { ftstep: step, ftowner: owner },
        { for: 'psp-callback', deadline: new Date(deadline).toISOString() },
      );
      if (stuck) return events;
    }
    add('step.completed', { ftstep: step, ftowner: owner }, { result: 'ok' });
  }
  add('process.completed', { ftowner: 'team-orders' }, {});
  return events;
}

function lineItems(rng: Random, count: number) {
  return Array.from({ length: count }, (_, i) => ({
    line: i + 1,
    sku: `SKU-${rng.int(100_000, 999_999)}`,
    name: rng.pick(['desk lamp', 'office chair', 'usb-c cable', 'monitor arm', 'notebook']),
    quantity: rng.int(1, 5),
    unitPrice: { amount: rng.int(1, 500), currency: 'EUR' },
    warehouse: rng.pick(['DE-HAM-1', 'DE-MUC-2', 'NL-AMS-1']),
  }));
}

let orderNo = 100_000;

/** The number of the last order generated (orders are numbered from 100,001). */
export const lastOrderNo = (): number => orderNo;

export interface Shape {
  /** Share of the orders left stuck. */
  stuckShare?: number;
  /** Events with line items (≈ 1.4 KB instead of ≈ 400 bytes). */
  large?: boolean;
}

/** `count` events of new orders (the last one cut). */
function newEvents(rng: Random, tag: string, count: number, shape: Shape): FlowtrailEvent[] {
  const events: FlowtrailEvent[] = [];
  const since = Date.now() - 6 * 3_600_000;
  while (events.length < count) {
    orderNo += 1;
    const t0 = since + rng.int(0, 5 * 3_600_000);
    const stuck = rng.chance(shape.stuckShare ?? 0);
    const large = shape.large ?? false;
    const order = orderEvents(rng, `${tag}-${orderNo}`, orderNo, t0, { stuck, large });
    for (const event of order) if (events.length < count) events.push(event);
  }
  return events;
}

/** Request bodies of `BATCH` events each, each within the body limit. */
export function bodies(rng: Random, tag: string, count: number, shape: Shape = {}): Buffer[] {
  return Array.from({ length: count }, (_, i) => {
    const body = Buffer.from(JSON.stringify(newEvents(rng, `${tag}${i}`, BATCH, shape)));
    if (body.length > DEFAULT_MAX_BODY_BYTES) throw new Error(`body of ${body.length} bytes`);
    return body;
  });
}
