/** What the Kafka adapter is configured with (read from the environment by main/config/config.ts). */
export interface KafkaConfig {
  brokers: string[];
  clientId: string;
  groupId: string;
  /** Explicit input topics; exactly one of `topics` and `topicPattern` is set. */
  topics?: string[];
  /** Input topics by pattern (topic per event type); matched once at start. */
  topicPattern?: RegExp;
  dlqTopic: string;
  /** Where resend commands go (`flowtrail.commands`). */
  commandsTopic: string;
  /** Where HTTP command acks go, so every collector forgets them (`flowtrail.command-acks`). */
  commandAcksTopic: string;
  /** Partitions of topics the collector creates because they are missing. */
  topicPartitions: number;
  createTopics: boolean;
  /** Consumer-group session timeout; a crashed collector's partitions move after it. */
  sessionTimeoutMs: number;
  /**
   * Partitions whose batches are processed at the same time: their storage round trips
   * overlap (instances never span partitions, so their folds are independent).
   */
  partitionsConcurrently: number;
  /**
   * Most bytes fetched per partition per request: when the collector is behind, a fetch
   * is this large, and a larger batch writes each touched state once for more events.
   */
  maxBytesPerPartition: number;
}
