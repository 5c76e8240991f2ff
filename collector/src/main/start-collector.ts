/**
 * Wires the collector pipeline: Kafka consumer group → decode → Elasticsearch events →
 * fold → Elasticsearch instance states, with a Kafka dead-letter topic. Storage and
 * dead letters are reached through ports, wrapped with the retrier.
 */
import { readDefinitionFiles } from '../adapters/files/read-definition-dir.ts';
import { AlertService } from '../app/alerts/alert-service.ts';
import { CommandFeed } from '../app/commands/command-feed.ts';
import type { CommandPublisher } from '../ports/command-publisher.ts';
import { CommandQueue, type CommandQueueOptions } from '../app/commands/command-queue.ts';
import { KafkaAckPublisher } from '../adapters/kafka/commands/kafka-ack-publisher.ts';
import { KafkaCommandFeed } from '../adapters/kafka/commands/kafka-command-feed.ts';
import { KafkaCommandPublisher } from '../adapters/kafka/commands/kafka-command-publisher.ts';
import { SharedCommandQueue } from '../app/commands/shared-command-queue.ts';
import { createNotifiers } from './create-notifiers.ts';
import { DetectionModel } from '../app/detection/detection-model.ts';
import { startDetection, type RunningDetection } from './start-detection.ts';
import { describeConfig, type CollectorConfig } from './config/config.ts';
import { startApiServer, type RunningApiServer } from '../adapters/http/api-server.ts';
import { EventIngest } from '../app/ingest/event-ingest.ts';
import { createLogger, type Logger } from '../shared/logger.ts';
import { LiveHub } from '../app/live/live-hub.ts';
import { NudgingEventWriter } from '../app/live/nudging-writer.ts';
import { Metrics } from '../shared/metrics.ts';
import { BatchIngester } from '../app/ingest/batch-ingester.ts';
import { createKafka } from '../adapters/kafka/kafka-client.ts';
import { KafkaDeadLetterSink } from '../adapters/kafka/kafka-dead-letter-sink.ts';
import { KafkaSource } from '../adapters/kafka/kafka-source.ts';
import { RetryingDeadLetterSink } from '../app/ingest/retrying-dead-letter-sink.ts';
import { ensureTopics, prepareTopics } from '../adapters/kafka/topics.ts';
import { Retrier } from '../shared/retry/retrier.ts';
import { ElasticsearchAlertStore } from '../adapters/elasticsearch/es-alert-store.ts';
import { ElasticsearchDefinitionStore } from '../adapters/elasticsearch/es-definition-store.ts';
import { ElasticsearchEventStore } from '../adapters/elasticsearch/es-event-store.ts';
import { RetryingEventWriter } from '../app/ingest/retrying-event-store.ts';

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
  const logger = options.logger ?? createLogger(config.logLevel);
  const metrics = new Metrics();
  const retrier = new Retrier({
    bounds: config.retry,
    logger: logger.child({ component: 'retrier' }),
    metrics,
  });
  logger.info({ config: describeConfig(config) }, 'collector starting');

  const store = ElasticsearchEventStore.fromConfig(
    config.elasticsearch,
    logger.child({ component: 'elasticsearch' }),
  );
  await retrier.run('prepare elasticsearch', () => store.prepare());
  const alertStore = ElasticsearchAlertStore.fromConfig(
    config.elasticsearch,
    logger.child({ component: 'elasticsearch-alerts' }),
  );
  await retrier.run('prepare elasticsearch alerts', () => alertStore.prepare());
  const alerts = new AlertService(alertStore, { logger: logger.child({ component: 'alerts' }) });

  const definitionStore = ElasticsearchDefinitionStore.fromConfig(
    config.elasticsearch,
    logger.child({ component: 'elasticsearch-definitions' }),
  );
  await retrier.run('prepare elasticsearch definitions', () => definitionStore.prepare());
  const model = await DetectionModel.load(
    await readDefinitionFiles(config.detection.definitionsDir),
    {
      store: definitionStore,
      logger: logger.child({ component: 'definitions' }),
    },
  );
  model.startReloading();

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

  // The live channel (`GET /api/live`) reads the change feed of the shared Elasticsearch,
  // so it sees every collector's writes; this process's own writes nudge it.
  const live = new LiveHub({
    sources: { instances: store, alerts: alertStore },
    pollIntervalMs: config.http.livePollMs,
    logger: logger.child({ component: 'live' }),
  });
  const nudge = (): void => live.nudge();
  alerts.onTransitions(nudge);
  const processor = new BatchIngester({
    writer: new RetryingEventWriter(new NudgingEventWriter(store, nudge), retrier),
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
  let api: RunningApiServer | undefined;
  if (config.http.enabled) {
    // HTTP ingest: same processor semantics, Kafka DLQ; no retry loop (clients retry on 503).
    const ingest = new EventIngest({
      writer: new NudgingEventWriter(store, nudge),
      deadLetters: dlq,
      fold: model.fold,
      maxEventBytes: config.maxEventBytes,
      metrics,
      logger: logger.child({ component: 'http-pipeline' }),
    });
    try {
      api = await startApiServer({
        ...config.http,
        ingest,
        reader: store,
        store: 'elasticsearch',
        alerts,
        definitions: model.definitions,
        commands: new SharedCommandQueue(commandQueue, commandFeed, ackPublisher),
        live,
        logger: logger.child({ component: 'http' }),
      });
    } catch (err) {
      model.stop();
      await dlq.disconnect().catch(() => undefined);
      await store.close().catch(() => undefined);
      await alertStore.close().catch(() => undefined);
      await definitionStore.close().catch(() => undefined);
      throw err;
    }
  }
  try {
    await retrier.run('look up the command topics', () => kafkaFeed.prepare());
    await kafkaFeed.start();
    await source.start();
  } catch (err) {
    await api?.close();
    await kafkaFeed.stop().catch(() => undefined);
    throw err;
  }
  const detection = startDetection({
    config: config.detection,
    model,
    store,
    alerts,
    commands: kafkaCommands,
    notifier: notifiers.notifier,
    logger,
  });
  const stopStats = metrics.logEvery(config.statsIntervalMs, logger);
  logger.info({ topics, groupId: config.kafka.groupId }, 'collector consuming');

  let stopping: Promise<void> | undefined;
  return {
    metrics,
    topics,
    alerts,
    detection,
    commands: commandQueue,
    commandPublisher: kafkaCommands,
    ...(api === undefined ? {} : { api }),
    stop: () =>
      (stopping ??= (async () => {
        logger.info('collector stopping');
        stopStats();
        try {
          await detection.stop();
          model.stop();
          await commandQueue.close();
          await api?.close();
          await source.stop();
        } finally {
          await kafkaFeed.stop().catch((err: unknown) => feedLogger.warn({ err }, 'stop failed'));
          await kafkaCommands.close().catch(() => undefined);
          await ackPublisher.close().catch(() => undefined);
          await notifiers.close().catch(() => undefined);
          await dlq
            .disconnect()
            .catch((err: unknown) => logger.warn({ err }, 'dlq producer disconnect failed'));
          await store
            .close()
            .catch((err: unknown) => logger.warn({ err }, 'elasticsearch close failed'));
          await alertStore
            .close()
            .catch((err: unknown) => logger.warn({ err }, 'elasticsearch alerts close failed'));
          await definitionStore
            .close()
            .catch((err: unknown) =>
              logger.warn({ err }, 'elasticsearch definitions close failed'),
            );
          logger.info({ counters: metrics.snapshot() }, 'collector stopped');
        }
      })()),
  };
}
