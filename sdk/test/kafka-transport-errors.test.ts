/**
 * KafkaTransport's handling of failed sends (kafka-transport.ts): which kafkajs errors are
 * retriable, and the renewal of the producer it owns after a failed send, so that a
 * re-sent batch never reuses the sequence numbers kafkajs rolled back. A fake kafkajs
 * client with kafkajs' real error classes: the broker is not what this is about.
 */
import {
  KafkaJSConnectionError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
} from 'kafkajs';
import type { Kafka, Producer, ProducerRecord } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { EventTypes, KafkaTransport, TransportError, type FlowtrailEvent } from '../src/index.ts';

class FakeProducer {
  sent: ProducerRecord[] = [];
  connected = false;
  disconnected = false;
  failWith: unknown;

  async connect(): Promise<void> {
    this.connected = true;
  }
  async disconnect(): Promise<void> {
    this.disconnected = true;
  }
  async send(record: ProducerRecord): Promise<unknown[]> {
    if (this.failWith !== undefined) throw this.failWith;
    this.sent.push(record);
    return [];
  }
}

function fakeKafka(): { kafka: Kafka; producers: FakeProducer[] } {
  const producers: FakeProducer[] = [];
  const kafka = {
    producer: () => {
      const p = new FakeProducer();
      producers.push(p);
      return p as unknown as Producer;
    },
  } as unknown as Kafka;
  return { kafka, producers };
}

const event: FlowtrailEvent = {
  specversion: '1.0',
  id: 'e-1',
  source: 'billing',
  type: EventTypes.processStarted,
  time: '2026-01-01T00:00:00.000Z',
  ftprocess: 'p',
  ftinstance: 'i',
  data: {},
};

const outOfOrder = Object.assign(new Error('The broker received an out of order sequence number'), {
  name: 'KafkaJSProtocolError',
  type: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
  retriable: false,
});

describe('KafkaTransport producer renewal', () => {
  it('after a failed send, the next send goes through a new producer; a sequence error is retriable', async () => {
    const { kafka, producers } = fakeKafka();
    const transport = new KafkaTransport({ kafka, topic: 't' });
    await transport.send([event]);
    expect(producers).toHaveLength(1);
    producers[0]!.failWith = outOfOrder;
    const err = await transport.send([event]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).retriable).toBe(true);
    expect(producers).toHaveLength(2);
    await transport.send([event, { ...event, id: 'e-2' }]);
    expect(producers[1]!.sent).toHaveLength(1);
    expect(producers[1]!.connected).toBe(true);
    await new Promise((r) => setTimeout(r, 0));
    expect(producers[0]!.disconnected).toBe(true);
    await transport.close();
    expect(producers[1]!.disconnected).toBe(true);
  });

  it('a caller-owned producer is never replaced; its sequence errors stay non-retriable', async () => {
    const producer = new FakeProducer();
    producer.failWith = outOfOrder;
    const transport = new KafkaTransport({ producer: producer as unknown as Producer, topic: 't' });
    const err = await transport.send([event]).catch((e: unknown) => e);
    expect((err as TransportError).retriable).toBe(false);
    await transport.close();
    expect(producer.disconnected).toBe(false);
  });
});

/** kafkajs' constructors take `{ cause }` at runtime; its typings do not say so. */
type WithCause = new (e: Error, options: { cause: Error }) => Error & { retriable: boolean };
const NonRetriable = KafkaJSNonRetriableError as unknown as WithCause;
const RetriesExceeded = KafkaJSNumberOfRetriesExceeded as unknown as WithCause;

describe('KafkaTransport error classification', () => {
  async function classify(error: unknown): Promise<boolean> {
    const { kafka, producers } = fakeKafka();
    const transport = new KafkaTransport({ kafka, topic: 't' });
    await transport.send([event]);
    producers[0]!.failWith = error;
    const err = await transport.send([event]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    await transport.close();
    return (err as TransportError).retriable;
  }

  it('the broker down, however deeply kafkajs wrapped it, is retriable', async () => {
    const refused = new KafkaJSConnectionError(
      'Connection error: connect ECONNREFUSED 127.0.0.1:9092',
    );
    // what producer.send rejects with when the broker is down: the producer's retrier wraps
    // the cluster's KafkaJSNumberOfRetriesExceeded in a KafkaJSNonRetriableError
    const exhausted = new RetriesExceeded(refused, { cause: refused });
    const wrapped = new NonRetriable(exhausted, { cause: refused });
    expect(wrapped.retriable).toBe(false);
    expect(await classify(wrapped)).toBe(true);
    expect(await classify(exhausted)).toBe(true);
    expect(await classify(refused)).toBe(true);
    expect(await classify(new Error('something unknown'))).toBe(true);
  });

  it('a broker that refuses the message for good, or a bug, is not retriable', async () => {
    const tooLarge = new KafkaJSProtocolError(
      Object.assign(new Error('The request included a message larger than the max message size'), {
        type: 'MESSAGE_TOO_LARGE',
        code: 10,
        retriable: false,
      }) as never,
    );
    expect(await classify(tooLarge)).toBe(false);
    expect(await classify(new NonRetriable(tooLarge, { cause: tooLarge }))).toBe(false);
    expect(await classify(new TypeError('x is not a function'))).toBe(false);
  });
});
