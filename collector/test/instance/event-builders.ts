/** Small builders for hand-written instance events in tests. */
import type { EventData, FlowtrailEvent } from '@flowtrail/sdk/protocol';

export const SOURCE = 'billing';
export const PROCESS = 'order-fulfilment';
export const INSTANCE = 'o-4711';

export interface EventOptions {
  id?: string;
  step?: string;
  owner?: string;
  traceparent?: string;
  data?: EventData;
  source?: string;
  instance?: string;
}

let counter = 0;

/** An event of the test instance; ids are unique unless given. */
export function event(type: string, time: string, options: EventOptions = {}): FlowtrailEvent {
  counter += 1;
  const built: FlowtrailEvent = {
    specversion: '1.0',
    id: options.id ?? `ev-${String(counter).padStart(5, '0')}`,
    source: options.source ?? SOURCE,
    type,
    time,
    ftprocess: PROCESS,
    ftinstance: options.instance ?? INSTANCE,
    data: options.data ?? {},
  };
  if (options.step !== undefined) built.ftstep = options.step;
  if (options.owner !== undefined) built.ftowner = options.owner;
  if (options.traceparent !== undefined) built.traceparent = options.traceparent;
  return built;
}

/** `2024-03-01T10:MM:00Z` — a readable minute of the test day. */
export function at(minute: number): string {
  return `2024-03-01T10:${String(minute).padStart(2, '0')}:00Z`;
}
