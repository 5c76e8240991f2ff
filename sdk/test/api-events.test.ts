import { CloudEvent, HTTP } from 'cloudevents';
import { afterEach, describe, expect, it } from 'vitest';
import { EventTypes, InvalidEventError } from '../src/index.ts';
import type { FlowtrailEvent, ProcessHandle } from '../src/index.ts';
import { validateEvent } from '../src/protocol/validate.ts';
import { T0, testClient, type TestClient } from './helpers.ts';

let client: TestClient;
afterEach(async () => {
  await client?.ft.shutdown();
});

/** Emits one of every kind of event the API offers. */
async function emitEverything(): Promise<FlowtrailEvent[]> {
  client = testClient();
  const { ft, transport } = client;
  const order = ft.process('order-fulfilment', {
    instance: '4711',
    businessKeys: { orderId: '4711' },
    owner: 'team-orders',
  });
  order.start({ deadline: new Date('2025-03-02T10:00:00Z') });
  const pick = order.step('pick', { owner: 'warehouse' });
  pick.start();
  pick.waiting({ for: 'stock replenishment', deadline: '2025-03-01T12:00:00Z' });
  pick.complete({ attributes: { items: 3 } });
  order.step('pack').fail(Object.assign(new Error('tape ran out'), { code: 'E_TAPE' }));
  const expectationId = order.expect({
    system: 'shipping',
    process: 'shipment',
    deadline: new Date('2025-03-01T18:00:00Z'),
  });
  order.messageSent({ to: 'shipping', messageId: 'm-1', expectationId });
  order.messageReceived({ from: 'shipping', messageId: 'm-2' });
  order.fulfil(expectationId);
  order.assignOwner('team-support');
  order.step('pack').assignOwner('night-shift');
  order.event('billing.invoice.sent', { invoiceId: 'inv-9' });
  order.complete();
  ft.process('order-fulfilment', { instance: '4712' }).fail('payment declined');
  ft.process('order-fulfilment', { instance: '4713' }).cancel({ reason: 'customer' });
  await ft.flush();
  expect(client.errors).toEqual([]);
  return transport.events;
}

