/**
 * The input of the writers: stored events, either one flat stream (any order; grouped by
 * instance in memory) or already grouped by instance (arrays, streamed as they come).
 */
import { instanceKeyOf, type FlowtrailEvent } from '@flowtrail/sdk/protocol';

export type EventSource =
  | AsyncIterable<FlowtrailEvent>
  | Iterable<FlowtrailEvent>
  | AsyncIterable<readonly FlowtrailEvent[]>
  | Iterable<readonly FlowtrailEvent[]>;

/**
 * The events of each instance, one array per instance, in order of first appearance.
 * Arrays in the input are passed through as they are (split when they mix instances).
 */
export async function* instanceGroups(
  source: EventSource,
): AsyncGenerator<readonly FlowtrailEvent[]> {
  const pending = new Map<string, FlowtrailEvent[]>();
  for await (const item of source as AsyncIterable<FlowtrailEvent | readonly FlowtrailEvent[]>) {
    if (Array.isArray(item)) {
      const groups = new Map<string, FlowtrailEvent[]>();
      for (const event of item as readonly FlowtrailEvent[]) {
        const key = instanceKeyOf(event);
        groups.set(key, [...(groups.get(key) ?? []), event]);
      }
      yield* groups.values();
      continue;
    }
    const event = item as FlowtrailEvent;
    const key = instanceKeyOf(event);
    const group = pending.get(key);
    if (group === undefined) pending.set(key, [event]);
    else group.push(event);
  }
  yield* pending.values();
}
