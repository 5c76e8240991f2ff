/**
 * An `EventWriter` decorator that nudges the live channel after every state write of this
 * process (the pipeline's last step), so a listening client hears of it at once instead
 * of at the next read of the change feed. The nudge only brings that read forward: what
 * changed is always read from the store.
 */
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import type { InstanceState } from '../../domain/instance/instance-state.ts';
import type { EventWriter, WriteResult } from '../../ports/event-store.ts';

export class NudgingEventWriter implements EventWriter {
  constructor(
    private readonly inner: EventWriter,
    private readonly nudge: () => void,
  ) {}

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
