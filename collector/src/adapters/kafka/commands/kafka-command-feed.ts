/**
 * Fills one collector's HTTP command queue from Kafka (Kafka mode): reads the commands
 * topic and the acks topic and applies every record to a `CommandFeed`, so every
 * collector serves every command and forgets every acked one, whichever collector the
 * ladder or the ack went through.
 *
 * A consumer group of its own per process (`<group>.command-feed.<random>`): every
 * collector must read every record (a shared group would split the partitions). Offsets
 * are never committed: the queue it feeds is in memory and starts empty, so a restarted
 * collector must not resume where it stopped, and a group without offsets disappears
 * when its member leaves. The feed starts at the end of both topics as `prepare()` found
 * them before the consumer runs (then `seek`), so a record produced after `start()`
 * resolved is always read; older commands are not (a further re-trigger rung of the
 * ladder, if any, issues a new attempt).
 */
import { randomBytes } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { isRetriableKafkaError } from '../kafka-errors.ts';
import { KafkaSetupError } from '../../../shared/errors.ts';
import type { Logger } from '../../../shared/logger.ts';
import type { CommandRecordSink } from '../../../ports/command-inbox.ts';
import { kafkaCommandError } from './kafka-record-producer.ts';

export interface KafkaCommandFeedOptions {
  kafka: Kafka;
  feed: CommandRecordSink;
  commandsTopic: string;
  acksTopic: string;
  /** The collector's consumer group; the feed's group is `<groupId>.command-feed.<random>`. */
  groupId: string;
  sessionTimeoutMs: number;
  logger: Logger;
}

interface TopicEnd {
  topic: string;
  partition: number;
  offset: string;
}

/** A group id no other process uses. */
export function feedGroupId(groupId: string, random = randomBytes(6).toString('hex')): string {
  return `${groupId}.command-feed.${random}`;
}

export class KafkaCommandFeed {
  readonly groupId: string;
  private readonly consumer: Consumer;
  private started = false;
  private ends: TopicEnd[] | undefined;

  constructor(private readonly options: KafkaCommandFeedOptions) {
    this.groupId = feedGroupId(options.groupId);
    this.consumer = options.kafka.consumer({
      groupId: this.groupId,
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: Math.floor(options.sessionTimeoutMs / 10),
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      options.logger.warn(
        { err: payload.error, restart: payload.restart },
        'command feed consumer crashed',
      );
    });
  }

  /**
   * Looks up the end of both topics (where `start()` will begin). Safe to repeat: the
   * collector retries it, as Kafka answers "not the leader" for a while after it created
   * a topic.
   */
  async prepare(): Promise<void> {
    const admin = this.options.kafka.admin();
    try {
      await admin.connect();
      const topics = [this.options.commandsTopic, this.options.acksTopic];
      const existing = await admin.listTopics();
      const missing = topics.filter((t) => !existing.includes(t));
      if (missing.length > 0) {
        throw new KafkaSetupError(
          `missing command topic(s) ${missing.join(', ')}: create them or set FLOWTRAIL_CREATE_TOPICS=true`,
          false,
        );
      }
      const ends: TopicEnd[] = [];
      for (const topic of topics) {
        for (const p of await admin.fetchTopicOffsets(topic)) {
          ends.push({ topic, partition: p.partition, offset: p.high });
        }
      }
      this.ends = ends;
    } catch (err) {
      if (err instanceof KafkaSetupError) throw err;
      // A `CollectorError`, so the collector's retrier retries it while it is retriable.
      const retriable = isRetriableKafkaError(err);
      const why = err instanceof Error ? err.message : String(err);
      throw new KafkaSetupError(
        `looking up the end of the command topics failed: ${why}`,
        retriable,
        {
          cause: err,
        },
      );
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /** Resolves once the feed reads from the ends `prepare()` found (calls it if not yet). */
  async start(): Promise<void> {
    const { commandsTopic, acksTopic, feed, logger } = this.options;
    const topics = [commandsTopic, acksTopic];
    if (this.ends === undefined) await this.prepare();
    const ends = this.ends ?? [];
    try {
      await this.consumer.connect();
      this.started = true;
      await this.consumer.subscribe({ topics, fromBeginning: false });
      await this.consumer.run({
        autoCommit: false,
        eachMessage: async ({ topic, message }) => {
          feed.apply(topic, message.value); // never throws; bad records are reported by the feed
        },
      });
      for (const end of ends) this.consumer.seek(end);
      logger.info({ topics, groupId: this.groupId }, 'command feed reading');
    } catch (err) {
      throw kafkaCommandError('starting the command feed failed', err);
    }
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.consumer.disconnect();
  }
}
