/**
 * The search terms of a state (schema version 7, search-index-schema.ts): the (kind,
 * value) pairs `instance_terms` holds for an instance — `system` (source ∪ systems),
 * `owner` (owner ∪ step owners), `step` (step names), text values only, each pair once.
 *
 * Derived here, in JavaScript, from the state the store is about to write (it is parsed
 * already), into the `instances.search_terms` column: a JSON array of `[kind, value]`
 * pairs sorted by kind, then value, so the same terms are always the same text. The
 * store's state writes (search-index-writes.ts) compare the stored and the new column and
 * touch `instance_terms` and the counters only when the terms, the process or the status
 * changed — a string comparison for the common write that changes none.
 */
/** The kinds of `instance_terms` (each also counted in `instance_counts`). */
export type TermKind = 'system' | 'owner' | 'step';

/** The parts of a state the terms are read from (any JSON value: they are checked). */
interface TermSource {
  source?: unknown;
  systems?: unknown;
  owner?: unknown;
  steps?: unknown;
}

const KIND_ORDER: Record<TermKind, number> = { owner: 0, step: 1, system: 2 };

/** The distinct (kind, value) pairs of a state, sorted (kind, then value). */
export function searchTermsOf(state: TermSource): [TermKind, string][] {
  const seen = new Set<string>();
  const terms: [TermKind, string][] = [];
  const add = (kind: TermKind, value: unknown): void => {
    if (typeof value !== 'string') return;
    const id = `${kind}\u0000${value}`;
    if (seen.has(id)) return;
    seen.add(id);
    terms.push([kind, value]);
  };
  add('system', state.source);
  if (Array.isArray(state.systems)) for (const system of state.systems) add('system', system);
  add('owner', state.owner);
  if (Array.isArray(state.steps)) {
    for (const step of state.steps as unknown[]) {
      if (typeof step !== 'object' || step === null) continue;
      const { name, owner } = step as { name?: unknown; owner?: unknown };
      add('owner', owner);
      add('step', name);
    }
  }
  // Code-unit order, like SQLite's BINARY collation (not localeCompare).
  return terms.sort(([ka, va], [kb, vb]) =>
    ka === kb ? (va < vb ? -1 : va > vb ? 1 : 0) : KIND_ORDER[ka] - KIND_ORDER[kb],
  );
}

/** The `search_terms` column of a state. */
export const searchTermsColumn = (state: TermSource): string =>
  JSON.stringify(searchTermsOf(state));
