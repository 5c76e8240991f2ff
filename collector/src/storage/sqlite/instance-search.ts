/**
 * Translates an `InstanceQuery` into SQL over the embedded store's tables, with the
 * semantics of the Elasticsearch store (es-event-store.ts `search`):
 *
 * - `process`, `status`: exact match.
 * - `businessKey`: `name=value` (first `=` at position > 0) matches that key exactly;
 *   anything else matches the value under any key name. Case-sensitive, like a keyword.
 * - `text`: every word must occur in the instance's search text (AND), case-insensitive.
 *   Words are runs of letters, digits and `_` (`ORD-4711` → `ord` AND `4711`). Blank text
 *   is no condition; text without any word matches nothing (ES: zero terms → no hits).
 * - Order: `lastEventAt` (as an instant, ms) descending, then `key` ascending (bytewise):
 *   total, so pages are stable. No relevance ranking on either store.
 */
import type { InstanceQuery } from '../event-store.ts';

export const DEFAULT_PAGE_SIZE = 20;

const ORDER = 'ORDER BY last_event_ms DESC, key ASC';

/**
 * One page of states (params: filter params, then LIMIT, OFFSET). The page's rows are
 * chosen and sorted on the small columns first and only then joined to their `state`
 * JSON, so a broad query (a common word) does not sort thousands of documents.
 */
export function pageSql(where: string): string {
  return `SELECT state FROM instances WHERE seq IN (
  SELECT seq FROM instances WHERE ${where} ${ORDER} LIMIT ? OFFSET ?) ${ORDER}`;
}

export function countSql(where: string): string {
  return `SELECT count(*) AS total FROM instances WHERE ${where}`;
}

export interface CompiledFilter {
  /** SQL condition over `instances` (never empty: `1` when there is no condition). */
  where: string;
  params: string[];
}

/** Words of a free-text query, split like the FTS5 tokenizer of `instances_fts`. */
export function wordsOf(text: string): string[] {
  return text.match(/[\p{L}\p{N}\p{Co}_]+/gu) ?? [];
}

/** FTS5 query requiring every word (each quoted, so no word is read as an operator). */
export function ftsQueryOf(words: readonly string[]): string {
  return words.map((word) => `"${word.replaceAll('"', '""')}"`).join(' AND ');
}

/** The filter of a query, or undefined when it can match nothing. */
export function compileFilter(query: InstanceQuery): CompiledFilter | undefined {
  const conditions: string[] = [];
  const params: string[] = [];
  if (query.process !== undefined) {
    conditions.push('process = ?');
    params.push(query.process);
  }
  if (query.status !== undefined) {
    conditions.push('status = ?');
    params.push(query.status);
  }
  if (query.businessKey !== undefined) {
    const eq = query.businessKey.indexOf('=');
    if (eq > 0) {
      conditions.push(
        'key IN (SELECT instance_key FROM business_keys WHERE value = ? AND name = ?)',
      );
      params.push(query.businessKey.slice(eq + 1), query.businessKey.slice(0, eq));
    } else {
      conditions.push('key IN (SELECT instance_key FROM business_keys WHERE value = ?)');
      params.push(query.businessKey);
    }
  }
  if (query.text !== undefined && query.text.trim() !== '') {
    const words = wordsOf(query.text);
    if (words.length === 0) return undefined;
    conditions.push('seq IN (SELECT rowid FROM instances_fts WHERE instances_fts MATCH ?)');
    params.push(ftsQueryOf(words));
  }
  return { where: conditions.length === 0 ? '1' : conditions.join(' AND '), params };
}

/** `from` and `size` with defaults; throws on values Elasticsearch would refuse too. */
export function pageOf(query: InstanceQuery): { from: number; size: number } {
  const from = query.from ?? 0;
  const size = query.size ?? DEFAULT_PAGE_SIZE;
  for (const [name, value] of [
    ['from', from],
    ['size', size],
  ] as const) {
    if (!Number.isInteger(value) || value < 0) {
      throw new RangeError(`search ${name} must be a non-negative integer, got ${value}`);
    }
  }
  return { from, size };
}
