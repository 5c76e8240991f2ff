/**
 * `EventWriter` decorator for the HTTP path: a request must not wait for a store that is
 * down (the client retries instead), so bulk items the store failed with a retriable
 * status are thrown as one retriable `StorageError` — the API answers 503 — while
 * permanently rejected items are returned as usual (they become `storage-rejected`).
 * An atomic batch write (ports/atomic-batch.ts) passes through under the same rule.
 */
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import type { InstanceState } from '../../domain/instance/instance-state.ts';
import { StorageError } from '../../shared/errors.ts';
import type { EventWriter, WriteResult } from '../../ports/event-store.ts';
import { isAtomicBatchWriter, type AtomicBatchWriter } from '../../ports/atomic-batch.ts';
import { isSummaryStore, type SummaryStore } from '../../ports/summary-store.ts';

export class FailFastEventWriter implements EventWriter {
  /** Present when `inner` has it (ports/atomic-batch.ts), so the capability survives. */
  readonly writeBatch?: AtomicBatchWriter['writeBatch'];
  /** Present when `inner` has them (ports/summary-store.ts). */
  readonly readSummaries?: SummaryStore['readSummaries'];
  readonly writeFoldedStates?: SummaryStore['writeFoldedStates'];

  constructor(private readonly inner: EventWriter) {
    if (isSummaryStore(inner)) {
      this.readSummaries = (keys) => inner.readSummaries(keys);
      this.writeFoldedStates = async (folded) =>
        failOnRetriable('write states', await inner.writeFoldedStates(folded));
    }
    if (isAtomicBatchWriter(inner)) {
      this.writeBatch = async (events, fold) => {
        const result = await inner.writeBatch(events, fold);
        failOnRetriable('write batch events', result.events);
        failOnRetriable('write batch states', result.states);
        return result;
      };
    }
  }

  async writeEvents(events: readonly FlowtrailEvent[]): Promise<WriteResult<FlowtrailEvent>> {
    return failOnRetriable('write events', await this.inner.writeEvents(events));
  }

  async writeStates(states: readonly InstanceState[]): Promise<WriteResult<InstanceState>> {
    return failOnRetriable('write states', await this.inner.writeStates(states));
  }

  eventsOfInstances(keys: readonly string[]): Promise<Map<string, FlowtrailEvent[]>> {
    return this.inner.eventsOfInstances(keys);
  }
}

function failOnRetriable<T>(operation: string, result: WriteResult<T>): WriteResult<T> {
  const [failure] = result.retriable;
  if (failure === undefined) return result;
  throw new StorageError(
    `${operation}: ${result.retriable.length} item(s) failed with retriable status ${failure.status}`,
    true,
    failure.status,
  );
}
