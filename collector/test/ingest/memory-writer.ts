/**
 * The in-memory fake of the EventWriter port the BatchIngester tests use
 * (batch-ingester.test.ts, batch-ingester-hostile.test.ts).
 */
import { eventIdentity, instanceKeyOf, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import type { InstanceState } from '../../src/domain/instance/instance-state.ts';
import { sameEventContent } from '../../src/domain/instance/same-event-content.ts';
import {
  conflictingDuplicate,
  type EventWriter,
  type WriteResult,
} from '../../src/ports/event-store.ts';

/**
 * In-memory EventWriter with the port's identity rules: events by (source, id), an
 * identical copy a no-op, a different one a `conflictingDuplicate`; rejects events whose
 * data has `poison`.
 */
export class MemoryWriter implements EventWriter {
  /** By `eventIdentity`. */
  readonly events = new Map<string, FlowtrailEvent>();
  readonly states = new Map<string, InstanceState>();

  /** The ids of the stored events, in insertion order. */
  ids(): string[] {
    return [...this.events.values()].map((event) => event.id);
  }

  event(source: string, id: string): FlowtrailEvent | undefined {
    return this.events.get(eventIdentity({ source, id }));
  }

  async writeEvents(events: readonly FlowtrailEvent[]): Promise<WriteResult<FlowtrailEvent>> {
    const result: WriteResult<FlowtrailEvent> = { retriable: [], rejected: [] };
    for (const event of events) {
      const stored = this.events.get(eventIdentity(event));
      if (event.data.poison !== undefined)
        result.rejected.push({
          item: event,
          status: 400,
          error: { type: 'mapper_parsing_exception' },
        });
      else if (stored === undefined) this.events.set(eventIdentity(event), event);
      else if (!sameEventContent(stored, event)) result.rejected.push(conflictingDuplicate(event));
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
