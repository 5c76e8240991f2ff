/**
 * fast-check arbitraries for a realistic event history of ONE process instance:
 * process started, steps started / waiting / completed / failed, messages,
 * expectations registered / fulfilled, owner assignments, custom events, terminal
 * events; times on a coarse grid over a two-hour window (so equal instants are
 * common), written with various offsets (Z, +02:00, -05:30, +01:00) and precisions.
 */
import fc from 'fast-check';
import { EventTypes, type EventData, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { INSTANCE, PROCESS, SOURCE } from './event-builders.ts';

const T = EventTypes;
const BASE = Date.parse('2024-03-01T08:00:00Z');
const STEPS = ['reserve', 'pay', 'ship', 'invoice'] as const;
const OWNERS = ['team-a', 'team-b', 'alice', 'bob'] as const;
const SYSTEMS = ['warehouse', 'psp', 'crm', 'shipping'] as const;
const EXPECTATIONS = ['x-1', 'x-2', 'x-3'] as const;
const OFFSETS = [0, 120, -330, 60] as const;

/** Writes an instant with an offset in minutes, e.g. `2024-03-01T10:00:00+02:00`. */
export function formatTime(ms: number, offsetMinutes: number, withMillis: boolean): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, withMillis ? 23 : 19);
  if (offsetMinutes === 0) return `${local}Z`;
  const abs = Math.abs(offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local}${offsetMinutes < 0 ? '-' : '+'}${hh}:${mm}`;
}

/** Any instant in [BASE, BASE + 2h] on a 5-minute grid (sometimes + 500 ms), any offset. */
export const timeArb: fc.Arbitrary<string> = fc
  .record({
    slot: fc.integer({ min: 0, max: 24 }),
    half: fc.boolean(),
    offset: fc.constantFrom(...OFFSETS),
    millis: fc.boolean(),
  })
  .map(({ slot, half, offset, millis }) =>
    formatTime(BASE + slot * 300_000 + (half && millis ? 500 : 0), offset, millis),
  );

const deadlineArb = fc.option(
  fc
    .record({ slot: fc.integer({ min: 0, max: 40 }), offset: fc.constantFrom(...OFFSETS) })
    .map(({ slot, offset }) => formatTime(BASE + slot * 300_000, offset, false)),
  { nil: undefined },
);

const stepArb = fc.constantFrom(...STEPS);
const ownerArb = fc.option(fc.constantFrom(...OWNERS), { nil: undefined, freq: 3 });
const keysArb = fc.option(
  fc.dictionary(
    fc.constantFrom('orderId', 'customerId', 'invoiceId'),
    fc.constantFrom('1', '2', '4711'),
  ),
  { nil: undefined, freq: 2 },
);
const traceArb = fc.option(
  fc.constantFrom('4bf92f3577b34da6a3ce929d0e0e4736', '0af7651916cd43dd8448eb211c80319c'),
  { nil: undefined, freq: 3 },
);

/** An event without id: `type`, optional step / owner, and `data`. */
interface Draft {
  type: string;
  step?: string;
  owner?: string;
  data: EventData;
}

function withDeadline(data: EventData, deadline: string | undefined): EventData {
  return deadline === undefined ? data : { ...data, deadline };
}

const bodyDraftArb: fc.Arbitrary<Draft> = fc.oneof(
  fc
    .record({ step: stepArb, owner: ownerArb, deadline: deadlineArb })
    .map(({ step, owner, deadline }) => ({
      type: T.stepStarted,
      step,
      owner,
      data: withDeadline({}, deadline),
    })),
  fc
    .record({ step: stepArb, for: fc.constantFrom('payment', 'truck'), deadline: deadlineArb })
    .map(({ step, deadline, ...rest }) => ({
      type: T.stepWaiting,
      step,
      data: withDeadline({ for: rest.for }, deadline),
    })),
  stepArb.map((step) => ({ type: T.stepCompleted, step, data: {} })),
  fc
    .record({
      step: stepArb,
      message: fc.option(fc.constantFrom('timeout', 'declined'), { nil: undefined }),
    })
    .map(({ step, message }) => ({
      type: T.stepFailed,
      step,
      data: message === undefined ? {} : { error: { message, code: 'E1' } },
    })),
  fc
    .record({ id: fc.constantFrom('m-1', 'm-2', 'm-3'), to: fc.constantFrom(...SYSTEMS) })
    .map(({ id, to }) => ({ type: T.messageSent, data: { messageId: id, to } })),
  fc
    .record({ id: fc.constantFrom('r-1', 'r-2'), from: fc.constantFrom(...SYSTEMS) })
    .map(({ id, from }) => ({ type: T.messageReceived, data: { messageId: id, from } })),
  fc
    .record({
      id: fc.constantFrom(...EXPECTATIONS),
      system: fc.constantFrom(...SYSTEMS),
      deadline: deadlineArb,
    })
    .map(({ id, system, deadline }) => ({
      type: T.expectationRegistered,
      data: withDeadline({ expectationId: id, system, process: `${system}-flow` }, deadline),
    })),
  fc
    .constantFrom(...EXPECTATIONS)
    .map((id) => ({ type: T.expectationFulfilled, data: { expectationId: id } })),
  fc
    .record({ owner: fc.constantFrom(...OWNERS), step: fc.option(stepArb, { nil: undefined }) })
    .map(({ owner, step }) => ({ type: T.ownerAssigned, owner, step, data: {} })),
  fc.constantFrom('com.shop.note', 'com.shop.invoice.created').map((type) => ({ type, data: {} })),
);

const startDraftArb: fc.Arbitrary<Draft> = fc
  .option(
    fc.record({ source: fc.constantFrom('shop', 'crm'), instance: fc.constantFrom('k-1', 'k-2') }),
    { nil: undefined },
  )
  .map((parent) => ({
    type: T.processStarted,
    data: parent ? { parent: { ...parent, process: 'checkout' } } : {},
  }));

const terminalDraftArb: fc.Arbitrary<Draft> = fc.constantFrom(
  { type: T.processCompleted, data: {} },
  { type: T.processCancelled, data: {} },
  { type: T.processFailed, data: { error: { message: 'gave up' } } },
);

const timedDraftArb = (draft: fc.Arbitrary<Draft>) =>
  fc.record({ draft, time: timeArb, keys: keysArb, trace: traceArb, owner: ownerArb });

/** A history of distinct events (unique ids) of one instance. */
export const historyArb: fc.Arbitrary<FlowtrailEvent[]> = fc
  .tuple(
    fc.array(timedDraftArb(startDraftArb), { maxLength: 2 }),
    fc.array(timedDraftArb(bodyDraftArb), { minLength: 0, maxLength: 25 }),
    // Most histories are still open (stuck detection cares about those); some end twice.
    fc.oneof(
      { arbitrary: fc.constant([]), weight: 3 },
      {
        arbitrary: fc.array(timedDraftArb(terminalDraftArb), { minLength: 1, maxLength: 2 }),
        weight: 2,
      },
    ),
  )
  .map(([starts, body, ends]) =>
    [...starts, ...body, ...ends].map(({ draft, time, keys, trace, owner }, index) => {
      const event: FlowtrailEvent = {
        specversion: '1.0',
        id: `e-${String(index).padStart(3, '0')}`,
        source: SOURCE,
        type: draft.type,
        time,
        ftprocess: PROCESS,
        ftinstance: INSTANCE,
        data: keys === undefined ? draft.data : { ...draft.data, businessKeys: keys },
      };
      if (draft.step !== undefined) event.ftstep = draft.step;
      const ftowner = draft.owner ?? owner;
      if (ftowner !== undefined) event.ftowner = ftowner;
      if (trace !== undefined) event.traceparent = `00-${trace}-00f067aa0ba902b7-01`;
      return event;
    }),
  )
  .filter((events) => events.length > 0);

/** A copy of an event with its keys in reverse order: the same JSON value. */
export function reorderedCopy(event: FlowtrailEvent): FlowtrailEvent {
  return Object.fromEntries(Object.entries(structuredClone(event)).reverse()) as FlowtrailEvent;
}

/** The history re-delivered: some events twice or more (clones), in any order. */
export const redeliveredArb = (events: FlowtrailEvent[]): fc.Arbitrary<FlowtrailEvent[]> =>
  fc
    .array(fc.record({ index: fc.nat({ max: events.length - 1 }), reorder: fc.boolean() }), {
      maxLength: 12,
    })
    .chain((dupes) => {
      const copies = dupes.map(({ index, reorder }) => {
        const original = events[index] as FlowtrailEvent;
        return reorder ? reorderedCopy(original) : structuredClone(original);
      });
      const all = [...events, ...copies];
      return fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length });
    });
