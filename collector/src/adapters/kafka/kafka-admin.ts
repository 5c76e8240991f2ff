/**
 * Broker checks of the development infrastructure (tools/infra/): whether a broker
 * answers, and creating missing topics. Quiet kafkajs clients with short timeouts, so a
 * probe of a broker that is not up yet fails fast.
 */
import { Kafka, logLevel, type Admin } from 'kafkajs';

function newAdmin(brokers: string[], quick: boolean): Admin {
  const kafka = new Kafka({
    clientId: 'flowtrail-infra',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    retry: quick ? { retries: 0 } : { retries: 5 },
  });
  return kafka.admin();
}

/** Lists topics if a Kafka broker answers at `brokers`; throws otherwise. */
export async function probeKafka(brokers: string[]): Promise<string[]> {
  const admin = newAdmin(brokers, true);
  try {
    await admin.connect();
    return await admin.listTopics();
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Creates those of `topics` that are missing, with `partitions` each; returns the names created. */
export async function createMissingTopics(
  brokers: string[],
  topics: readonly string[],
  partitions: number,
): Promise<string[]> {
  const admin = newAdmin(brokers, false);
  try {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      await admin.createTopics({
        topics: missing.map((topic) => ({ topic, numPartitions: partitions })),
        waitForLeaders: true,
      });
    }
    return missing;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
