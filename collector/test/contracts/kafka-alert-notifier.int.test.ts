/**
 * The notifier contract against `KafkaAlertNotifier` and the REAL Kafka: alerts on a topic
 * of its own (three partitions), read back with a plain consumer (record key, JSON value,
 * `flowtrail-alert-*` headers, which must agree with the value). Failures: a topic that
 * does not exist (transient: it may be created), a topic whose `max.message.bytes` no
 * alert fits (permanent), a broker address nothing listens on (unreachable); the failing
 * notifiers use a client with few retries.
 */
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import {
  ALERT_KIND_HEADER,
  ALERT_STATUS_HEADER,
  ALERT_TRANSITION_HEADER,
} from '../../src/adapters/kafka/notify/format-kafka.ts';
import { KafkaAlertNotifier } from '../../src/adapters/kafka/notify/kafka-alert-notifier.ts';
import type { WebhookBody } from '../../src/ports/notifier.ts';
import { brokers } from '../helpers/servers.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { contractTopics, headerText, type ReceivedRecord } from './kafka-contract-topics.ts';
import { describeNotifierContract, type DeliveredFacts } from './notifier-contract.ts';

/** The facts of a record; a disagreeing key or header shows as a value no test expects. */
function decodeRecord(message: KafkaMessage): Partial<DeliveredFacts> {
  const body = JSON.parse(message.value?.toString('utf8') ?? 'null') as WebhookBody;
  const agreeing = (what: string, carried: string | undefined, value: string): string =>
    carried === value ? value : `${what} ${String(carried)} ≠ ${value}`;
  return {
    alertId: agreeing('key', message.key?.toString('utf8'), body.alertId),
    kind: agreeing('header', headerText(message, ALERT_KIND_HEADER), body.kind),
    status: agreeing('header', headerText(message, ALERT_STATUS_HEADER), body.status),
    transition: agreeing('header', headerText(message, ALERT_TRANSITION_HEADER), body.transition),
    instance: body.instance,
    summary: body.summary,
  };
}

/** A client that gives up soon: the failures below are not coming back within a test. */
function impatientKafka(to: string[] = brokers): Kafka {
  return new Kafka({
    clientId: 'flowtrail-it',
    brokers: to,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    retry: { retries: 1, initialRetryTime: 100 },
  });
}

describeNotifierContract('kafka', async () => {
  const topics = await contractTopics('alerts-contract');
  let accepting: Promise<{ topic: string; records: ReceivedRecord[] }> | undefined;
  let failing = 0;
  return {
    async open(behaviour) {
      if (behaviour === 'accept') {
        accepting ??= topics
          .create('alerts', { partitions: 3 })
          .then(async (topic) => ({ topic, records: await topics.read(topic) }));
        const { topic, records } = await accepting;
        const notifier = new KafkaAlertNotifier(topics.kafka, topic);
        return {
          notifier,
          delivered: async () => records.map((r) => decodeRecord(r.message)),
          close: () => notifier.disconnect(),
        };
      }
      failing += 1;
      if (behaviour === 'permanent') {
        const topic = await topics.create(`too-small-${failing}`, {
          config: { 'max.message.bytes': '64' },
        });
        const records = await topics.read(topic);
        const notifier = new KafkaAlertNotifier(impatientKafka(), topic);
        return {
          notifier,
          // Whatever the topic holds, once the reader has it all.
          delivered: async () => {
            const admin = topics.kafka.admin();
            await admin.connect();
            const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
            const total = ends.reduce((sum, p) => sum + Number(p.high), 0);
            await waitFor(() => records.length >= total, { description: `${total} record(s)` });
            return records.map((r) => decodeRecord(r.message));
          },
          close: () => notifier.disconnect(),
        };
      }
      const notifier =
        behaviour === 'transient'
          ? new KafkaAlertNotifier(impatientKafka(), `${topics.name}.missing-${failing}`)
          : new KafkaAlertNotifier(impatientKafka(['127.0.0.1:1']), `${topics.name}.alerts`);
      return {
        notifier,
        delivered: async () => [],
        close: () => notifier.disconnect(),
      };
    },
    cleanup: () => topics.release(),
  };
});
