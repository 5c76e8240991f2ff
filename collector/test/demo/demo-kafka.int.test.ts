/**
 * `flowtrail demo --transport kafka --instances 20` against the REAL Kafka at
 * KAFKA_BROKERS (default 127.0.0.1:9092), into a topic of its own, read back with a
 * plain kafkajs consumer. The topic is deleted at the end.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EventTypes, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { demoCommand } from '../../src/tools/cli/demo-command.ts';
import { generatePlan } from '../../src/tools/demo/scenario.ts';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const kafka = new Kafka({ clientId: 'flowtrail-demo-it', brokers, logLevel: logLevel.NOTHING });
const topic = `flowtrail-demo-it-${randomUUID().slice(0, 8)}`;
let admin: Admin;

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
});

afterAll(async () => {
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
});

/** Messages in the topic now (sum of the high watermarks). */
async function messageCount(): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
}

/** Reads `count` messages from the beginning; rejects after `timeoutMs`. */
async function readAll(count: number, timeoutMs = 60_000): Promise<FlowtrailEvent[]> {
  const consumer = kafka.consumer({ groupId: `flowtrail-demo-it-${randomUUID()}` });
  const events: FlowtrailEvent[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`read ${events.length}/${count} messages in ${timeoutMs} ms`)),
        timeoutMs,
      );
      consumer
        .run({
          eachMessage: async ({ message }) => {
            events.push(JSON.parse(message.value!.toString('utf8')) as FlowtrailEvent);
            if (events.length >= count) {
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
  return events;
}

describe('flowtrail demo --transport kafka (real Kafka)', () => {
  it('sends 20 orders of three systems with their parent links', async () => {
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
    let code: number;
    try {
      code = await demoCommand([
        ...['--transport', 'kafka', '--brokers', brokers.join(','), '--topic', topic],
        ...['--instances', '20', '--seed', 'it-seed', '--fault-rate', '0.1'],
      ]);
    } finally {
      log.mockRestore();
    }
    const output = lines.join('\n');
    expect(code, output).toBe(0);
    expect(output).toContain('20 orders');

    // shutdown() returned, so every event is acknowledged (acks: all) and counted here
    const count = await messageCount();
    expect(count).toBeGreaterThan(20 * 10);
    const events = await readAll(count);

    expect(new Set(events.map((e) => e.source))).toEqual(
      new Set(['shop', 'payments', 'logistics']),
    );
    const started = (source: string): FlowtrailEvent[] =>
      events.filter((e) => e.type === EventTypes.processStarted && e.source === source);
    const orders = new Set(started('shop').map((e) => e.ftinstance));
    expect(orders.size).toBe(20);

    const sent = new Map(
      events.filter((e) => e.type === EventTypes.messageSent).map((e) => [e.id, e]),
    );
    const subprocesses = [...started('payments'), ...started('logistics')];
    expect(started('payments').length).toBeGreaterThan(0);
    expect(started('logistics').length).toBeGreaterThan(0);
    // duplicated deliveries arrive as the same event (same id) twice
    const scenario = { seed: 'it-seed', runId: 'any', faultRate: 0.1, pace: 'history' } as const;
    const duplicates = Array.from({ length: 20 }, (_, i) =>
      generatePlan(i, new Date(), scenario),
    ).filter((p) => p.faults.includes('duplicate-delivery')).length;
    expect(duplicates).toBeGreaterThan(0);
    expect(events.length - new Set(events.map((e) => e.id)).size).toBe(duplicates);

    for (const sub of subprocesses) {
      const parent = sub.data.parent as { source: string; process: string; instance: string };
      expect(parent).toMatchObject({ source: 'shop', process: 'order-fulfilment' });
      expect(orders.has(parent.instance)).toBe(true);
      expect(sent.get(sub.ftcausation as string)).toMatchObject({
        source: 'shop',
        ftinstance: parent.instance,
      });
      expect(sub.data.businessKeys).toMatchObject({ orderId: expect.stringMatching(/^ORD-/) });
    }
  });
});
