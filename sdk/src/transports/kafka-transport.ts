/**
 * Sends events to Kafka with kafkajs: structured-mode CloudEvents JSON values
 * (`content-type: application/cloudevents+json`), keyed by the instance key so that all
 * events of one instance land on one partition, in order. Idempotent producer
 * (`idempotent: true, maxInFlightRequests: 1`, no transactions), `acks: all`.
 * Connects lazily on the first send and reconnects after a failed connect.
 */
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import type { KafkaConfig, Producer, ProducerConfig } from 'kafkajs';
import { ConfigError, TransportError } from '../errors.ts';
import { encodeStructured, STRUCTURED_CONTENT_TYPE } from '../protocol/codec.ts';
import { instanceKeyOf } from '../protocol/instance-key.ts';
import type { FlowtrailEvent } from '../protocol/schema.ts';
import type { Transport } from '../transport.ts';

export const DEFAULT_TOPIC = 'flowtrail.events';

export interface KafkaTransportOptions {
  /** Bootstrap brokers, e.g. `['127.0.0.1:9092']`; or pass `kafka` / `producer`. */
  brokers?: string[];
  /** An existing kafkajs client; the transport creates (and owns) a producer on it. */
  kafka?: Kafka;
  /**
   * An existing kafkajs producer, used as is and NOT disconnected by `close()` (you own
   * it). Configure it idempotent yourself if you want that guarantee.
   */
  producer?: Producer;
  /** Default `flowtrail.events`. */
  topic?: string;
  /** Used when the transport creates the Kafka client. Default `flowtrail-sdk`. */
  clientId?: string;
  /** Extra kafkajs client config when `brokers` is given (logLevel defaults to ERROR). */
  kafkaConfig?: Omit<KafkaConfig, 'brokers'>;
  /** Extra producer config when the transport creates the producer. */
  producerConfig?: ProducerConfig;
}

export class KafkaTransport implements Transport {
  readonly topic: string;
  private readonly producer: Producer;
  private readonly ownsProducer: boolean;
  private connecting: Promise<void> | undefined;
  private closed = false;

  constructor(options: KafkaTransportOptions) {
    const given = [options.brokers, options.kafka, options.producer].filter((x) => x !== undefined);
    if (given.length !== 1) {
      throw new ConfigError(['KafkaTransport: pass exactly one of brokers, kafka or producer']);
    }
    if (options.brokers !== undefined && options.brokers.length === 0) {
      throw new ConfigError(['KafkaTransport: brokers must not be empty']);
    }
    this.topic = options.topic ?? DEFAULT_TOPIC;
    if (options.producer !== undefined) {
      this.producer = options.producer;
      this.ownsProducer = false;
      return;
    }
    const kafka =
      options.kafka ??
      new Kafka({
        clientId: options.clientId ?? 'flowtrail-sdk',
        logLevel: logLevel.ERROR,
        ...options.kafkaConfig,
        brokers: options.brokers as string[],
      });
    try {
      this.producer = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        // kafkajs retries an idempotent producer forever by default; the SDK's delivery
        // queue retries (with backoff) and duplicates are harmless (event id = idempotency key).
        retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 5_000 },
        createPartitioner: Partitioners.DefaultPartitioner,
        ...options.producerConfig,
      });
    } catch (err) {
      throw new ConfigError([`KafkaTransport: ${err instanceof Error ? err.message : err}`]);
    }
    this.ownsProducer = true;
  }

  async send(events: FlowtrailEvent[]): Promise<void> {
    if (this.closed) throw new TransportError('KafkaTransport is closed', { retriable: false });
    if (events.length === 0) return;
    await this.connect();
    try {
      await this.producer.send({
        topic: this.topic,
        acks: -1,
        messages: events.map((event) => ({
          key: instanceKeyOf(event),
          value: encodeStructured(event),
          headers: { 'content-type': STRUCTURED_CONTENT_TYPE },
        })),
      });
    } catch (err) {
      throw wrap('sending to Kafka failed', err);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (!this.ownsProducer || this.connecting === undefined) return;
    try {
      await this.connecting;
    } catch {
      return; // never connected: nothing to disconnect
    }
    await this.producer.disconnect();
  }

  private connect(): Promise<void> {
    if (!this.ownsProducer) return Promise.resolve();
    this.connecting ??= this.producer.connect().catch((err: unknown) => {
      this.connecting = undefined; // try again on the next send
      throw wrap('connecting to Kafka failed', err);
    });
    return this.connecting;
  }
}

function wrap(what: string, err: unknown): TransportError {
  // kafkajs errors say whether they are retriable; unknown errors are worth a retry. When
  // kafkajs gave up its own retries, the cause (e.g. broker down) still is transient.
  const e = err as { name?: unknown; retriable?: unknown } | null;
  const retriable = e?.name === 'KafkaJSNumberOfRetriesExceeded' || e?.retriable !== false;
  const message = err instanceof Error ? err.message : String(err);
  return new TransportError(`${what}: ${message}`, { retriable, cause: err });
}
