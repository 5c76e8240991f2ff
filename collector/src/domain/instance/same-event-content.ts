/**
 * Whether two copies of one event identity (`eventIdentity`, the protocol) carry the same
 * content: equal as JSON, whatever their key order (canonical JSON). A replay or a
 * redelivery is the same content and stored once; a different content under a stored
 * identity is a conflicting duplicate, never written over the first (docs/events.md,
 * "Identity"). Pure; compares every member, `data` included.
 */
import { canonicalJson } from './canonical-json.ts';

export function sameEventContent(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
