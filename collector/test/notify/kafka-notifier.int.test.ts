/**
 * The Kafka alert notifier against the REAL Kafka: records on a topic of their own, read
 * back with a plain kafkajs consumer (key, JSON value, headers); the topic is deleted after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type Admin, type Consumer, type KafkaMessage } from 'kafkajs';
import { webhookBody } from '../../src/ports/notifier.ts';
import { KafkaAlertNotifier } from '../../src/adapters/kafka/notify/kafka-alert-notifier.ts';
import { NotifyError } from '../../src/ports/notifier.ts';
import {
  brokers,
  createTopics,
  deleteKafkaResources,
  testKafka,
  uniqueName,
} from '../helpers/servers.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { sampleNotification } from './sample-notification.ts';

const name = uniqueName('notify');
const topic = `${name}.alerts`;
const groupId = `${name}-reader`;
const kafka = testKafka();

let admin: Admin;
let consumer: Consumer;
let notifier: KafkaAlertNotifier;
const received: KafkaMessage[] = [];

beforeAll(async () => {
  admin = kafka.admin();
  await waitFor(
    async () => {
      await admin.connect();
      await admin.listTopics();
      return true;
    },
    { timeoutMs: 120_000, description: 'kafka' },
  );
  await createTopics(admin, [topic], 3);
  consumer = kafka.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void received.push(message) });
  notifier = new KafkaAlertNotifier(kafka, topic);
});

afterAll(async () => {
  await notifier?.disconnect();
  await consumer?.disconnect();
  await deleteKafkaResources(admin, [topic], [groupId]);
  await admin?.disconnect();
});

const header = (message: KafkaMessage, key: string): string | undefined =>
  message.headers?.[key]?.toString();

describe('KafkaAlertNotifier (real Kafka)', () => {
  it('publishes each transition keyed by alert id, with kind and status headers', async () => {
    const fired = sampleNotification();
    const resolved = sampleNotification({
      transition: 'resolved',
      status: 'resolved',
      at: '2024-07-01T12:30:00.000Z',
    });
    const other = sampleNotification({
      alertId: 'orphan/shipping%2Fshipment%2Fs-1',
      kind: 'orphan',
      process: 'shipment',
      instance: 's-1',
      step: undefined,
    });
    await notifier.send(fired);
    await notifier.send(other);
    await notifier.send(resolved);

    await waitFor(() => received.length >= 3, { description: 'three alert records' });
    expect(received).toHaveLength(3);
    const byKey = (key: string): KafkaMessage[] =>
      received.filter((m) => m.key?.toString() === key);

    // Same key, same partition: the transitions of one alert arrive in order.
    const [first, second] = byKey(fired.alertId);
    expect(JSON.parse(first?.value?.toString() ?? '')).toEqual(webhookBody(fired));
    expect(JSON.parse(second?.value?.toString() ?? '')).toEqual(webhookBody(resolved));
    expect(header(first!, 'flowtrail-alert-kind')).toBe('stuck');
    expect(header(first!, 'flowtrail-alert-status')).toBe('firing');
    expect(header(second!, 'flowtrail-alert-status')).toBe('resolved');
    expect(header(second!, 'flowtrail-alert-transition')).toBe('resolved');

    const [orphan] = byKey(other.alertId);
    expect(header(orphan!, 'flowtrail-alert-kind')).toBe('orphan');
    expect(JSON.parse(orphan?.value?.toString() ?? '')).toMatchObject({
      schemaVersion: 1,
      kind: 'orphan',
      instance: 's-1',
    });
    expect(JSON.parse(orphan?.value?.toString() ?? '')).not.toHaveProperty('step');
  });

  it('fails with a NotifyError when the topic does not exist', async () => {
    const missing = new KafkaAlertNotifier(testKafkaWithFewRetries(), `${name}.does-not-exist`);
    try {
      const err = await missing.send(sampleNotification()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotifyError);
      expect((err as NotifyError).channel).toBe('kafka');
      expect((err as Error).message).toContain(`${name}.does-not-exist`);
    } finally {
      await missing.disconnect();
    }
    expect((await admin.listTopics()).includes(`${name}.does-not-exist`)).toBe(false);
  });
});

/** The test client with few retries: the missing topic is not coming. */
function testKafkaWithFewRetries(): Kafka {
  return new Kafka({
    clientId: 'flowtrail-it',
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 1, initialRetryTime: 100 },
  });
}
