/**
 * KafkaTransport against the REAL broker at KAFKA_BROKERS (default 127.0.0.1:9092), as
 * started by `npx flowtrail infra up`. Each run uses its own topics and deletes them.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type { Admin, KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createFlowtrail,
  EventTypes,
  KafkaTransport,
  TransportError,
  type FlowtrailError,
  type FlowtrailEvent,
  type Transport,
} from '../src/index.ts';
import { instanceKeyOf } from '../src/protocol/instance-key.ts';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const kafka = new Kafka({ clientId: 'flowtrail-sdk-it', brokers, logLevel: logLevel.NOTHING });
const runId = randomUUID().slice(0, 8);
const topics: string[] = [];
let admin: Admin;

async function newTopic(partitions: number): Promise<string> {
  const topic = `flowtrail-sdk-it-${runId}-${topics.length}`;
  topics.push(topic);
  await admin.createTopics({
    topics: [{ topic, numPartitions: partitions }],
    waitForLeaders: true,
  });
  return topic;
}

interface Received {
  partition: number;
  message: KafkaMessage;
}

/** Reads `count` messages of `topic` from the beginning; rejects after `timeoutMs`. */
async function consume(topic: string, count: number, timeoutMs = 60_000): Promise<Received[]> {
  const consumer = kafka.consumer({ groupId: `flowtrail-sdk-it-${randomUUID()}` });
  const received: Received[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`got ${received.length}/${count} messages in ${timeoutMs} ms`)),
        timeoutMs,
      );
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            received.push({ partition, message });
            if (received.length >= count) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return received;
}

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect(); // kafkajs retries while the broker is still starting
});

afterAll(async () => {
  if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.disconnect();
});

describe('KafkaTransport (real Kafka)', () => {
  it('writes structured CloudEvents keyed by instance; one instance stays on one partition', async () => {
    const topic = await newTopic(4);
    const errors: FlowtrailError[] = [];
    const kafkaTransport = new KafkaTransport({ brokers, topic });
    const emitted: FlowtrailEvent[] = [];
    const recording: Transport = {
      send: async (events) => {
        await kafkaTransport.send(events);
        emitted.push(...events);
      },
      close: () => kafkaTransport.close(),
    };
    const ft = createFlowtrail({
      source: 'billing',
      transport: recording,
      onError: (err) => errors.push(err),
      maxBatchSize: 7,
    });
    const instances = Array.from({ length: 8 }, (_, k) => `order-${k}`);
    for (const instance of instances) {
      const order = ft.process('order-fulfilment', {
        instance,
        businessKeys: { orderId: instance },
      });
      order.start();
      order.step('pick', { owner: 'warehouse' }).start();
      order.step('pick').complete();
      order.complete();
    }
    await ft.shutdown();
    expect(errors).toEqual([]);
    expect(ft.stats()).toMatchObject({ emitted: 32, sent: 32, failed: 0, dropped: 0 });

    const received = await consume(topic, 32);
    expect(received).toHaveLength(32);
    const byId = new Map<string, FlowtrailEvent>();
    const partitionsOf = new Map<string, Set<number>>();
    for (const { partition, message } of received) {
      expect(message.headers?.['content-type']?.toString()).toBe('application/cloudevents+json');
      const event = JSON.parse(message.value!.toString('utf8')) as FlowtrailEvent;
      expect(message.key?.toString()).toBe(instanceKeyOf(event));
      byId.set(event.id, event);
      const key = message.key!.toString();
      partitionsOf.set(key, (partitionsOf.get(key) ?? new Set()).add(partition));
    }
    expect(byId.size).toBe(32);
    for (const event of emitted) expect(byId.get(event.id)).toEqual(event);
    expect(partitionsOf.size).toBe(8);
    for (const parts of partitionsOf.values()) expect(parts.size).toBe(1);
    // within one instance (one partition) the order is the emit order
    for (const instance of instances) {
      const types = received
        .map((r) => JSON.parse(r.message.value!.toString('utf8')) as FlowtrailEvent)
        .filter((e) => e.ftinstance === instance)
        .map((e) => e.type);
      expect(types).toEqual([
        EventTypes.processStarted,
        EventTypes.stepStarted,
        EventTypes.stepCompleted,
        EventTypes.processCompleted,
      ]);
    }
    const sample = [...byId.values()].find((e) => e.type === EventTypes.stepStarted)!;
    expect(sample).toMatchObject({
      specversion: '1.0',
      source: 'billing',
      ftprocess: 'order-fulfilment',
      ftstep: 'pick',
      ftowner: 'warehouse',
    });
  });

  it('uses a caller-owned producer and leaves it connected on close', async () => {
    const topic = await newTopic(1);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const ft = createFlowtrail({
      source: 'shipping',
      transport: new KafkaTransport({ producer, topic }),
    });
    const shipment = ft.process('shipment', { instance: 's-1' });
    shipment.start();
    shipment.event('shipping.label.printed', { carrier: 'dhl', weightKg: 2.5 });
    shipment.fail(new Error('truck broke down'));
    await ft.shutdown();
    await producer.send({ topic, messages: [{ value: 'still connected' }] });
    await producer.disconnect();

    const received = await consume(topic, 4);
    const values = received.map(({ message }) => message.value!.toString('utf8'));
    expect(values[3]).toBe('still connected');
    const events = values.slice(0, 3).map((v) => JSON.parse(v) as FlowtrailEvent);
    expect(events.map((e) => e.type)).toEqual([
      EventTypes.processStarted,
      'shipping.label.printed',
      EventTypes.processFailed,
    ]);
    expect(events[1]?.data).toEqual({ carrier: 'dhl', weightKg: 2.5 });
    expect(events[2]?.data.error).toEqual({ message: 'truck broke down' });
  });

  it('reports a retriable TransportError when no broker is reachable', async () => {
    const transport = new KafkaTransport({
      brokers: ['127.0.0.1:1'],
      topic: 'unused',
      kafkaConfig: { retry: { retries: 0 }, connectionTimeout: 500, logLevel: logLevel.NOTHING },
      producerConfig: { retry: { retries: 1, initialRetryTime: 50 } },
    });
    const err = await transport.send([sampleEvent()]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).retriable).toBe(true);
    await transport.close();
  });
});

function sampleEvent(): FlowtrailEvent {
  return {
    specversion: '1.0',
    id: randomUUID(),
    source: 'billing',
    type: EventTypes.processStarted,
    time: new Date().toISOString(),
    ftprocess: 'p',
    ftinstance: 'i',
    data: {},
  };
}
