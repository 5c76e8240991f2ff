/**
 * A large batch body cut into units piece by piece, with turns of the event loop in
 * between (ingest-route.ts), instead of one `JSON.parse` of the whole body followed by
 * the re-serialization of every element: for a body near the 16 MiB limit those two hold
 * the loop ≈ 80 ms on an idle 2-core machine and 300 ms and more while other work keeps
 * its cores busy — several sub-batches' worth (app/ingest/event-ingest.ts). Pieced, the
 * longest step is a piece (`PIECE_BYTES`), ≈ a sub-batch or less.
 *
 * 1. `splitArray` finds the byte ranges of the array's top-level elements by scanning its
 *    bytes (strings skipped with `indexOf`, nesting counted), `SCAN_SLICE_BYTES` per turn.
 *    JSON's structure is ASCII and UTF-8 never uses ASCII bytes inside a multi-byte
 *    sequence (valid or not), so element boundaries found on bytes are the boundaries of
 *    the decoded text.
 * 2. The elements, `PIECE_BYTES` at a time, are re-assembled (their bytes unchanged) into
 *    a small array body and handed to `parseIngestRequest` — the one place that cuts a
 *    batch into units — whose units then get their offsets in the whole request back.
 * The result equals `parseIngestRequest` of the whole body: any body the scan or a piece
 * does not take as a well-formed array of at most `maxEvents` elements (not JSON, not an
 * array, over the cap, an element nested too deeply) is parsed whole by
 * `parseIngestRequest` instead, so every refusal is its answer, word for word.
 */
import type { IngestUnit } from '../../app/ingest/ingest-outcome.ts';
import { parseIngestRequest, type ParseResult, type RequestHeaders } from './ingest-request.ts';

/** Bodies up to this size are parsed in one piece (≈ 10 ms). */
export const PIECEWISE_MIN_BYTES = 1024 * 1024;
/** Bytes scanned per turn of the event loop (≈ 3 ms idle, 5–10 ms on busy cores). */
const SCAN_SLICE_BYTES = 2 * 1024 * 1024;
/** Element bytes parsed and re-serialized per turn (≈ 5 ms idle, 10–20 ms on busy cores). */
const PIECE_BYTES = 512 * 1024;

const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const COMMA = 0x2c;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const [OPEN, SEPARATOR, CLOSE] = ['[', ',', ']'].map((text) => Buffer.from(text)) as [
  Buffer,
  Buffer,
  Buffer,
];

export interface ElementRange {
  start: number;
  end: number;
}

function isSpace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function skipSpace(body: Buffer, from: number): number {
  let i = from;
  while (isSpace(body[i])) i += 1;
  return i;
}

/** The index after the closing quote of the string opening at `open`; -1 if unclosed. */
function stringEnd(body: Buffer, open: number): number {
  let from = open + 1;
  for (;;) {
    const quote = body.indexOf(QUOTE, from);
    if (quote < 0) return -1;
    let backslashes = 0;
    while (body[quote - 1 - backslashes] === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

/**
 * The byte ranges of the top-level elements of the JSON array `body` (without the
 * whitespace around them), or undefined when its bytes are not an array with plausible
 * elements: a caller parses such a body whole. The elements themselves are not
 * validated — each must still parse as JSON. `turn` is awaited every `sliceBytes`.
 */
export async function splitArray(
  body: Buffer,
  turn: () => Promise<void>,
  sliceBytes = SCAN_SLICE_BYTES,
): Promise<ElementRange[] | undefined> {
  let i = skipSpace(body, 0);
  if (body[i] !== OPEN_ARRAY) return undefined;
  i = skipSpace(body, i + 1);
  const ranges: ElementRange[] = [];
  const closed = (after: number) => (skipSpace(body, after) === body.length ? ranges : undefined);
  if (body[i] === CLOSE_ARRAY) return closed(i + 1);
  let start = i;
  let end = i; // after the element's last non-space byte so far
  let depth = 0;
  let nextTurn = i + sliceBytes;
  while (i < body.length) {
    if (i >= nextTurn) {
      await turn();
      nextTurn = i + sliceBytes;
    }
    const byte = body[i] as number;
    if (byte === QUOTE) {
      i = stringEnd(body, i);
      if (i < 0) return undefined;
      end = i;
      continue;
    }
    if (depth === 0 && (byte === COMMA || byte === CLOSE_ARRAY)) {
      if (end <= start) return undefined; // an empty element: `[1,,2]`, `[1,]`
      ranges.push({ start, end });
      if (byte === CLOSE_ARRAY) return closed(i + 1);
      i = skipSpace(body, i + 1);
      start = i;
      end = i;
      continue;
    }
    if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) depth += 1;
    else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) depth -= 1;
    if (depth < 0) return undefined;
    i += 1;
    if (!isSpace(byte)) end = i;
  }
  return undefined; // the array is not closed
}

/** `units` of a piece whose first element is element `base` of the request. */
function rebased(units: readonly IngestUnit[], base: number): IngestUnit[] {
  return units.map((unit, k) => ({
    ...unit,
    message: { ...unit.message, offset: String(base + k) },
  }));
}

/** The sizes of `parseBatchInPieces` (tests make them small). */
export interface PieceSizes {
  /** Smaller bodies are parsed in one piece. */
  minBytes: number;
  /** Bytes scanned per turn. */
  sliceBytes: number;
  /** Element bytes parsed per turn (at least one element). */
  pieceBytes: number;
}

const SIZES: PieceSizes = {
  minBytes: PIECEWISE_MIN_BYTES,
  sliceBytes: SCAN_SLICE_BYTES,
  pieceBytes: PIECE_BYTES,
};

/**
 * `parseIngestRequest('batch', body, …)`, with `turn` awaited between its steps (see the
 * file comment). For bodies of at least `PIECEWISE_MIN_BYTES`; smaller ones in one piece.
 */
export async function parseBatchInPieces(
  body: Buffer,
  headers: RequestHeaders,
  maxEventBytes: number,
  maxEvents: number,
  turn: () => Promise<void>,
  sizes: PieceSizes = SIZES,
): Promise<ParseResult> {
  const whole = () => parseIngestRequest('batch', body, headers, maxEventBytes, maxEvents);
  if (body.length < sizes.minBytes) return whole();
  const ranges = await splitArray(body, turn, sizes.sliceBytes);
  if (ranges === undefined || ranges.length > maxEvents) return whole();
  const units: IngestUnit[] = [];
  for (let first = 0; first < ranges.length;) {
    await turn();
    const parts: Buffer[] = [OPEN];
    let bytes = 0;
    let next = first;
    while (next < ranges.length && (next === first || bytes < sizes.pieceBytes)) {
      const { start, end } = ranges[next] as ElementRange;
      if (next > first) parts.push(SEPARATOR);
      parts.push(body.subarray(start, end));
      bytes += end - start;
      next += 1;
    }
    parts.push(CLOSE);
    const piece = Buffer.concat(parts);
    const parsed = parseIngestRequest('batch', piece, headers, maxEventBytes, maxEvents);
    if (!parsed.ok || parsed.units.length !== next - first) return whole();
    for (const unit of rebased(parsed.units, first)) units.push(unit);
    first = next;
  }
  return { ok: true, units };
}
