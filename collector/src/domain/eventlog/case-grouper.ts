/**
 * Groups CSV rows into cases. A CSV file is not guaranteed to be sorted by case, so by
 * default every case is kept until the end of the file and cases are emitted in order of
 * first appearance. With `sortedByCase` a case is emitted as soon as the next row names
 * another case, so memory stays bounded — only for files sorted by case: a case id that
 * reappears later would be emitted a second time, as a separate case with the same id.
 */
import type { CsvRow } from './csv-rows.ts';
import type { ImportedCase } from './imported-case.ts';

export interface CaseGrouper {
  /** Adds a row; returns the cases it completes (only with `sortedByCase`). */
  add(row: CsvRow): ImportedCase[];
  /** Returns every case still open. */
  flush(): ImportedCase[];
}

export function createCaseGrouper(sortedByCase = false): CaseGrouper {
  const open = new Map<string, ImportedCase>();
  return {
    add(row) {
      const done: ImportedCase[] = [];
      if (sortedByCase && open.size > 0 && !open.has(row.caseId)) done.push(...this.flush());
      let current = open.get(row.caseId);
      if (current === undefined) {
        current = { caseId: row.caseId, attributes: {}, events: [] };
        open.set(row.caseId, current);
      }
      for (const [key, value] of Object.entries(row.caseAttributes)) {
        if (!(key in current.attributes)) current.attributes[key] = value;
      }
      current.events.push(row.event);
      return done;
    },
    flush() {
      const cases = [...open.values()];
      open.clear();
      return cases;
    },
  };
}