describe('the API emits valid protocol-v1 events', () => {
  it('emits every event kind, each passing validateEvent', async () => {
    const events = await emitEverything();
    expect(events.map((e) => e.type)).toEqual([
      EventTypes.processStarted,
      EventTypes.stepStarted,
      EventTypes.stepWaiting,
      EventTypes.stepCompleted,
      EventTypes.stepFailed,
      EventTypes.expectationRegistered,
      EventTypes.messageSent,
      EventTypes.messageReceived,
      EventTypes.expectationFulfilled,
      EventTypes.ownerAssigned,
      EventTypes.ownerAssigned,
      'billing.invoice.sent',
      EventTypes.processCompleted,
      EventTypes.processFailed,
      EventTypes.processCancelled,
    ]);
    for (const event of events) expect(validateEvent(event)).toMatchObject({ ok: true });
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(client.ft.stats()).toMatchObject({ emitted: 15, sent: 15, invalid: 0, pending: 0 });
  });

  it('fills envelope, extensions and data from the handles', async () => {
    const events = await emitEverything();
    const [started, pickStarted, waiting, pickDone, packFailed, registered, sent] = events;
    expect(started).toMatchObject({
      specversion: '1.0',
      source: 'billing',
      time: T0.toISOString(),
      ftprocess: 'order-fulfilment',
      ftinstance: '4711',
      ftowner: 'team-orders',
      data: { businessKeys: { orderId: '4711' }, deadline: '2025-03-02T10:00:00.000Z' },
    });
    expect(started?.ftstep).toBeUndefined();
    expect(pickStarted).toMatchObject({ ftstep: 'pick', ftowner: 'warehouse' });
    expect(waiting?.data).toMatchObject({
      for: 'stock replenishment',
      deadline: '2025-03-01T12:00:00Z',
    });
    expect(pickDone?.data.attributes).toEqual({ items: 3 });
    expect(packFailed).toMatchObject({ ftstep: 'pack', ftowner: 'team-orders' });
    expect(packFailed?.data.error).toEqual({ message: 'tape ran out', code: 'E_TAPE' });
    expect(registered?.data).toMatchObject({ system: 'shipping', process: 'shipment' });
    expect(sent?.data).toMatchObject({ to: 'shipping', messageId: 'm-1' });
    const owners = events.filter((e) => e.type === EventTypes.ownerAssigned);
    expect(owners.map((e) => [e.ftowner, e.ftstep])).toEqual([
      ['team-support', undefined],
      ['night-shift', 'pack'],
    ]);
    const completed = events.find((e) => e.type === EventTypes.processCompleted);
    expect(completed?.ftowner).toBe('team-support');
    expect(events.find((e) => e.type === EventTypes.processFailed)?.data.error).toEqual({
      message: 'payment declined',
    });
  });

  it('every event is a valid CloudEvent for the cloudevents SDK, and survives HTTP', async () => {
    const events = await emitEverything();
    for (const event of events) {
      const ce = new CloudEvent<Record<string, unknown>>(
        event as unknown as Record<string, unknown>,
      );
      expect(ce.validate()).toBe(true);
      for (const message of [HTTP.binary(ce), HTTP.structured(ce)]) {
        const back = HTTP.toEvent(message) as CloudEvent<Record<string, unknown>>;
        const { ...plain } = back.toJSON();
        expect(plain).toEqual({ ...event });
      }
    }
  });

  it('reports an invalid call through onError and the counters, never by throwing', async () => {
    client = testClient();
    const { ft, transport, errors } = client;
    const order = ft.process('order-fulfilment', { instance: 'x' });
    expect(() => order.step('').start()).not.toThrow();
    expect(() => order.event('flowtrail.made.up')).not.toThrow();
    expect(() => order.start({ deadline: new Date(Number.NaN) })).not.toThrow();
    expect(() => order.expect({ system: '', process: 'p' })).not.toThrow();
    const bad = ft.process('p', { businessKeys: { n: 1 as unknown as string } });
    expect(() => bad.start()).not.toThrow();
    await ft.flush();
    expect(transport.events).toEqual([]);
    expect(ft.stats()).toMatchObject({ invalid: 5, emitted: 0 });
    expect(errors).toHaveLength(5);
    expect(errors.every((e) => e instanceof InvalidEventError && !e.retriable)).toBe(true);
    // A call that cannot be built (the NaN deadline) is reported at once; the other four
    // when the delivery path validates their batch (after the call returned).
    const madeUp = errors.find((e) => (e as InvalidEventError).eventType === 'flowtrail.made.up');
    expect((madeUp as InvalidEventError).errors.join()).toMatch(/unknown Flowtrail event type/);
  });

  it('never throws when the clock, the id generator or onError throw', async () => {
    let clockBroken = true;
    client = testClient({
      clock: () => {
        if (clockBroken) throw new Error('clock broken');
        return T0;
      },
      newId: () => {
        throw new Error('no ids today');
      },
      onError: () => {
        throw new Error('callback broken too');
      },
    });
    const order = client.ft.process('p', { instance: 'i' });
    expect(() => order.start()).not.toThrow();
    expect(client.ft.stats().invalid).toBe(1);
    clockBroken = false;
    order.complete(); // ids fall back to crypto.randomUUID
    await client.ft.flush();
    expect(client.transport.events).toHaveLength(1);
  });

  it('gives each process handle a fresh instance id when none is passed', () => {
    client = testClient();
    const a = client.ft.process('p');
    const b = client.ft.process('p');
    expect(a.instance).not.toBe(b.instance);
    expect(a.instance).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('gives a step handle its process handle, typed as one', () => {
    client = testClient();
    const order = client.ft.process('order-fulfilment', { instance: '4711' });
    // Compiles only while `StepHandle.process` is a ProcessHandle (see the module
    // augmentation in src/process-handle.ts).
    const process: ProcessHandle = order.step('pick').process;
    expect(process).toBe(order);
    expect(process.instance).toBe('4711');
  });

  it('emitEvent validates an already-built event', async () => {
    client = testClient();
    const ok = client.ft.emitEvent({
      specversion: '1.0',
      id: 'e-1',
      source: 'legacy',
      type: 'legacy.thing.done',
      time: T0.toISOString(),
      ftprocess: 'p',
      ftinstance: 'i',
      data: {},
    });
    const bad = client.ft.emitEvent({ id: 'e-2' } as unknown as FlowtrailEvent);
    await client.ft.flush();
    expect([ok, bad]).toEqual([true, false]);
    expect(client.transport.events.map((e) => e.id)).toEqual(['e-1']);
  });
});
