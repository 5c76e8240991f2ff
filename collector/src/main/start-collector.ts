/**
 * The collector, assembled (assemble.ts) on the Elasticsearch stores with the Kafka
 * pipeline beside it: Kafka consumer group → decode → Elasticsearch events → fold →
 * Elasticsearch instance states, with a Kafka dead-letter topic; storage and dead letters
 * are reached through ports, wrapped with the retrier. Resend commands go to the commands
 * topic; every collector's feed copies them into the queue its HTTP API serves.
 */
import { KafkaAckPublisher } from '../adapters/kafka/commands/kafka-ack-publisher.ts';
import { KafkaCommandFeed } from '../adapters/kafka/commands/kafka-command-feed.ts';
import { KafkaCommandPublisher } from '../adapters/kafka/commands/kafka-command-publisher.ts';
import type { RunningApiServer } from '../adapters/http/api-server.ts';
import { createKafka } from '../adapters/kafka/kafka-client.ts';
import { KafkaDeadLetterSink } from '../adapters/kafka/kafka-dead-letter-sink.ts';
import { KafkaSource } from '../adapters/kafka/kafka-source.ts';
import { ensureTopics, prepareTopics } from '../adapters/kafka/topics.ts';
import type { AlertService } from '../app/alerts/alert-service.ts';
import { CommandFeed } from '../app/commands/command-feed.ts';
import { CommandQueue, type CommandQueueOptions } from '../app/commands/command-queue.ts';
import { SharedCommandQueue } from '../app/commands/shared-command-queue.ts';
import { BatchIngester } from '../app/ingest/batch-ingester.ts';
import { RetryingDeadLetterSink } from '../app/ingest/retrying-dead-letter-sink.ts';
import { RetryingEventWriter } from '../app/ingest/retrying-event-store.ts';
import type { CommandPublisher } from '../ports/command-publisher.ts';
import type { Logger } from '../shared/logger.ts';
import type { Metrics } from '../shared/metrics.ts';
import { assemble, roleRuntime } from './assemble.ts';
import { describeConfig, type CollectorConfig } from './config/config.ts';
import { createNotifiers } from './create-notifiers.ts';
import type { RunningDetection } from './start-detection.ts';
import { elasticsearchStores } from './store-sets.ts';
import { startAnalyticsCompaction } from './start-analytics-compaction.ts';

export interface StartOptions {
  logger?: Logger;
  /** Called when the pipeline failed for good (the consumer will not restart). */
  onFatal?: (err: unknown) => void;
  /** Options of the HTTP command queue (tests shorten `leaseMs`). */
  commandQueue?: CommandQueueOptions;
}

export interface RunningCollector {
  /** Graceful stop: finish and commit the in-flight slice, leave the group, disconnect. */
  stop(): Promise<void>;
  metrics: Metrics;
  /** Input topics being consumed. */
  topics: readonly string[];
  /** Alert lifecycle over `<prefix>-alerts` (sweeps, acknowledge, silence). */
  alerts: AlertService;
  detection: RunningDetection;
  /**
   * This collector's queue for services on the HTTP transport (`/api/commands`), filled
   * from the commands topic; acks arrive through the acks topic.
   */
  commands: CommandQueue;
  /** Where the escalation ladder publishes commands: the commands topic. */
  commandPublisher: CommandPublisher;
  /** The HTTP API (ingest + queries), unless `config.http.enabled` is false. */
  api?: RunningApiServer;
}

