/** One Kafka record as the pipeline sees it (decoupled from kafkajs types). */
import type { Headers } from '@flowtrail/sdk/protocol';

export interface IncomingMessage {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Headers;
}

/**
 * What a message source (the Kafka consumer, the HTTP ingest) hands its messages to: the
 * ingest (`app/ingest/batch-ingester.ts`). Resolves once every message is durably stored
 * or dead-lettered; only then may the source commit them.
 */
export interface MessageBatchHandler {
  process(messages: readonly IncomingMessage[]): Promise<unknown>;
}
