/**
 * The query layer over the storage port's `InstanceReader`: what the HTTP API's query
 * routes answer, and what the interim web UI renders (it calls these functions too, so
 * there is one query implementation). Unknown instances are `HttpError` 404.
 */
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import type { InstanceState } from '../core/instance-state.ts';
import type { InstancePage, InstanceQuery, InstanceReader } from '../storage/event-store.ts';
import { HttpError } from './http-error.ts';
import { DEFAULT_PAGE_SIZE } from './query-params.ts';

export function searchInstances(
  reader: InstanceReader,
  query: InstanceQuery,
): Promise<InstancePage> {
  return reader.search({ from: 0, size: DEFAULT_PAGE_SIZE, ...query });
}

export async function findInstance(reader: InstanceReader, key: string): Promise<InstanceState> {
  const state = await reader.getInstance(key);
  if (state === undefined) throw new HttpError(404, `no instance with key "${key}"`);
  return state;
}

/** The instance's events, oldest first; 404 when neither a state nor events exist. */
export async function instanceEvents(
  reader: InstanceReader,
  key: string,
): Promise<{ events: FlowtrailEvent[] }> {
  const events = await reader.getEvents(key);
  if (events.length === 0 && (await reader.getInstance(key)) === undefined) {
    throw new HttpError(404, `no instance with key "${key}"`);
  }
  return { events };
}
