/**
 * Where the delivery queue sends batches. Implementations: `MemoryTransport` (tests),
 * `KafkaTransport` (production). An HTTP transport to the collector fits the same shape.
 *
 * Contract: `send` resolves once every event of the batch is durably accepted, or
 * rejects (ideally with a `TransportError` saying whether a retry may help). `send` is
 * never called concurrently by the SDK; `close` is called once, after the last `send`.
 */
import type { FlowtrailEvent } from './protocol/schema.ts';

export interface Transport {
  send(events: FlowtrailEvent[]): Promise<void>;
  close(): Promise<void>;
  /**
   * Optional: events (validated) that will be sent soon, given while an earlier batch is
   * in flight, so a transport can encode them ahead, off the critical path. Must not
   * throw; the same event objects reach `send` later (or never, when spooled).
   */
  prepare?(events: readonly FlowtrailEvent[]): void;
}
