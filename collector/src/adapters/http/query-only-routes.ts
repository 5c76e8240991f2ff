/**
 * What a query node does with the routes of ingestion: it has no ingest and no command
 * delivery, so the API handler answers them with 404 and a JSON error naming where to go
 * instead, before reading any body. 404 (not 5xx) because
 * the same request to this node never succeeds: `retriable: false`, SDK transports do
 * not retry it, and a load balancer's passive health checks do not eject the node.
 * Every other route (reads, alert acknowledge/silence, definition puts: all of them
 * state in the shared Elasticsearch) is served as on a collector.
 */
import type { AbsentReasons } from './api-handler.ts';

export const INGEST_REFUSED =
  'this is a query-only node (flowtrail query): it does not accept events; send them to a collector (POST /api/events on `flowtrail collector`, or its Kafka input topic)';

export const COMMANDS_REFUSED =
  'this is a query-only node (flowtrail query): commands are delivered by the collectors; poll /api/commands on `flowtrail collector`';

/** What a query node answers for ingest and command delivery (`ApiDeps.absent`). */
export const QUERY_NODE_ABSENT: AbsentReasons = {
  ingest: INGEST_REFUSED,
  commands: COMMANDS_REFUSED,
};
