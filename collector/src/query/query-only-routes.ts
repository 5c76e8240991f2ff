/**
 * What a query node does with the routes of ingestion: it refuses them with 404 and a
 * JSON error naming where to go instead, before reading any body. 404 (not 5xx) because
 * the same request to this node never succeeds: `retriable: false`, SDK transports do
 * not retry it, and a load balancer's passive health checks do not eject the node.
 * Every other route (reads, alert acknowledge/silence, definition puts: all of them
 * state in the shared Elasticsearch) is served as on a collector.
 */
import { HttpError } from '../http/http-error.ts';
import type { Route } from '../http/routes.ts';

export const INGEST_REFUSED =
  'this is a query-only node (flowtrail query): it does not accept events; send them to a collector (POST /api/events on `flowtrail collector`, or its Kafka input topic)';

export const COMMANDS_REFUSED =
  'this is a query-only node (flowtrail query): commands are delivered by the collectors; poll /api/commands on `flowtrail collector`';

/** The `refuse` hook of the API handler on a query node. */
export function refuseOnQueryNode(route: Route): HttpError | undefined {
  switch (route.name) {
    case 'ingest':
      return new HttpError(404, INGEST_REFUSED, false);
    case 'commands':
    case 'commands-ack':
      return new HttpError(404, COMMANDS_REFUSED, false);
    default:
      return undefined;
  }
}
