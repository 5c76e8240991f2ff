/**
 * The `202` answer of `POST /api/events`: how many events were accepted and, per rejected
 * event, its index in the request, its id when known, the reason and the errors. Pure:
 * built from the request's units and the dead letters the pipeline produced for them.
 */
import type { DeadLetter } from '../../ports/dead-letter-sink.ts';
import type { IncomingMessage } from '../../ports/incoming-message.ts';

/** One event of an ingest request, as the HTTP adapter cut it out (adapters/http/ingest-request.ts). */
export interface IngestUnit {
  message: IncomingMessage;
  /** The event's `id` when it could be read, for the rejection report. */
  id?: string;
}

export interface Rejection {
  index: number;
  id?: string;
  reason: string;
  errors: string[];
}

export interface IngestOutcome {
  /** Events stored (duplicates of stored ids count as accepted: they are stored once). */
  accepted: number;
  rejected: Rejection[];
}

function errorText(error: unknown): string {
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

/** Matches dead letters to units by offset (= index in the request). */
export function ingestOutcome(
  units: readonly IngestUnit[],
  letters: readonly DeadLetter[],
): IngestOutcome {
  const byIndex = new Map<number, DeadLetter>();
  for (const letter of letters) {
    const index = Number(letter.message.offset);
    if (Number.isInteger(index) && !byIndex.has(index)) byIndex.set(index, letter);
  }
  const rejected: Rejection[] = [];
  for (const [index, letter] of [...byIndex].sort(([a], [b]) => a - b)) {
    const id = units[index]?.id;
    rejected.push({
      index,
      ...(id === undefined ? {} : { id }),
      reason: letter.reason,
      errors: letter.errors.map(errorText),
    });
  }
  return { accepted: units.length - rejected.length, rejected };
}