export async function startCollector(
  config: CollectorConfig,
  options: StartOptions = {},
): Promise<RunningCollector> {
  const { logger, metrics, retrier } = roleRuntime(config, options.logger);
  logger.info({ config: describeConfig(config) }, 'collector starting');

  const kafka = createKafka(config.kafka, logger);
  const admin = kafka.admin();
  let topics: string[];
  try {
    topics = await retrier.run('prepare kafka topics', () =>
      prepareTopics(admin, config.kafka, logger.child({ component: 'topics' })),
    );
    if (config.kafka.createTopics) {
      await retrier.run('prepare command and alert topics', () =>
        ensureTopics(
          admin,
          [config.kafka.commandsTopic, config.kafka.commandAcksTopic, config.notify.alertsTopic],
          config.kafka.topicPartitions,
        ),
      );
    }
  } finally {
    await admin.disconnect();
  }
  const dlq = new KafkaDeadLetterSink(
    kafka,
    config.kafka.dlqTopic,
    logger.child({ component: 'dlq' }),
  );
  await dlq.connect();

  // Resend commands: the ladder publishes to the Kafka topic only (services with the Kafka
  // transport read it); every collector's feed copies every command from it into the queue
  // the HTTP API serves, and acks go through the acks topic to every collector.
  const commandQueue = new CommandQueue(options.commandQueue);
  const kafkaCommands = new KafkaCommandPublisher({ kafka, topic: config.kafka.commandsTopic });
  const feedLogger = logger.child({ component: 'command-feed' });
  const commandFeed = new CommandFeed(commandQueue, {
    commandsTopic: config.kafka.commandsTopic,
    acksTopic: config.kafka.commandAcksTopic,
    onInvalid: (topic, problems) => feedLogger.warn({ topic, problems }, 'skipped a record'),
  });
  const kafkaFeed = new KafkaCommandFeed({
    kafka,
    feed: commandFeed,
    commandsTopic: config.kafka.commandsTopic,
    acksTopic: config.kafka.commandAcksTopic,
    groupId: config.kafka.groupId,
    sessionTimeoutMs: config.kafka.sessionTimeoutMs,
    logger: feedLogger,
  });
  const ackPublisher = new KafkaAckPublisher({ kafka, topic: config.kafka.commandAcksTopic });
  const notifiers = createNotifiers(config.notify, { kafka, logger });
  const closeKafka = async (): Promise<void> => {
    await kafkaFeed.stop().catch((err: unknown) => feedLogger.warn({ err }, 'stop failed'));
    await kafkaCommands.close().catch(() => undefined);
    await ackPublisher.close().catch(() => undefined);
    await notifiers.close().catch(() => undefined);
    await dlq
      .disconnect()
      .catch((err: unknown) => logger.warn({ err }, 'dlq producer disconnect failed'));
  };

  const stores = elasticsearchStores(config.elasticsearch, logger, retrier);
  const assembly = await assemble({
    stores,
    logger,
    metrics,
    definitionsDir: config.detection.definitionsDir,
    detection: config.detection,
    livePollMs: config.http.livePollMs,
    // HTTP ingest: same processor semantics, Kafka DLQ; no retry loop (clients retry on 503).
    ...(config.http.enabled
      ? {
          api: {
            host: config.http.host,
            port: config.http.port,
            ...(config.http.apiKey === undefined ? {} : { apiKey: config.http.apiKey }),
            maxBodyBytes: config.http.maxBodyBytes,
            guard: config.http.guard,
          },
          ingest: {
            deadLetters: dlq,
            maxEventBytes: config.maxEventBytes,
            component: 'http-pipeline',
          },
        }
      : {}),
    commands: {
      publisher: kafkaCommands,
      inbox: new SharedCommandQueue(commandQueue, commandFeed, ackPublisher),
      close: () => commandQueue.close(),
    },
    notifier: notifiers.notifier,
  }).catch(async (err: unknown) => {
    await closeKafka();
    throw err;
  });
  const { model, api } = assembly;
  if (model === undefined) throw new Error('a collector has a detection model');
  const processor = new BatchIngester({
    writer: new RetryingEventWriter(assembly.liveWriter, retrier),
    deadLetters: new RetryingDeadLetterSink(dlq, retrier),
    fold: model.fold,
    maxEventBytes: config.maxEventBytes,
    metrics,
    logger: logger.child({ component: 'pipeline' }),
  });
  const source = new KafkaSource({
    kafka,
    config,
    topics,
    processor,
    logger: logger.child({ component: 'consumer' }),
    metrics,
    onFatal: (err) => options.onFatal?.(err),
  });
  const stopKafka = async (): Promise<void> => {
    try {
      await source.stop();
    } finally {
      await closeKafka();
    }
  };
  try {
    await retrier.run('look up the command topics', () => kafkaFeed.prepare());
    await kafkaFeed.start();
    await source.start();
  } catch (err) {
    await assembly.stop(stopKafka);
    throw err;
  }
  const detection = assembly.startDetection();
  if (detection === undefined) throw new Error('a collector runs detection');
  const compaction = startAnalyticsCompaction(
    stores.events,
    config.analyticsCompactIntervalMs,
    logger.child({ component: 'analytics' }),
  );
  const stopStats = metrics.logEvery(config.statsIntervalMs, logger);
  logger.info({ topics, groupId: config.kafka.groupId }, 'collector consuming');

  return {
    metrics,
    topics,
    alerts: assembly.alerts,
    detection,
    commands: commandQueue,
    commandPublisher: kafkaCommands,
    ...(api === undefined ? {} : { api }),
    stop: async () => {
      logger.info('collector stopping');
      stopStats();
      await compaction.stop();
      await assembly.stop(stopKafka);
      logger.info({ counters: metrics.snapshot() }, 'collector stopped');
    },
  };
}
