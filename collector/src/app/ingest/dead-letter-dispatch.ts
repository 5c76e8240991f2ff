/**
 * Sends one batch's dead letters to the sink and logs them: in slices of at most
 * `DEAD_LETTER_SLICE` (a sink may spread what it gets into arguments), and one log line
 * per batch, not per letter — a hostile batch of 100,000 rejects must not write 100,000
 * log lines. The first few are shown; every letter is in the sink.
 */
import type { DeadLetter, DeadLetterSink } from '../../ports/dead-letter-sink.ts';
import type { Logger } from '../../shared/logger.ts';

export const DEAD_LETTER_SLICE = 10_000;

/** Dead letters named in a batch's log line (the sink keeps all of them). */
const LOGGED_LETTERS = 5;

export async function dispatchDeadLetters(
  sink: DeadLetterSink,
  letters: readonly DeadLetter[],
  logger: Logger,
): Promise<void> {
  let start = 0;
  do {
    // An empty batch still makes one (empty) send, as it always did.
    await sink.send(letters.slice(start, start + DEAD_LETTER_SLICE));
    start += DEAD_LETTER_SLICE;
  } while (start < letters.length);
  if (letters.length === 0) return;
  const reasons: Record<string, number> = {};
  for (const letter of letters) reasons[letter.reason] = (reasons[letter.reason] ?? 0) + 1;
  logger.warn(
    {
      count: letters.length,
      reasons,
      first: letters.slice(0, LOGGED_LETTERS).map((letter) => ({
        reason: letter.reason,
        topic: letter.message.topic,
        partition: letter.message.partition,
        offset: letter.message.offset,
        errors: letter.errors.slice(0, 5),
      })),
    },
    'input sent to the dead-letter sink',
  );
}
