/** Delimiter auto-detection for CSV event logs. Pure. */

export type CsvDelimiter = ',' | ';' | '\t';

const CANDIDATES: readonly CsvDelimiter[] = [',', ';', '\t'];

/** Counts of each candidate outside double-quoted fields of `line`. */
function countOutsideQuotes(line: string): Map<CsvDelimiter, number> {
  const counts = new Map<CsvDelimiter, number>(CANDIDATES.map((c) => [c, 0]));
  let quoted = false;
  for (const char of line) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && counts.has(char as CsvDelimiter)) {
      const key = char as CsvDelimiter;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

/**
 * The delimiter of a CSV file from its header line: the candidate (`,` `;` tab) that
 * occurs most often outside quotes; `,` on a tie or when none occurs.
 */
export function detectDelimiter(headerLine: string): CsvDelimiter {
  const counts = countOutsideQuotes(headerLine.replace(/^\uFEFF/, ''));
  let best: CsvDelimiter = ',';
  for (const candidate of CANDIDATES) {
    if ((counts.get(candidate) ?? 0) > (counts.get(best) ?? 0)) best = candidate;
  }
  return best;
}

/** The first line of `text` (up to the first line break), or `undefined` when none yet. */
export function firstLine(text: string): string | undefined {
  const end = text.search(/\r?\n/);
  return end === -1 ? undefined : text.slice(0, end);
}
