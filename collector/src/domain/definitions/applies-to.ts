/**
 * Which instances a definition applies to. A definition is found by its process name,
 * but names are chosen by each system: a user's own `payment` from another system must
 * not be judged by the demo's `payment`. A definition that names `sources` applies only
 * to instances whose own source (the system that emitted their events, the first part of
 * the instance key) is one of them; one that names none applies to every system's. Pure.
 */

export interface SourceScoped {
  /** The source systems the definition applies to; absent = all. */
  sources?: readonly string[];
}

export function appliesToSource(definition: SourceScoped, source: string): boolean {
  return definition.sources === undefined || definition.sources.includes(source);
}
