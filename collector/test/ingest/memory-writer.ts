/**
 * The in-memory fake of the EventWriter port the BatchIngester tests use
 * (batch-ingester.test.ts, batch-ingester-hostile.test.ts).
 */
import { instanceKeyOf, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import type { InstanceState } from '../../src/domain/instance/instance-state.ts';
import type { EventWriter, WriteResult } from '../../src/ports/event-store.ts';

/** In-memory EventWriter: idempotent by id, rejects events whose data has `poison`. */
export class MemoryWriter implements EventWriter {
  readonly events = new Map<string, FlowtrailEvent>();
  readonly states = new Map<string, InstanceState>();

  async writeEvents(events: readonly FlowtrailEvent[]): Promise<WriteResult<FlowtrailEvent>> {
    const result: WriteResult<FlowtrailEvent> = { retriable: [], rejected: [] };
    for (const event of events) {
      if (event.data.poison !== undefined)
        result.rejected.push({
          item: event,
          status: 400,
          error: { type: 'mapper_parsing_exception' },
        });
      else this.events.set(event.id, event);
    }
    return result;
  }

  async eventsOfInstances(keys: readonly string[]): Promise<Map<string, FlowtrailEvent[]>> {
    const map = new Map<string, FlowtrailEvent[]>();
    for (const event of this.events.values()) {
      const key = instanceKeyOf(event);
      if (keys.includes(key)) map.set(key, [...(map.get(key) ?? []), event]);
    }
    return map;
  }

  async writeStates(states: readonly InstanceState[]): Promise<WriteResult<InstanceState>> {
    for (const state of states) {
      const existing = this.states.get(state.key);
      if (existing === undefined || existing.eventCount <= state.eventCount)
        this.states.set(state.key, state);
    }
    return { retriable: [], rejected: [] };
  }
}
