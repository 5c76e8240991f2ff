/**
 * The state writes of the embedded event store together with the search lookup and its
 * counters (schema version 7, search-index-schema.ts): every upsert of an `instances`
 * row (`UPSERT_STATE`, `UPSERT_FOLDED_STATE`) goes through a `StateWriter`, which keeps
 * `instance_terms` and `instance_counts` right from JavaScript, where the state is parsed
 * already (its terms: `StateRow.searchTerms`, search-terms.ts), instead of triggers
 * re-deriving them from the state JSON.
 *
 * Per applied write it reads the stored row's process, status and `search_terms` (one
 * primary-key read of the row the upsert rewrites) and writes only what changed: the
 * term rows the state lost or gained, the process / status of the kept ones when those
 * changed, nothing at all for the common write that changes neither. The counters are
 * summed per (kind, process, status, value) in memory and written once per key by
 * `flush`, inside the caller's transaction (so a batch's counters commit with its states).
 * A superseded write (the `eventCount` rule: 0 changes) touches neither.
 *
 * Deleting an instance row needs nothing here: a trigger (search-index-schema.ts) drops
 * its term rows and counts.
 */
import type { Prepare } from './sqlite-database.ts';
import type { TermKind } from './search-terms.ts';
import type { StateRow } from './write-rows.ts';

const STORED = 'SELECT process, status, search_terms AS terms FROM instances WHERE key = ?';
const INSERT_TERM = `INSERT INTO instance_terms (instance_key, kind, value, process, status)
  VALUES (?, ?, ?, ?, ?)`;
const DELETE_TERM = 'DELETE FROM instance_terms WHERE instance_key = ? AND kind = ? AND value = ?';
const MOVE_TERMS = 'UPDATE instance_terms SET process = ?, status = ? WHERE instance_key = ?';
const ADD_COUNT = `INSERT INTO instance_counts (kind, process, status, value, n) VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (kind, process, status, value) DO UPDATE SET n = n + excluded.n`;

interface Stored {
  process: string;
  status: string;
  terms: string | null;
}

type Term = [TermKind, string];
/** A counter: (kind, process, status, value) and the change of its count. */
type Delta = [kind: TermKind | '', process: string, status: string, value: string, n: number];

const termId = ([kind, value]: Term): string => `${kind}\u0000${value}`;
const parseTerms = (column: string | null): Term[] =>
  column === null ? [] : (JSON.parse(column) as Term[]);

export class StateWriter {
  private readonly deltas = new Map<string, Delta>();

  constructor(private readonly prepare: Prepare) {}

  /**
   * Runs `sql` (an upsert of `instances`) with `row`; when it applied (the `eventCount`
   * rule), brings the term rows along and notes the counter changes. True when applied.
   */
  write(sql: string, row: StateRow & { foldSummary?: string }): boolean {
    const stored = this.prepare(STORED).get(row.key) as Stored | undefined;
    if (this.prepare(sql).run(row).changes === 0) return false;
    if (stored === undefined) {
      this.count('', row.process, row.status, '', 1);
      for (const term of parseTerms(row.searchTerms)) this.insert(row, term);
      return true;
    }
    const moved = stored.process !== row.process || stored.status !== row.status;
    if (!moved && stored.terms === row.searchTerms) return true;
    const next = parseTerms(row.searchTerms);
    const nextIds = new Set(next.map(termId));
    const kept = new Set<string>();
    for (const term of parseTerms(stored.terms)) {
      const id = termId(term);
      if (nextIds.has(id)) {
        kept.add(id);
        continue;
      }
      this.prepare(DELETE_TERM).run(row.key, term[0], term[1]);
      this.count(term[0], stored.process, stored.status, term[1], -1);
    }
    if (moved) {
      this.prepare(MOVE_TERMS).run(row.process, row.status, row.key);
      this.count('', stored.process, stored.status, '', -1);
      this.count('', row.process, row.status, '', 1);
    }
    for (const term of next) {
      if (!kept.has(termId(term))) this.insert(row, term);
      else if (moved) {
        this.count(term[0], stored.process, stored.status, term[1], -1);
        this.count(term[0], row.process, row.status, term[1], 1);
      }
    }
    return true;
  }

  /** Writes the summed counter changes (inside the caller's transaction). */
  flush(): void {
    const add = this.prepare(ADD_COUNT);
    for (const delta of this.deltas.values()) if (delta[4] !== 0) add.run(...delta);
    this.deltas.clear();
  }

  private insert(row: StateRow, [kind, value]: Term): void {
    this.prepare(INSERT_TERM).run(row.key, kind, value, row.process, row.status);
    this.count(kind, row.process, row.status, value, 1);
  }

  private count(kind: TermKind | '', process: string, status: string, value: string, n: number) {
    const id = `${kind}\u0000${process}\u0000${status}\u0000${value}`;
    const delta = this.deltas.get(id);
    if (delta === undefined) this.deltas.set(id, [kind, process, status, value, n]);
    else delta[4] += n;
  }
}

/** Upserts `rows` with `sql` and their search terms (inside the caller's transaction). */
export function upsertStates(prepare: Prepare, sql: string, rows: readonly StateRow[]): number {
  const writer = new StateWriter(prepare);
  let applied = 0;
  for (const row of rows) if (writer.write(sql, row)) applied++;
  writer.flush();
  return applied;
}
