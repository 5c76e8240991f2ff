/**
 * An in-memory transport for your own unit tests: keeps every sent event, can be told to
 * fail the next N sends, and records batches and closing.
 *
 * ```ts
 * const transport = new MemoryTransport();
 * const ft = createFlowtrail({ source: 'billing', transport });
 * // … exercise the code under test …
 * await ft.flush();
 * expect(transport.ofType('flowtrail.process.completed')).toHaveLength(1);
 * ```
 */
import { TransportError } from '../errors.ts';
import type { FlowtrailEvent } from '../protocol/schema.ts';
import type { Transport } from '../transport.ts';

export class MemoryTransport implements Transport {
  private readonly stored: FlowtrailEvent[] = [];
  private readonly batchSizes: number[] = [];
  private failures: { remaining: number; error: () => unknown } = {
    remaining: 0,
    error: () => undefined,
  };
  /** Number of `send` calls, successful or not. */
  sendCalls = 0;
  closed = false;

  /** Every event sent so far, oldest first (a copy). */
  get events(): FlowtrailEvent[] {
    return [...this.stored];
  }

  /** Sizes of the successful batches, in order. */
  get batches(): number[] {
    return [...this.batchSizes];
  }

  ofType(type: string): FlowtrailEvent[] {
    return this.stored.filter((e) => e.type === type);
  }

  ofInstance(instance: string): FlowtrailEvent[] {
    return this.stored.filter((e) => e.ftinstance === instance);
  }

  clear(): void {
    this.stored.length = 0;
    this.batchSizes.length = 0;
  }

  /**
   * Makes the next `count` sends reject with `error` (default: a retriable
   * `TransportError`).
   */
  failNext(count: number, error?: () => unknown): void {
    this.failures = {
      remaining: count,
      error:
        error ??
        (() => new TransportError('MemoryTransport: simulated failure', { retriable: true })),
    };
  }

  async send(events: FlowtrailEvent[]): Promise<void> {
    this.sendCalls += 1;
    if (this.closed) throw new TransportError('MemoryTransport is closed', { retriable: false });
    if (this.failures.remaining > 0) {
      this.failures.remaining -= 1;
      throw this.failures.error();
    }
    this.stored.push(...events.map((e) => structuredClone(e)));
    this.batchSizes.push(events.length);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
