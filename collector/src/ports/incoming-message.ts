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
