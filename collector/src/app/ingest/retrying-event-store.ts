/**
 * Retry wrapper around an `EventWriter` (Jaeger style: a cross-cutting concern as a
 * decorator). Whole-request failures with a retriable `StorageError` and bulk items with
 * retriable statuses (429, 5xx) are retried with backoff until they succeed or the
 * collector stops; only permanently rejected items come back to the caller.
 */
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import type { InstanceState } from '../../domain/instance/instance-state.ts';
import type { Retrier } from '../../shared/retry/retrier.ts';
import type { EventWriter, ItemFailure, WriteResult } from '../../ports/event-store.ts';
import {
  isAtomicBatchWriter,
  type AtomicBatchWriter,
  type BatchWriteResult,
} from '../../ports/atomic-batch.ts';
import { isSummaryStore, type SummaryStore } from '../../ports/summary-store.ts';

export class RetryingEventWriter implements EventWriter {
  /** Present when `inner` has it (ports/atomic-batch.ts), so the capability survives. */
  readonly writeBatch?: AtomicBatchWriter['writeBatch'];
  /** Present when `inner` has them (ports/summary-store.ts). */
  readonly readSummaries?: SummaryStore['readSummaries'];
  readonly writeFoldedStates?: SummaryStore['writeFoldedStates'];

  constructor(
    private readonly inner: EventWriter,
    private readonly retrier: Retrier,
  ) {
    if (isAtomicBatchWriter(inner)) {
      // The whole batch again (idempotent: events by id, states by `eventCount`) until no
      // item is left retriable; rejected items are those of the last attempt.
      this.writeBatch = (events, fold) =>
        this.retrier.runUntil<BatchWriteResult>(
          'write batch',
          () => inner.writeBatch(events, fold),
          (result) => {
            const left = result.events.retriable.length + result.states.retriable.length;
            return left === 0 ? undefined : `${left} item(s) of the batch failed retriably`;
          },
        );
    }
    if (isSummaryStore(inner)) {
      this.readSummaries = (keys) =>
        this.retrier.run('read summaries', () => inner.readSummaries(keys));
      // The whole list again (idempotent: versions) until no state is left retriable.
      this.writeFoldedStates = (folded) =>
        this.retrier.runUntil<WriteResult<InstanceState>>(
          'write states',
          () => inner.writeFoldedStates(folded),
          (result) =>
            result.retriable.length === 0
              ? undefined
              : `${result.retriable.length} state(s) failed with retriable status ${result.retriable[0]?.status}`,
        );
    }
  }

  writeEvents(events: readonly FlowtrailEvent[]): Promise<WriteResult<FlowtrailEvent>> {
    return this.retryItems('write events', events, (batch) => this.inner.writeEvents(batch));
  }

  writeStates(states: readonly InstanceState[]): Promise<WriteResult<InstanceState>> {
    return this.retryItems('write states', states, (batch) => this.inner.writeStates(batch));
  }

  eventsOfInstances(keys: readonly string[]): Promise<Map<string, FlowtrailEvent[]>> {
    return this.retrier.run('read events of instances', () => this.inner.eventsOfInstances(keys));
  }

  private async retryItems<T>(
    operation: string,
    items: readonly T[],
    write: (items: readonly T[]) => Promise<WriteResult<T>>,
  ): Promise<WriteResult<T>> {
    const rejected: ItemFailure<T>[] = [];
    let unchanged: T[] | undefined;
    const last = await this.retrier.runUntil<WriteResult<T>>(
      operation,
      async (previous) => {
        const pending = previous === undefined ? items : previous.retriable.map((f) => f.item);
        const result = await write(pending);
        for (const item of result.rejected) rejected.push(item);
        if (result.unchanged !== undefined) {
          unchanged ??= [];
          for (const item of result.unchanged) unchanged.push(item);
        }
        return result;
      },
      (result) =>
        result.retriable.length === 0
          ? undefined
          : `${result.retriable.length} item(s) failed with retriable status ${result.retriable[0]?.status}`,
    );
    return {
      retriable: last.retriable,
      rejected,
      ...(unchanged === undefined ? {} : { unchanged }),
    };
  }
}
