/**
 * Replay and deletion of stored dead letters, over ports (no SQLite here).
 *
 * Replay runs each letter's ORIGINAL message (bytes, key, headers, origin) through the
 * same path as live input (`BatchIngester`: decode → store → re-fold) with a dead-letter
 * sink that stores nothing but records which messages were rejected again. A letter
 * whose message was not rejected is deleted from the table only AFTER its chunk is
 * stored (events and instance states), so a crash in between replays it again, which is
 * idempotent (events are upserted by id). A rejected letter is left exactly as it is.
 */
import { isRetriable } from '../../shared/errors.ts';
import { BatchIngester, type BatchIngesterDeps } from '../../app/ingest/batch-ingester.ts';
import type { DeadLetter, DeadLetterReason, DeadLetterSink } from '../../ports/dead-letter-sink.ts';
import type { IncomingMessage } from '../../ports/incoming-message.ts';
import type {
  DeadLetterPage,
  StoredDeadLetter,
} from '../../adapters/sqlite/sqlite-dead-letter-store.ts';
import type { LetterSelection } from './dlq-args.ts';

/** The dead-letter table as replay and delete use it (`SqliteDeadLetterStore`). */
export interface LetterTable {
  list(page: { from?: number; size?: number }): Promise<DeadLetterPage>;
  get(id: number): Promise<StoredDeadLetter | undefined>;
  delete(ids: readonly number[]): Promise<number>;
}

/** Runs messages through the pipeline; resolves once everything accepted is stored. */
export type ReplayRun = (
  messages: readonly IncomingMessage[],
  sink: DeadLetterSink,
) => Promise<void>;

export interface Failure {
  message: string;
  retriable: boolean;
}

export interface ReplayReport {
  /** Letters that were run through the pipeline (in finished chunks). */
  replayed: number;
  /** Ids accepted and deleted. */
  accepted: number[];
  /** Rejected again; their rows are unchanged. `reason`/`errors` are the new ones. */
  stillRejected: { id: number; reason: DeadLetterReason; errors: unknown[] }[];
  /** Requested ids that are not in the table. */
  missing: number[];
  /** Set when a chunk failed (nothing of that chunk was deleted); later chunks not run. */
  failure?: Failure;
}

export const REPLAY_CHUNK = 50;
const ID_PAGE = 200;

export function failureOf(err: unknown): Failure {
  return { message: err instanceof Error ? err.message : String(err), retriable: isRetriable(err) };
}

/** `run` backed by a `BatchIngester` (its dead-letter sink is supplied per chunk). */
export function processorRun(deps: Omit<BatchIngesterDeps, 'deadLetters'>): ReplayRun {
  return async (messages, sink) => {
    await new BatchIngester({ ...deps, deadLetters: sink }).process(messages);
  };
}

/** The ids of the table as of now (oldest first); letters stored later are not included. */
export async function allIds(table: LetterTable): Promise<number[]> {
  const ids: number[] = [];
  for (let from = 0; ; from += ID_PAGE) {
    const page = await table.list({ from, size: ID_PAGE });
    for (const item of page.letters.map((l) => l.id)) ids.push(item);
    if (page.letters.length < ID_PAGE || from + ID_PAGE >= page.total) return ids;
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function replayLetters(
  table: LetterTable,
  run: ReplayRun,
  selection: LetterSelection,
  chunkSize = REPLAY_CHUNK,
): Promise<ReplayReport> {
  const report: ReplayReport = { replayed: 0, accepted: [], stillRejected: [], missing: [] };
  try {
    const ids = selection.all ? await allIds(table) : selection.ids;
    for (const chunk of chunks(ids, chunkSize)) {
      const idOf = new Map<IncomingMessage, number>();
      for (const id of chunk) {
        const letter = await table.get(id);
        if (letter === undefined) report.missing.push(id);
        else idOf.set(letter.message, id);
      }
      if (idOf.size === 0) continue;
      const rejected: DeadLetter[] = [];
      await run([...idOf.keys()], {
        send: async (letters) => {
          for (const letter of letters) rejected.push(letter);
        },
      });
      const rejectedIds = new Set<number>();
      for (const letter of rejected) {
        const id = idOf.get(letter.message);
        if (id === undefined || rejectedIds.has(id)) continue;
        rejectedIds.add(id);
        report.stillRejected.push({ id, reason: letter.reason, errors: letter.errors });
      }
      report.replayed += idOf.size;
      const accepted = [...idOf.values()].filter((id) => !rejectedIds.has(id));
      await table.delete(accepted);
      for (const item of accepted) report.accepted.push(item);
    }
  } catch (err) {
    report.failure = failureOf(err);
  }
  return report;
}

export interface DeleteReport {
  deleted: number;
  missing: number[];
  failure?: Failure;
}

export async function deleteLetters(
  table: LetterTable,
  selection: LetterSelection,
): Promise<DeleteReport> {
  const report: DeleteReport = { deleted: 0, missing: [] };
  try {
    if (selection.all) {
      for (const chunk of chunks(await allIds(table), 500)) {
        report.deleted += await table.delete(chunk);
      }
    } else {
      // one by one, so that the ids that were not there can be named
      for (const id of selection.ids) {
        const n = await table.delete([id]);
        if (n === 0) report.missing.push(id);
        report.deleted += n;
      }
    }
  } catch (err) {
    report.failure = failureOf(err);
  }
  return report;
}
