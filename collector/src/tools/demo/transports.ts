/** The transports `flowtrail demo` can send through: the collector's HTTP ingest or Kafka. */
import { HttpTransport, KafkaTransport, type HttpRejection, type Transport } from '@flowtrail/sdk';
import { createQuietKafka } from '../../adapters/kafka/kafka-client.ts';
import type { SystemName } from './plan.ts';

export type DemoTransportOptions =
  | { kind: 'http'; url: string; apiKey?: string; onRejected?: (r: HttpRejection[]) => void }
  | { kind: 'kafka'; brokers: string[]; topic: string };

export interface DemoTransports {
  /** Human-readable destination, for the summary. */
  target: string;
  transportFor: (system: SystemName) => Transport;
}

/** One transport per system (each SDK client owns and closes its own). */
export function demoTransports(options: DemoTransportOptions): DemoTransports {
  if (options.kind === 'http') {
    const probe = new HttpTransport({ url: options.url }); // validates the URL once
    return {
      target: probe.endpoint,
      transportFor: () =>
        new HttpTransport({
          url: options.url,
          ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
          ...(options.onRejected === undefined ? {} : { onRejected: options.onRejected }),
        }),
    };
  }
  const kafka = createQuietKafka('flowtrail-demo', options.brokers);
  return {
    target: `kafka ${options.brokers.join(',')} topic ${options.topic}`,
    transportFor: () => new KafkaTransport({ kafka, topic: options.topic }),
  };
}
