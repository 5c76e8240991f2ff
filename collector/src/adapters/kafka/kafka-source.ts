/**
 * The consumer-group side of the pipeline. Each fetched batch is cut into slices of
 * `batchSize` records; for each slice: process (store + dead letters + states), then
 * resolve and COMMIT its offsets. Offsets are committed only after storage acknowledged,
 * so a crash replays at most the uncommitted slices (idempotent by event id).
 * While storage is unavailable the retrier pauses the partition, keeps heartbeating and
 * resumes it when storage answers again.
 */
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { KafkaConfig } from './kafka-config.ts';
import type { Logger } from '../../shared/logger.ts';
import type { Metrics } from '../../shared/metrics.ts';
import { runInRetryScope } from '../../shared/retry/retry-scope.ts';
import type { IncomingMessage, MessageBatchHandler } from '../../ports/incoming-message.ts';

export interface KafkaSourceOptions {
  kafka: Kafka;
  config: KafkaSourceConfig;
  topics: readonly string[];
  processor: MessageBatchHandler;
  logger: Logger;
  metrics: Metrics;
  /** Called when the consumer crashed and will not restart by itself. */
  onFatal: (err: unknown) => void;
}

/** The part of the collector's configuration the consumer reads. */
export interface KafkaSourceConfig {
  kafka: Pick<
    KafkaConfig,
    'groupId' | 'sessionTimeoutMs' | 'partitionsConcurrently' | 'maxBytesPerPartition'
  >;
  batchSize: number;
  shutdownTimeoutMs: number;
}

export function sliceOf<T>(items: readonly T[], size: number): T[][] {
  const slices: T[][] = [];
  for (let i = 0; i < items.length; i += size) slices.push(items.slice(i, i + size));
  return slices;
}

/** The offset to commit after `offset` was processed (Kafka commits the NEXT offset). */
export function nextOffset(offset: string): string {
  return (BigInt(offset) + 1n).toString();
}

export class KafkaSource {
  private readonly consumer: Consumer;
  /** Aborted when a graceful stop ran out of time: abandons storage retries. */
  private readonly abandon = new AbortController();

  constructor(private readonly options: KafkaSourceOptions) {
    const { config } = options;
    this.consumer = options.kafka.consumer({
      groupId: config.kafka.groupId,
      sessionTimeout: config.kafka.sessionTimeoutMs,
      heartbeatInterval: Math.floor(config.kafka.sessionTimeoutMs / 10),
      allowAutoTopicCreation: false,
      maxBytesPerPartition: config.kafka.maxBytesPerPartition,
      // kafkajs' default total (10 MiB) would cap the per-partition size above.
      maxBytes: Math.max(10_485_760, config.kafka.maxBytesPerPartition * 2),
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      options.logger.error(
        { err: payload.error, restart: payload.restart },
        'kafka consumer crashed',
      );
      if (!payload.restart) options.onFatal(payload.error);
    });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.options.topics], fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.config.kafka.partitionsConcurrently,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  /**
   * Stops fetching, lets the in-flight slice finish and commit (up to
   * `shutdownTimeoutMs`; then storage retries are abandoned, leaving the slice
   * uncommitted for the next owner), leaves the group and disconnects.
   */
  async stop(): Promise<void> {
    const timer = setTimeout(() => {
      this.options.logger.warn('in-flight batch did not finish in time; abandoning its retries');
      this.abandon.abort();
    }, this.options.config.shutdownTimeoutMs);
    try {
      await this.consumer.disconnect();
    } finally {
      clearTimeout(timer);
      this.abandon.abort();
    }
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, isRunning, isStale, pause, resolveOffset, commitOffsetsIfNecessary } =
      payload;
    const { topic, partition } = batch;
    for (const slice of sliceOf(batch.messages, this.options.config.batchSize)) {
      if (!isRunning() || isStale()) return;
      let resume: (() => void) | undefined;
      const scope = {
        signal: this.abandon.signal,
        heartbeat,
        onUnavailable: () => {
          if (resume === undefined) {
            this.options.logger.warn({ topic, partition }, 'storage unavailable; partition paused');
            resume = pause();
          }
        },
        onRecovered: () => {
          if (resume !== undefined)
            this.options.logger.info({ topic, partition }, 'storage recovered; partition resumed');
          resume?.();
          resume = undefined;
        },
      };
      try {
        const messages = slice.map((m) => toIncoming(topic, partition, m));
        await runInRetryScope(scope, () => this.options.processor.process(messages));
      } finally {
        scope.onRecovered();
      }
      const last = slice[slice.length - 1];
      if (last === undefined) continue;
      resolveOffset(last.offset);
      await commitOffsetsIfNecessary({
        topics: [{ topic, partitions: [{ partition, offset: nextOffset(last.offset) }] }],
      });
      this.options.metrics.add('batches');
      this.options.metrics.add('commits');
      await heartbeat();
    }
  }
}

function toIncoming(topic: string, partition: number, message: KafkaMessage): IncomingMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key,
    value: message.value,
    headers: message.headers ?? {},
  };
}
