/**
 * How an event is stored in the daily events indices: the document (the CloudEvent as
 * received + `instanceKey` + `idScheme`) and its document id.
 *
 * The id is derived from the event's identity (source, id) — `eventIdentity`, the JSON
 * text of `[source, id]`, so no pair of strings collides with another — as base64url of
 * its SHA-256 (43 characters). Hashed rather than used as is because Elasticsearch `_id`s
 * are at most 512 bytes and a source and an id may each be longer; always hashed (not only
 * when long) so there is one scheme, not two that could meet. A collision of SHA-256 is
 * not a practical concern.
 *
 * `idScheme` says what `_id` was derived from: `source-id` (this scheme) or `event-id`
 * (the scheme before it, `_id` = `id`, kept only for a legacy copy that conflicts with an
 * event stored under the new id, es-event-id-migration.ts). Documents written before the
 * field existed have none: that is how the migration finds them. Neither `instanceKey`
 * nor `idScheme` can be a CloudEvents attribute (those are lower-case letters and digits
 * only), so stripping them gives the event back exactly.
 */
import { createHash } from 'node:crypto';
import { eventIdentity, instanceKeyOf, type FlowtrailEvent } from '@flowtrail/sdk/protocol';

export const ID_SCHEME_FIELD = 'idScheme';

export type IdScheme = 'source-id' | 'event-id';

/** Event document = the CloudEvent as received + `instanceKey` (+ `idScheme`). */
export type EventDocument = FlowtrailEvent & { instanceKey: string; idScheme?: IdScheme };

export function eventDocumentId(event: { source: string; id: string }): string {
  return createHash('sha256').update(eventIdentity(event), 'utf8').digest('base64url');
}

export function toEventDocument(
  event: FlowtrailEvent,
  scheme: IdScheme = 'source-id',
): EventDocument {
  return { ...event, instanceKey: instanceKeyOf(event), idScheme: scheme };
}

/** The event a document holds. */
export function eventOfDocument(document: EventDocument): FlowtrailEvent {
  const { instanceKey: _key, idScheme: _scheme, ...event } = document;
  return event as FlowtrailEvent;
}
