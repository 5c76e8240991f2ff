/** Builders of valid Flowtrail events for the integration tests. */
import { randomUUID } from 'node:crypto';
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';

export interface EventInit {
  id?: string;
  type: string;
  instance: string;
  process?: string;
  source?: string;
  time: string;
  step?: string;
  owner?: string;
  data?: Record<string, unknown>;
}

export function makeEvent(init: EventInit): FlowtrailEvent {
  const event: FlowtrailEvent = {
    specversion: '1.0',
    id: init.id ?? randomUUID(),
    source: init.source ?? 'shop',
    type: init.type,
    time: init.time,
    ftprocess: init.process ?? 'order-fulfilment',
    ftinstance: init.instance,
    data: init.data ?? {},
  };
  if (init.step !== undefined) event.ftstep = init.step;
  if (init.owner !== undefined) event.ftowner = init.owner;
  return event;
}

/** The event fields besides the instance, type and time. */
export type EventExtra = Pick<EventInit, 'id' | 'step' | 'owner' | 'data'>;

/** One `flowtrail.<type>` event of the instance `key` (`source/process/instance`). */
export function eventOfKey(
  key: string,
  type: string,
  time: string,
  extra: EventExtra = {},
): FlowtrailEvent {
  const [source, process, instance] = key.split('/') as [string, string, string];
  return makeEvent({ type: `flowtrail.${type}`, source, process, instance, time, ...extra });
}

/** `base` + `seconds`, as RFC 3339 UTC. */
export function at(base: string, seconds: number): string {
  return new Date(Date.parse(base) + seconds * 1000).toISOString();
}
