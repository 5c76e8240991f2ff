/** The kafkajs clients of the collector: logging through pino, or quiet. */
import { Kafka, logLevel, type LogEntry } from 'kafkajs';

export type { Kafka } from 'kafkajs';
import type { KafkaConfig } from './kafka-config.ts';
import type { Logger } from '../../shared/logger.ts';

export function createKafka(config: KafkaConfig, logger: Logger): Kafka {
  const log = logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: config.clientId,
    brokers: config.brokers,
    logLevel: logLevel.INFO,
    retry: { initialRetryTime: 300, retries: 8 },
    logCreator:
      () =>
      ({ level, label, log: { message, ...extra } }: LogEntry) => {
        const fields = { label, ...extra };
        if (level === logLevel.ERROR) log.error(fields, message);
        else if (level === logLevel.WARN) log.warn(fields, message);
        else if (level === logLevel.INFO) log.info(fields, message);
        else log.debug(fields, message);
      },
  });
}

/** A client with its own id and kafkajs' own logging at ERROR level (the demo's producers). */
export function createQuietKafka(clientId: string, brokers: string[]): Kafka {
  return new Kafka({ clientId, brokers, logLevel: logLevel.ERROR });
}
