/** The kafkajs client, logging through pino. */
import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { KafkaConfig } from '../../main/config/config.ts';
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
