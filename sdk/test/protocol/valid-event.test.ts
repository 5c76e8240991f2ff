/**
 * The hand-written `isValidEvent` (valid-event.ts) against the reference, `eventErrors`
 * (validate.ts: integrity, the TypeBox schemas, the attribute-name and type rules): the
 * SDK's delivery path trusts its "valid" without asking the reference, so the two must
 * agree — on valid events, on valid events with one field or one `data` field changed to
 * something odd or hostile, on the decoder's hostile inputs and on arbitrary values.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFlowtrail, type FlowtrailEvent } from '../../src/index.ts';
import { decodeUtf8Strict } from '../../src/protocol/integrity.ts';
import { isValidEvent } from '../../src/protocol/valid-event.ts';
import { eventErrors } from '../../src/protocol/validate.ts';
import { BASE, hostile, nestedText, validEvent } from './hostile-inputs.ts';

/** The property: the fast answer is the reference's answer. */
function agrees(value: unknown): void {
  const reference = eventErrors(value);
  expect(isValidEvent(value), JSON.stringify(reference ?? 'valid')).toBe(reference === undefined);
}

const deep = (depth: number): unknown => JSON.parse(nestedText(depth, 'object'));

/** Values a field may be changed to: right and wrong types, edge cases, hostile ones. */
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    undefined,
    null,
    '',
    '1.0',
    '2.0',
    'x',
    'a\uD800',
    '\uDFFF',
    '😀',
    'application/json',
    'text/plain',
    'application/cloudevents+JSON',
    '2026-11-22T09:15:02.120Z',
    '2026-02-30T00:00:00Z',
    '2026-01-01T23:59:60Z',
    'flowtrail.step.started',
    'flowtrail.nope',
    0,
    -1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    true,
    false,
    [],
    {},
    { a: 'b' },
    { 'line\nbreak': 1 },
    new Date(0),
    new Uint8Array(2),
    Object.create(null) as object,
  ),
  fc.constant(0).map(() => deep(63)),
  fc.constant(0).map(() => deep(64)),
  fc.anything({ maxDepth: 2, withNullPrototype: true, withDate: true, withTypedArray: true }),
);

const ENVELOPE_NAMES = [
  'specversion',
  'id',
  'source',
  'type',
  'time',
  'datacontenttype',
  'dataschema',
  'subject',
  'ftprocess',
  'ftinstance',
  'ftstep',
  'ftowner',
  'ftcausation',
  'traceparent',
  'tracestate',
  'data',
];
const fieldName = fc.oneof(
  fc.constantFrom(...ENVELOPE_NAMES),
  fc.constantFrom('region', 'x1', '', 'Ext', 'a_b', 'ä', '__proto__', 'constructor', '\uD800'),
);
const DATA_NAMES = [
  'businessKeys',
  'attributes',
  'error',
  'deadline',
  'parent',
  'for',
  'messageId',
  'to',
  'from',
  'expectationId',
  'system',
  'process',
];
const dataValue = fc.oneof(
  oddValue,
  fc.constantFrom(
    { orderId: '4711' },
    { orderId: 4711 },
    { 'line\nbreak': 4711 },
    { message: 'boom' },
    { message: 'boom', code: 7 },
    { source: 's', process: 'p', instance: 'i' },
    { source: 's', process: 'p', instance: 'i', extra: 1 },
    { source: 's', process: '', instance: 'i' },
  ),
);
const TYPES = [
  'flowtrail.process.started',
  'flowtrail.step.waiting',
  'flowtrail.message.sent',
  'flowtrail.message.received',
  'flowtrail.expectation.registered',
  'flowtrail.expectation.fulfilled',
  'flowtrail.step.completed',
  'com.acme.custom',
];

/** Sets (or, for `undefined` with `remove`, deletes) one own property, `__proto__` too. */
function withField(
  target: Record<string, unknown>,
  name: string,
  value: unknown,
  remove: boolean,
): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...target };
  if (remove) delete copy[name];
  else Object.defineProperty(copy, name, { value, enumerable: true, writable: true });
  return copy;
}

describe('isValidEvent agrees with eventErrors', () => {
  it('on valid events', () => {
    fc.assert(fc.property(validEvent(), (event) => agrees(event)));
  });

  it('on valid events with one envelope attribute changed or removed', () => {
    fc.assert(
      fc.property(validEvent(), fieldName, oddValue, fc.boolean(), (event, name, value, remove) =>
        agrees(withField(event, name, value, remove)),
      ),
      { numRuns: 2000 },
    );
  });

  it('on events of every type with one data field changed or removed', () => {
    fc.assert(
      fc.property(
        validEvent(),
        fc.constantFrom(...TYPES),
        fc.constantFrom(...DATA_NAMES),
        dataValue,
        fc.boolean(),
        (event, type, name, value, remove) => {
          const data = withField(event.data, name, value, remove);
          agrees({ ...event, type, ftstep: 'pick', data });
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('on the decoder’s hostile inputs that parse as JSON', () => {
    fc.assert(
      fc.property(hostile, ({ bytes }) => {
        const text = decodeUtf8Strict(bytes);
        let value: unknown;
        try {
          value = JSON.parse(text ?? '');
        } catch {
          return; // not JSON: never reaches validation
        }
        agrees(value);
      }),
    );
  });

  it('on arbitrary values, null-prototype objects included', () => {
    fc.assert(fc.property(oddValue, (value) => agrees(value)));
    agrees(Object.assign(Object.create(null) as object, BASE));
    agrees({ ...BASE, data: undefined });
    agrees({ ...BASE, data: new Date(0) });
  });

  it('confirms nothing with inherited attributes, which only TypeBox reads', () => {
    const inherited = Object.assign(Object.create({ ftstep: 5 }) as object, BASE);
    expect(isValidEvent(inherited)).toBe(false);
  });

  it('a non-enumerable attribute with a bad value is not confirmed', () => {
    const event: Record<string, unknown> = { ...BASE };
    Object.defineProperty(event, 'hidden', { value: null, enumerable: false });
    expect(eventErrors(event)).toBeDefined(); // TypeBox walks every own name
    expect(isValidEvent(event)).toBe(false);
  });

  it('confirms every event the SDK builds', async () => {
    const events: FlowtrailEvent[] = [];
    const ft = createFlowtrail({
      source: 'billing',
      transport: { send: async (batch) => void events.push(...batch), close: async () => {} },
    });
    const order = ft.process('order', { businessKeys: { orderId: '4711' }, owner: 'team' });
    order.start({ attributes: { amount: 3 } });
    order.step('pick').waiting({ for: 'stock', deadline: new Date(0) });
    order.messageSent({ to: 'billing' });
    order.expect({ system: 'billing', process: 'invoice' });
    order.fail(new Error('boom'));
    await ft.shutdown();
    expect(events).toHaveLength(5);
    for (const event of events) expect(isValidEvent(event)).toBe(true);
  });
});
