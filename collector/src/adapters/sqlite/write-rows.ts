/**
 * The writes of the embedded event store (sqlite-event-store.ts): the statements of
 * events and states, and the rows they bind.
 *
 * - Events: inserted by identity (source, id), never replaced (`ON CONFLICT DO NOTHING`);
 *   a row not inserted is compared with the stored one (batch-transaction.ts). An event
 *   whose `time` does not parse is rejected item by item (status 400).
 * - States: upsert by instance key, applied only when `eventCount` ≥ the stored one (the
 *   version every state write uses, also the re-derivation of deadlines); a superseded
 *   state is not a failure (like Elasticsearch's 409 under external_gte). Each applied
 *   write takes the next `change_seq` (change-queries.ts). `parent_key` is computed here
 *   from the state's `parent` link.
 * - Fold summaries (`fold_summary`, schema version 6): written with the state by the
 *   atomic batch (`UPSERT_FOLDED_STATE`); a state written without one keeps the stored
 *   summary only when it covers the same number of events (`UPSERT_STATE`).
 * - Search terms (`search_terms`, schema version 7): derived from the state here
 *   (search-terms.ts) and written with it by both upserts, which run only through
 *   search-index-writes.ts: it keeps `instance_terms` and `instance_counts` along.
 */
import { instanceKey, instanceKeyOf, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import type { InstanceState } from '../../domain/instance/instance-state.ts';
import type { ItemFailure } from '../../ports/event-store.ts';
import { nextChangeSeq } from './change-queries.ts';
import { searchTermsColumn } from './search-terms.ts';

export const INSERT_EVENT = `
INSERT INTO events (id, instance_key, time, time_ms, type, source, process, event)
VALUES (@id, @instanceKey, @time, @timeMs, @type, @source, @process, @event)
ON CONFLICT (source, id) DO NOTHING`;

/** The stored JSON of an identity (the primary key). */
export const STORED_EVENT = 'SELECT event FROM events WHERE source = ? AND id = ?';

const STATE_COLUMNS = `key, event_count, status, process, last_event_at, last_event_ms,
                       next_deadline_ms, parent_key, search_text, state, change_seq, search_terms`;
const STATE_VALUES = `@key, @eventCount, @status, @process, @lastEventAt, @lastEventMs,
        @nextDeadlineMs, @parentKey, @searchText, @state, ${nextChangeSeq('instances')}, @searchTerms`;
const STATE_UPDATE = `event_count = excluded.event_count, status = excluded.status, process = excluded.process,
  last_event_at = excluded.last_event_at, last_event_ms = excluded.last_event_ms,
  next_deadline_ms = excluded.next_deadline_ms, parent_key = excluded.parent_key,
  search_text = excluded.search_text,
  state = excluded.state, change_seq = excluded.change_seq, search_terms = excluded.search_terms`;

/**
 * A state without a fold summary (`writeStates`, the start-up repair): the stored summary
 * stays only when the state covers the same events (same `eventCount`, e.g. a deadline
 * re-derivation); otherwise it no longer describes the stored events and is dropped.
 */
export const UPSERT_STATE = `
INSERT INTO instances (${STATE_COLUMNS})
VALUES (${STATE_VALUES})
ON CONFLICT (key) DO UPDATE SET
  ${STATE_UPDATE},
  fold_summary = CASE WHEN excluded.event_count = instances.event_count
                      THEN instances.fold_summary END
WHERE excluded.event_count >= instances.event_count`;

/** A state with the fold summary it was folded to (the atomic batch). */
export const UPSERT_FOLDED_STATE = `
INSERT INTO instances (${STATE_COLUMNS}, fold_summary)
VALUES (${STATE_VALUES}, @foldSummary)
ON CONFLICT (key) DO UPDATE SET
  ${STATE_UPDATE},
  fold_summary = excluded.fold_summary
WHERE excluded.event_count >= instances.event_count`;

/** Drops the summaries of instances (a JSON list of keys) that got events but no new one. */
export const CLEAR_SUMMARIES = `UPDATE instances SET fold_summary = NULL
 WHERE key IN (SELECT value FROM json_each(?)) AND fold_summary IS NOT NULL`;

/** The stored summaries (and their states' event counts) of instances, by key. */
export const STORED_SUMMARIES = `SELECT key, event_count AS eventCount, fold_summary AS summary
  FROM instances WHERE key IN (SELECT value FROM json_each(?)) AND fold_summary IS NOT NULL`;

export interface EventRow {
  id: string;
  instanceKey: string;
  time: string;
  timeMs: number;
  type: string;
  source: string;
  process: string;
  event: string;
}

export interface StateRow {
  key: string;
  eventCount: number;
  status: string;
  process: string;
  lastEventAt: string;
  lastEventMs: number;
  nextDeadlineMs: number | null;
  parentKey: string | null;
  searchText: string;
  state: string;
  /** The state's search terms (search-terms.ts), for `instance_terms` (search-index-writes.ts). */
  searchTerms: string;
}

/** Rows to write, the item of each (same index), and the items refused before any write. */
export interface Rows<R, T> {
  rows: R[];
  items: T[];
  rejected: ItemFailure<T>[];
}

/** Milliseconds of an ISO time, or undefined (also for an absent or malformed one). */
function millisOf(time: string | undefined): number | undefined {
  if (time === undefined) return undefined;
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? undefined : ms;
}

export function eventRows(events: readonly FlowtrailEvent[]): Rows<EventRow, FlowtrailEvent> {
  const result: Rows<EventRow, FlowtrailEvent> = { rows: [], items: [], rejected: [] };
  for (const event of events) {
    const timeMs = millisOf(event.time);
    if (timeMs === undefined) {
      result.rejected.push({
        item: event,
        status: 400,
        error: { type: 'invalid_time', reason: `invalid event time ${JSON.stringify(event.time)}` },
      });
      continue;
    }
    result.rows.push({
      id: event.id,
      instanceKey: instanceKeyOf(event),
      time: event.time,
      timeMs,
      type: event.type,
      source: event.source,
      process: event.ftprocess,
      event: JSON.stringify(event),
    });
    result.items.push(event);
  }
  return result;
}

export function stateRows(states: readonly InstanceState[]): Rows<StateRow, InstanceState> {
  const result: Rows<StateRow, InstanceState> = { rows: [], items: [], rejected: [] };
  for (const state of states) {
    const lastEventMs = millisOf(state.lastEventAt);
    if (lastEventMs === undefined) {
      result.rejected.push({
        item: state,
        status: 400,
        error: { type: 'invalid_state', reason: `invalid lastEventAt ${state.lastEventAt}` },
      });
      continue;
    }
    result.rows.push({
      key: state.key,
      eventCount: state.eventCount,
      status: state.status,
      process: state.process,
      lastEventAt: state.lastEventAt,
      lastEventMs,
      nextDeadlineMs: millisOf(state.nextDeadline) ?? null,
      parentKey: state.parent === undefined ? null : instanceKey(state.parent),
      searchText: state.searchText,
      state: JSON.stringify(state),
      searchTerms: searchTermsColumn(state),
    });
    result.items.push(state);
  }
  return result;
}
