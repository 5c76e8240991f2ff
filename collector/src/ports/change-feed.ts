/**
 * The change-feed port: what the live channel (`GET /api/live`, src/live/) reads to learn
 * that stored instance states or alerts changed — from the store itself, so it also sees
 * the writes of other collector processes sharing the store.
 *
 * Each store numbers the writes of a kind of document with a change sequence that grows
 * with every stored write (an instance state superseded by a fuller one is not a write):
 * - SQLite: the `change_seq` column of `instances` / `alerts` (the table's newest + 1,
 *   set in the writing statement, so two connections on one file never share a number);
 * - Elasticsearch: the document's `_seq_no` in `<prefix>-instances` / `<prefix>-alerts`
 *   (one shard each, so `_seq_no` orders every write of the index). Near-real-time: a
 *   write shows up after the next refresh (~1 s).
 * A document keeps only the number of its latest write. The sequence may go back only
 * when the store was wiped (a deleted index, a new data directory).
 */

/** Most keys a change page lists (the API caps lower). */
export const MAX_CHANGE_KEYS = 1000;

export interface ChangePage {
  /** The newest change sequence number of the store (0: nothing written yet). */
  seq: number;
  /**
   * Instance keys of the documents written after `after`, oldest write first, without
   * duplicates, at most `limit` (none when `after` is absent). For alerts: each alert's
   * `instance` and its `relatedKeys`.
   */
  keys: string[];
  /** True when more documents changed after `after` than `keys` names. */
  truncated: boolean;
}

export interface InstanceChangeReader {
  /** Changes of the stored instance states (see `ChangePage`); `limit` 0..MAX_CHANGE_KEYS. */
  instanceChanges(after: number | undefined, limit: number): Promise<ChangePage>;
}

export interface AlertChangeReader {
  /** Changes of the stored alerts (see `ChangePage`); `limit` 0..MAX_CHANGE_KEYS. */
  alertChanges(after: number | undefined, limit: number): Promise<ChangePage>;
}

/**
 * The page of keys gathered from changed documents in change order: distinct keys, at
 * most `limit`; `more` says the store had further changed documents beyond those read.
 */
export function changePage(
  seq: number,
  keysInOrder: Iterable<string>,
  limit: number,
  more: boolean,
): ChangePage {
  const keys: string[] = [];
  const seen = new Set<string>();
  let truncated = more;
  for (const key of keysInOrder) {
    if (seen.has(key)) continue;
    if (keys.length === limit) {
      truncated = true;
      break;
    }
    seen.add(key);
    keys.push(key);
  }
  return { seq, keys, truncated };
}

/** What is wrong with the arguments of a change read (the store answers 400), if anything. */
export function changeArgumentProblem(
  after: number | undefined,
  limit: number,
): string | undefined {
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_CHANGE_KEYS) {
    return `limit must be an integer in 0..${MAX_CHANGE_KEYS}, got ${limit}`;
  }
  if (after !== undefined && !(Number.isSafeInteger(after) && after >= 0)) {
    return `after must be a non-negative integer, got ${after}`;
  }
  return undefined;
}
