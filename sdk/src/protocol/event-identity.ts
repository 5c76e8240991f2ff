/**
 * An event is identified by (`source`, `id`) — CloudEvents 1.0: "Producers MUST ensure
 * that source + id is unique for each distinct event", and consumers may take events with
 * the same source and id for duplicates (docs/events.md, "Identity"). The same `id` from
 * two sources names two events; the same (source, id) twice names one.
 *
 * `eventIdentity` is that pair as one string: a map key for de-duplication and the input
 * of a store's document id. It is the JSON text of `[source, id]`, so it is injective for
 * every pair of strings (no separator to collide with: `("a/b", "c")` and `("a", "b/c")`
 * differ), total (JSON.stringify escapes lone surrogates, nothing throws) and pure.
 */

export interface EventIdentity {
  source: string;
  id: string;
}

export function eventIdentity(event: EventIdentity): string {
  return JSON.stringify([String(event.source), String(event.id)]);
}
