/**
 * How KafkaTransport turns events into messages without repeating work (issue 11): the
 * messages `prepare` encoded ahead are the ones `send` uses, for the batch they were made
 * for and only for it; and the per-instance key cache (instance-key-cache.ts) always gives
 * `instanceKeyOf`'s key, with a bounded memory. A fake producer records what it is given.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KafkaTransport, type FlowtrailEvent } from '../src/index.ts';
import { instanceKeyOf } from '../src/protocol/instance-key.ts';
import { InstanceKeyCache } from '../src/transports/instance-key-cache.ts';

interface Sent {
  key: unknown;
  value: unknown;
}

function recordingTransport(): { transport: KafkaTransport; batches: Sent[][] } {
  const batches: Sent[][] = [];
  const producer = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    send: async (record: { messages: Sent[] }) => void batches.push(record.messages),
  };
  return { transport: new KafkaTransport({ producer: producer as never, topic: 't' }), batches };
}

function event(i: number, instance = `o-${i}`): FlowtrailEvent {
  return {
    specversion: '1.0',
    id: `e-${i}`,
    source: 'shop',
    type: 'app.updated',
    time: '2026-12-03T10:00:00.000Z',
    ftprocess: 'order',
    ftinstance: instance,
    data: {},
  };
}

/** The `id` each message's value says: what was encoded, and so when. */
const ids = (batch: Sent[] | undefined) =>
  (batch ?? []).map((m) => (JSON.parse(String(m.value)) as { id: string }).id);

describe('KafkaTransport: messages encoded ahead', () => {
  it('send uses the prepared messages of the events it was prepared for', async () => {
    const { transport, batches } = recordingTransport();
    const events = [event(1), event(2), event(3)];
    transport.prepare(events.slice(0, 2));
    // changed after prepare: the prepared message (the old id) proves it was reused
    for (const e of events) e.id = `${e.id}-later`;
    await transport.send(events);
    expect(ids(batches[0])).toEqual(['e-1', 'e-2', 'e-3-later']);
    expect(batches[0]?.map((m) => m.key)).toEqual([
      'shop/order/o-1',
      'shop/order/o-2',
      'shop/order/o-3',
    ]);
  });

  it('a batch that is not what was prepared is encoded now, and the preparation is forgotten', async () => {
    const { transport, batches } = recordingTransport();
    const events = [event(1), event(2)];
    transport.prepare(events);
    for (const e of events) e.id = `${e.id}-later`;
    await transport.send([events[1] as FlowtrailEvent]); // does not start the prepared list
    await transport.send(events); // prepared before the last send: forgotten by it
    expect(ids(batches[0])).toEqual(['e-2-later']);
    expect(ids(batches[1])).toEqual(['e-1-later', 'e-2-later']);
  });

  it('an event prepare could not encode is encoded (and fails) in send', async () => {
    const { transport } = recordingTransport();
    const bad = { ...event(1), data: { attributes: { n: 1n } } } as FlowtrailEvent;
    expect(() => transport.prepare([bad])).not.toThrow();
    await expect(transport.send([bad])).rejects.toThrow(/BigInt/);
  });
});

describe('InstanceKeyCache', () => {
  const part = fc.constantFrom('a', 'b', 'o/1', 'ä', '%', '\uD800', '');

  it('gives instanceKeyOf’s key for any sequence of events, sharing instance ids or not', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(part, part, part), { maxLength: 40 }), (refs) => {
        const cache = new InstanceKeyCache(4);
        for (const [source, process, instance] of refs) {
          const e = { ...event(0), source, ftprocess: process, ftinstance: instance };
          expect(cache.keyOf(e)).toBe(instanceKeyOf(e));
        }
        expect(cache.size).toBeLessThanOrEqual(4);
      }),
    );
  });

  it('remembers at most maxEntries instances', () => {
    const cache = new InstanceKeyCache(3);
    for (let i = 0; i < 10; i += 1) cache.keyOf(event(i));
    expect(cache.size).toBeLessThanOrEqual(3);
    expect(cache.size).toBeGreaterThan(0);
  });
});
