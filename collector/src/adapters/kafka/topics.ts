/** Input topic resolution and creation of missing topics at start. */
import type { Admin } from 'kafkajs';
import type { KafkaConfig } from './kafka-config.ts';
import { KafkaSetupError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';

/** Topics to create when missing: the explicit input topics (not a pattern) and the DLQ. */
export function topicsToEnsure(config: KafkaConfig): string[] {
  return [...new Set([...(config.topics ?? []), config.dlqTopic])];
}

/** Input topics: the configured list, or the existing topics matching the pattern. */
export function resolveInputTopics(config: KafkaConfig, existing: readonly string[]): string[] {
  if (config.topics !== undefined) return [...config.topics];
  const pattern = config.topicPattern;
  if (pattern === undefined) return [];
  // Never consume the DLQ (a loop) or Kafka's internal topics.
  return existing
    .filter((t) => pattern.test(t) && t !== config.dlqTopic && !t.startsWith('__'))
    .sort();
}

export async function prepareTopics(
  admin: Admin,
  config: KafkaConfig,
  logger: Logger,
): Promise<string[]> {
  try {
    await admin.connect();
    const existing = await admin.listTopics();
    if (config.createTopics) {
      const missing = topicsToEnsure(config).filter((t) => !existing.includes(t));
      if (missing.length > 0) {
        await createTopics(admin, missing, config.topicPartitions);
        logger.info(
          { topics: missing, partitions: config.topicPartitions },
          'created missing topics',
        );
      }
    }
    const inputs = resolveInputTopics(config, await admin.listTopics());
    if (inputs.length === 0) {
      throw new KafkaSetupError(`no input topic matches ${String(config.topicPattern)}`, false);
    }
    return inputs;
  } catch (err) {
    if (err instanceof KafkaSetupError) throw err;
    throw new KafkaSetupError(`preparing Kafka topics failed: ${(err as Error).message}`, true, {
      cause: err,
    });
  }
}

/** Creates those of `topics` that are missing (commands, alerts). */
export async function ensureTopics(
  admin: Admin,
  topics: readonly string[],
  numPartitions: number,
): Promise<void> {
  await admin.connect();
  const existing = await admin.listTopics();
  const missing = topics.filter((t) => !existing.includes(t));
  if (missing.length > 0) await createTopics(admin, missing, numPartitions);
}

async function createTopics(admin: Admin, topics: string[], numPartitions: number): Promise<void> {
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: topics.map((topic) => ({ topic, numPartitions })),
    });
  } catch (err) {
    // Another collector created them first: fine.
    const nested = (err as { errors?: { type?: string }[] }).errors ?? [];
    const alreadyExists = (e: { type?: string }): boolean => e.type === 'TOPIC_ALREADY_EXISTS';
    if (
      alreadyExists(err as { type?: string }) ||
      (nested.length > 0 && nested.every(alreadyExists))
    )
      return;
    throw err;
  }
}
