/**
 * An `EventWriter` decorator that nudges the live channel after every state write of this
 * process (the pipeline's last step), so a listening client hears of it at once instead
 * of at the next read of the change feed. The nudge only brings that read forward: what
 * changed is always read from the store. An atomic batch write (events and states in one
 * transaction) nudges the same way.
 */
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import type { InstanceState } from '../../domain/instance/instance-state.ts';
import type { EventWriter, WriteResult } from '../../ports/event-store.ts';
import { isAtomicBatchWriter, type AtomicBatchWriter } from '../../ports/atomic-batch.ts';
import { isSummaryStore, type SummaryStore } from '../../ports/summary-store.ts';

export class NudgingEventWriter implements EventWriter {
  /** Present when `inner` has it (ports/atomic-batch.ts), so the capability survives. */
  readonly writeBatch?: AtomicBatchWriter['writeBatch'];
  /** Present when `inner` has them (ports/summary-store.ts). */
  readonly readSummaries?: SummaryStore['readSummaries'];
  readonly writeFoldedStates?: SummaryStore['writeFoldedStates'];

  constructor(
    private readonly inner: EventWriter,
    private readonly nudge: () => void,
  ) {
    if (isSummaryStore(inner)) {
      this.readSummaries = (keys) => inner.readSummaries(keys);
      this.writeFoldedStates = async (folded) => {
        try {
          return await inner.writeFoldedStates(folded);
        } finally {
          if (folded.length > 0) this.nudge();
        }
      };
    }
    if (isAtomicBatchWriter(inner)) {
      this.writeBatch = async (events, fold) => {
        try {
          return await inner.writeBatch(events, fold);
        } finally {
          if (events.length > 0) this.nudge();
        }
      };
    }
  }

  writeEvents(events: readonly FlowtrailEvent[]): Promise<WriteResult<FlowtrailEvent>> {
    return this.inner.writeEvents(events);
  }

  eventsOfInstances(keys: readonly string[]): Promise<Map<string, FlowtrailEvent[]>> {
    return this.inner.eventsOfInstances(keys);
  }

  async writeStates(states: readonly InstanceState[]): Promise<WriteResult<InstanceState>> {
    try {
      return await this.inner.writeStates(states);
    } finally {
      if (states.length > 0) this.nudge();
    }
  }
}
