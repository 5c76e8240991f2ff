/**
 * The transport contract (interface `Transport`), run against every transport:
 * `memory-transport.test.ts`, `http-transport.test.ts` (a real `node:http` receiver that
 * decodes the CloudEvents batch with the `cloudevents` library) and
 * `kafka-transport.int.test.ts` (the REAL Kafka, read back with a consumer).
 *
 * An endpoint is asked for in one of three behaviours: accepting everything, refusing
 * every batch for good (HTTP 400, a record the topic refuses, a scripted non-retriable
 * failure), or unreachable (nothing listens; short timeouts). Every test uses event ids
 * and instances of its own (receivers may be shared) and ends with one last event per
 * instance it waits for, so a lost or doubled event before it shows (events of one
 * instance keep one order on every transport).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  EventTypes,
  TransportError,
  type FlowtrailEvent,
  type Transport,
} from '../../src/index.ts';

export type EndpointBehaviour = 'accept' | 'refuse' | 'unreachable';

export interface TransportTarget {
  transport: Transport;
  /** Every event the receiver got so far, in arrival order; may need polling (Kafka). */
  received(): Promise<FlowtrailEvent[]>;
  /** Closes the transport (again) and stops the receiver. */
  close(): Promise<void>;
}

export interface TransportUnderTest {
  open(behaviour: EndpointBehaviour): Promise<TransportTarget>;
  cleanup?(): Promise<void>;
}

export function describeTransportContract(
  name: string,
  makeEndpoint: () => Promise<TransportUnderTest>,
): void {
  describe(`transport contract: ${name}`, () => {
    let endpoint: TransportUnderTest | undefined;
    const opened: TransportTarget[] = [];
    const open = async (behaviour: EndpointBehaviour): Promise<TransportTarget> => {
      if (endpoint === undefined) throw new Error('endpoint not created');
      const target = await endpoint.open(behaviour);
      opened.push(target);
      return target;
    };

    beforeAll(async () => {
      endpoint = await makeEndpoint();
    });
    afterEach(async () => {
      for (const target of opened.splice(0)) await target.close();
    });
    afterAll(async () => {
      await endpoint?.cleanup?.();
    });

    const tag = (): string => `c${randomBytes(4).toString('hex')}`;
    const event = (id: string, instance: string, overrides: Partial<FlowtrailEvent> = {}) =>
      ({
        specversion: '1.0',
        id,
        source: 'billing',
        type: EventTypes.stepStarted,
        time: '2025-03-01T10:00:00.000Z',
        ftprocess: 'payment',
        ftinstance: instance,
        ftstep: 'capture',
        data: { businessKeys: { orderId: `ORD-${id}` } },
        ...overrides,
      }) as FlowtrailEvent;

    /**
     * Sends the batches, then one last event per instance; waits until every last event
     * arrived and returns the events received before them, per instance, in order.
     */
    const sendAndReceive = async (
      target: TransportTarget,
      prefix: string,
      instances: string[],
      batches: FlowtrailEvent[][],
    ): Promise<Map<string, FlowtrailEvent[]>> => {
      for (const batch of batches) await target.transport.send(batch);
      const last = instances.map((instance) => event(`${prefix}-last-${instance}`, instance));
      await target.transport.send(last);
      const ours = await vi.waitFor(
        async () => {
          const events = (await target.received()).filter((e) => e.id.startsWith(prefix));
          if (!last.every((l) => events.some((e) => e.id === l.id))) {
            throw new Error(`the last events of ${prefix} have not arrived`);
          }
          return events;
        },
        { timeout: 60_000, interval: 100 },
      );
      const byInstance = new Map<string, FlowtrailEvent[]>();
      for (const instance of instances) {
        const of = ours.filter((e) => e.ftinstance === instance);
        expect(of.at(-1), instance).toEqual(last.find((l) => l.ftinstance === instance));
        byInstance.set(instance, of.slice(0, -1));
      }
      return byInstance;
    };

    it('delivers every event of a batch once, with its id, in order per instance', async () => {
      const target = await open('accept');
      const t = tag();
      const instances = [0, 1, 2, 3, 4].map((i) => `${t}-order-${i}`);
      const batch = Array.from({ length: 25 }, (_, i) =>
        event(`${t}-${i}`, instances[i % 5]!, { ftstep: `step-${i}` }),
      );
      const second = Array.from({ length: 8 }, (_, i) =>
        event(`${t}-second-${i}`, instances[(i * 3) % 5]!),
      );
      const got = await sendAndReceive(target, t, instances, [batch, second]);
      for (const instance of instances) {
        const sent = [...batch, ...second].filter((e) => e.ftinstance === instance);
        expect(got.get(instance), instance).toEqual(sent);
      }
    });

    it('accepts an empty batch and delivers nothing for it', async () => {
      const target = await open('accept');
      const t = tag();
      await target.transport.send([]);
      expect(await sendAndReceive(target, t, [`${t}-i`], [[]])).toEqual(new Map([[`${t}-i`, []]]));
    });

    it('delivers every field intact: unicode, trace context, extensions, nested data', async () => {
      const target = await open('accept');
      const t = tag();
      const instance = `${t}-o/1 ü € 𝄞 日本`;
      const { ftstep: _noStep, ...full } = event(`${t}-full`, instance, {
        type: EventTypes.processStarted,
        ftprocess: 'auftrag-ü',
        ftowner: 'team-zahlung ✓',
        ftcausation: `${t}-cause`,
        subject: 'betreff <&>',
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        tracestate: 'vendor=ü',
        data: {
          businessKeys: { orderId: 'ORD-ü-1', kunde: '日本' },
          attributes: { amount: 12.5, flags: [true, null, 'x'], nested: { deep: { n: 1 } } },
          parent: { source: 'shop', process: 'order', instance: 'o-1', expectationId: 'e-1' },
        },
      });
      const got = await sendAndReceive(target, t, [instance], [[full]]);
      expect(got.get(instance)).toEqual([full]);
    });

    it('closes idempotently, and refuses a send after close as not retriable', async () => {
      const unused = (await open('accept')).transport;
      await unused.close();
      await unused.close();
      const target = await open('accept');
      const t = tag();
      await target.transport.send([event(`${t}-before`, `${t}-i`)]);
      await target.transport.close();
      await target.transport.close();
      const err = await target.transport
        .send([event(`${t}-after`, `${t}-i`)])
        .then(() => undefined)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TransportError);
      expect((err as TransportError).retriable).toBe(false);
      expect((await target.received()).filter((e) => e.id === `${t}-after`)).toEqual([]);
    });

    const failure = async (behaviour: EndpointBehaviour): Promise<TransportError> => {
      const target = await open(behaviour);
      const t = tag();
      const err = await target.transport
        .send([event(`${t}-1`, `${t}-i`), event(`${t}-2`, `${t}-i`)])
        .then(() => undefined)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TransportError);
      expect((await target.received()).filter((e) => e.id.startsWith(t))).toEqual([]);
      return err as TransportError;
    };

    it('reports an unreachable endpoint as a retriable TransportError, in bounded time', async () => {
      expect((await failure('unreachable')).retriable).toBe(true);
    }, 60_000);

    it('reports a refused batch as a TransportError that is not retriable', async () => {
      expect((await failure('refuse')).retriable).toBe(false);
    }, 60_000);
  });
}
