/**
 * Sends events to Kafka with kafkajs: structured-mode CloudEvents JSON values
 * (`content-type: application/cloudevents+json`), keyed by the instance key so that all
 * events of one instance land on one partition, in order. Idempotent producer
 * (`idempotent: true, maxInFlightRequests: 1`, no transactions), `acks: all`.
 * Connects lazily on the first send and reconnects after a failed connect.
 *
 * After a failed send the transport drops the producer it owns and creates a new one for
 * the next send (a new producer id, sequences from 0). kafkajs rolls a partition's
 * sequence number back when a produce request fails, although the broker may have
 * written it (the broker went down before answering); re-sending *other* messages with
 * those sequence numbers on the same producer id is refused as OUT_OF_ORDER_SEQUENCE_NUMBER
 * or, worse, taken for a duplicate and dropped. With a new producer id the broker writes
 * the re-sent batch again: a duplicate at worst (the event id is the idempotency key),
 * never a loss. Sequence errors are retriable for the same reason.
 */
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import type { KafkaConfig, Message, Producer, ProducerConfig } from 'kafkajs';
import { ConfigError, TransportError } from '../errors.ts';
import { STRUCTURED_CONTENT_TYPE } from '../protocol/codec.ts';
import type { FlowtrailEvent } from '../protocol/schema.ts';
import type { Transport } from '../transport.ts';
import { InstanceKeyCache } from './instance-key-cache.ts';

export const DEFAULT_TOPIC = 'flowtrail.events';

/** The headers of every message: one object for all (kafkajs only reads them). */
const HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': STRUCTURED_CONTENT_TYPE,
});

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

/** Broker answers that mean "this producer id's sequence state is off": a new producer fixes it. */
const PRODUCER_STATE_ERRORS = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'DUPLICATE_SEQUENCE_NUMBER',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_EPOCH',
  'INVALID_PRODUCER_ID_MAPPING',
]);

export class KafkaTransport implements Transport {
  readonly topic: string;
  private producer: Producer;
  private readonly ownsProducer: boolean;
  private readonly createProducer: (() => Producer) | undefined;
  private connecting: Promise<void> | undefined;
  private closed = false;
  /**
   * The events `prepare` was given last and their messages (undefined: not encodable),
   * encoded while an earlier batch was in flight. Two arrays, not a WeakMap: `send` gets
   * the same events in the same order, so it walks them with a cursor, without the
   * WeakMap's hashing and its cost to the garbage collector.
   */
  private preparedEvents: readonly FlowtrailEvent[] = [];
  private preparedMessages: (Message | undefined)[] = [];
  private readonly keys = new InstanceKeyCache();

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
      this.createProducer = undefined;
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
    this.createProducer = () =>
      kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        // kafkajs retries an idempotent producer forever by default; the SDK's delivery
        // queue retries (with backoff) and duplicates are harmless (event id = idempotency key).
        retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 5_000 },
        createPartitioner: Partitioners.DefaultPartitioner,
        ...options.producerConfig,
      });
    try {
      this.producer = this.createProducer();
    } catch (err) {
      throw new ConfigError([`KafkaTransport: ${err instanceof Error ? err.message : err}`]);
    }
    this.ownsProducer = true;
  }

  /** Encodes events the delivery queue will send next (see `Transport.prepare`). */
  prepare(events: readonly FlowtrailEvent[]): void {
    const messages = new Array<Message | undefined>(events.length);
    for (let i = 0; i < events.length; i += 1) {
      try {
        messages[i] = this.toMessage(events[i] as FlowtrailEvent);
      } catch {
        // not encodable (e.g. a BigInt attribute): `send` meets the error and reports it
      }
    }
    this.preparedEvents = events;
    this.preparedMessages = messages;
  }

  /**
   * The messages of `events`: the prepared ones where `events` continues the prepared list
   * in order (the usual case: the batch is what was prepared, maybe with more behind it),
   * encoded now otherwise. Forgets what was prepared: it served this batch or none.
   */
  private messagesOf(events: FlowtrailEvent[]): Message[] {
    const preparedEvents = this.preparedEvents;
    const preparedMessages = this.preparedMessages;
    this.preparedEvents = [];
    this.preparedMessages = [];
    const messages = new Array<Message>(events.length);
    let next = 0;
    for (let i = 0; i < events.length; i += 1) {
      const event = events[i] as FlowtrailEvent;
      let message: Message | undefined;
      if (next < preparedEvents.length && preparedEvents[next] === event) {
        message = preparedMessages[next];
        next += 1;
      }
      messages[i] = message ?? this.toMessage(event);
    }
    return messages;
  }

  async send(events: FlowtrailEvent[]): Promise<void> {
    if (this.closed) throw new TransportError('KafkaTransport is closed', { retriable: false });
    if (events.length === 0) return;
    await this.connect();
    const producer = this.producer;
    try {
      await producer.send({
        topic: this.topic,
        acks: -1,
        messages: this.messagesOf(events),
      });
    } catch (err) {
      const renewed = this.renewProducer(producer);
      throw wrap('sending to Kafka failed', err, renewed);
    }
  }

  /**
   * Replaces a producer whose send failed (see the file comment). Not a caller's producer,
   * and only once per failed producer. Never throws: a producer that cannot be created now
   * is created on a later send.
   */
  private renewProducer(failed: Producer): boolean {
    if (!this.ownsProducer || this.createProducer === undefined || this.closed) return false;
    if (this.producer !== failed) return true; // a concurrent failure renewed it already
    let next: Producer;
    try {
      next = this.createProducer();
    } catch {
      return false;
    }
    const wasConnecting = this.connecting;
    this.producer = next;
    this.connecting = undefined;
    void wasConnecting?.then(() => failed.disconnect()).catch(() => undefined); // in-flight sends on it fail; the queue re-sends them
    return true;
  }

  /** The Kafka message of an event: keyed by its instance, structured-mode JSON. */
  private toMessage(event: FlowtrailEvent): Message {
    return {
      key: this.keys.keyOf(event),
      // The JSON text, not its bytes: kafkajs writes a string straight into the request
      // (as UTF-8: the bytes encodeStructured gives) — no Buffer per message.
      value: JSON.stringify(event),
      headers: HEADERS,
    };
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
    if (this.connecting === undefined) {
      const connecting: Promise<void> = this.producer.connect().catch((err: unknown) => {
        if (this.connecting === connecting) this.connecting = undefined; // again next send
        throw wrap('connecting to Kafka failed', err);
      });
      this.connecting = connecting;
    }
    return this.connecting;
  }
}

function wrap(what: string, err: unknown, producerRenewed = false): TransportError {
  // kafkajs errors say whether they are retriable; unknown errors are worth a retry. What
  // counts is the innermost cause: kafkajs' retrier wraps what it gave up on in
  // KafkaJSNumberOfRetriesExceeded, and the producer's retrier wraps *that* again in a
  // KafkaJSNonRetriableError — with the broker simply down (ECONNREFUSED) underneath,
  // which is transient. A producer-state error is transient once the producer was renewed.
  const outer = err as KafkaErrorShape | null;
  const root = rootCause(err);
  const stateError = [outer, root].some(
    (e) => typeof e?.type === 'string' && PRODUCER_STATE_ERRORS.has(e.type),
  );
  const unrecoverable = typeof root?.name === 'string' && PROGRAMMING_ERRORS.has(root.name);
  const retriable =
    (stateError && producerRenewed) ||
    (!stateError && outer?.name === 'KafkaJSNumberOfRetriesExceeded') ||
    (!unrecoverable && root?.retriable !== false);
  const message = err instanceof Error ? err.message : String(err);
  return new TransportError(`${what}: ${message}`, { retriable, cause: err });
}

interface KafkaErrorShape {
  name?: unknown;
  retriable?: unknown;
  type?: unknown;
  cause?: unknown;
}

/** Errors kafkajs itself never retries: a bug, not a broker problem. */
const PROGRAMMING_ERRORS = new Set(['RangeError', 'ReferenceError', 'SyntaxError', 'TypeError']);

function rootCause(err: unknown): KafkaErrorShape | null {
  let e = err as KafkaErrorShape | null;
  for (let depth = 0; depth < 10; depth += 1) {
    const cause = e?.cause as KafkaErrorShape | null | undefined;
    if (cause === undefined || cause === null || cause === e) break;
    e = cause;
  }
  return e;
}
