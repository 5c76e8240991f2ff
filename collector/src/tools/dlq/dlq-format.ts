/**
 * What `flowtrail dlq` prints (pure): the table of a page of dead letters, the JSON form
 * of a page (bytes as base64, plus the UTF-8 text when the bytes are valid UTF-8), and
 * the summary of a replay.
 */
import type { HeaderValue, Headers } from '@flowtrail/sdk/protocol';
import type { IncomingMessage } from '../../ports/incoming-message.ts';
import type {
  DeadLetterPage,
  StoredDeadLetter,
} from '../../adapters/sqlite/sqlite-dead-letter-store.ts';
import type { ReplayReport } from './dlq-replay.ts';

export const PREVIEW_CHARS = 40;
export const ERROR_CHARS = 48;

/** Cuts `text` to `max` characters, marking a cut with `…`. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * A one-line, printable preview of the original bytes: whitespace runs become one space,
 * control characters and invalid UTF-8 become `.`, cut to `max` characters.
 */
export function previewBytes(value: Buffer | null, max = PREVIEW_CHARS): string {
  if (value === null) return '(no value)';
  if (value.length === 0) return '(empty)';
  // at most 4 bytes per character: decoding more could not change the preview
  const slice = value.subarray(0, max * 4);
  const chars = printable(slice.toString('utf8'));
  const cut = slice.length < value.length;
  return cut ? `${[...chars].slice(0, max - 1).join('')}…` : truncate(chars, max);
}

/** One line: whitespace runs become one space, other unprintable characters `.`. */
export function printable(text: string): string {
  return [...text.replace(/\s+/g, ' ')]
    .map((c) => (isPrintable(c) ? c : '.'))
    .join('')
    .trim();
}

/** False for C0/C1 controls, DEL and U+FFFD (what invalid UTF-8 decodes to). */
function isPrintable(char: string): boolean {
  const cp = char.codePointAt(0) ?? 0;
  return cp >= 0x20 && !(cp >= 0x7f && cp <= 0x9f) && cp !== 0xfffd;
}

/** The first problem of a letter, on one line. */
export function firstError(errors: readonly unknown[], max = ERROR_CHARS): string {
  if (errors.length === 0) return '-';
  const [error] = errors;
  const text = typeof error === 'string' ? error : JSON.stringify(error);
  return truncate(printable(text), max);
}

/** Where the input was read: `topic[partition]@offset` (HTTP: `http[0]@<index>`). */
export function originOf(message: IncomingMessage): string {
  return `${message.topic}[${message.partition}]@${message.offset}`;
}

function bytesLabel(value: Buffer | null): string {
  return value === null ? '-' : `${value.length} B`;
}

/** Rows padded to aligned columns; the last column is not padded. */
export function formatColumns(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) =>
          i === row.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - [...cell].length),
        )
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function receivedAtLabel(iso: string): string {
  return iso.replace(/\.\d{3}Z$/, 'Z');
}

export function formatLetterTable(letters: readonly StoredDeadLetter[]): string {
  const header = ['ID', 'RECEIVED AT', 'REASON', 'FIRST ERROR', 'ORIGIN', 'SIZE', 'PREVIEW'];
  const rows = letters.map((letter) => [
    String(letter.id),
    receivedAtLabel(letter.receivedAt),
    letter.reason,
    firstError(letter.errors),
    originOf(letter.message),
    bytesLabel(letter.message.value),
    previewBytes(letter.message.value),
  ]);
  return formatColumns([header, ...rows]);
}

/** The table of a page plus the total and how to get the next page. */
export function formatPage(page: DeadLetterPage, from: number, dataDir: string): string {
  if (page.total === 0) return `no dead letters in ${dataDir}`;
  if (page.letters.length === 0) {
    return `no dead letters from --from ${from} (${page.total} in total)`;
  }
  const last = from + page.letters.length;
  const lines = [
    formatLetterTable(page.letters),
    '',
    `${from + 1}–${last} of ${page.total} dead letter(s) in ${dataDir}`,
  ];
  if (last < page.total) lines.push(`next page: --from ${last}`);
  return lines.join('\n');
}

export type BytesJson = { base64: string; utf8?: string };
type HeaderJson = string | BytesJson;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function bytesJson(bytes: Buffer): BytesJson {
  const json: BytesJson = { base64: bytes.toString('base64') };
  try {
    json.utf8 = strictUtf8.decode(bytes);
  } catch {
    // not UTF-8: base64 only
  }
  return json;
}

function headerJson(value: Exclude<HeaderValue, undefined>): HeaderJson | HeaderJson[] {
  const one = (v: Buffer | string): HeaderJson => (typeof v === 'string' ? v : bytesJson(v));
  return Array.isArray(value) ? value.map(one) : one(value);
}

function headersJson(headers: Headers): Record<string, HeaderJson | HeaderJson[]> {
  const out: Record<string, HeaderJson | HeaderJson[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = headerJson(value);
  }
  return out;
}

/** A stored letter as JSON: the same shape, Buffers as `{ base64, utf8? }`. */
export function letterJson(letter: StoredDeadLetter): Record<string, unknown> {
  const { message } = letter;
  return {
    id: letter.id,
    receivedAt: letter.receivedAt,
    reason: letter.reason,
    errors: letter.errors,
    message: {
      topic: message.topic,
      partition: message.partition,
      offset: message.offset,
      key: message.key === null ? null : bytesJson(message.key),
      value: message.value === null ? null : bytesJson(message.value),
      headers: headersJson(message.headers),
    },
  };
}

export function pageJson(page: DeadLetterPage, from: number, size: number): string {
  return JSON.stringify(
    { total: page.total, from, size, letters: page.letters.map(letterJson) },
    null,
    2,
  );
}

export function formatReplayReport(report: ReplayReport): string {
  const lines = [
    `replayed ${report.replayed}: ${report.accepted.length} accepted (deleted from the table), ` +
      `${report.stillRejected.length} still rejected (kept unchanged)`,
  ];
  if (report.stillRejected.length > 0) {
    lines.push(
      '',
      formatColumns([
        ['ID', 'REASON', 'FIRST ERROR'],
        ...report.stillRejected.map((r) => [String(r.id), r.reason, firstError(r.errors, 100)]),
      ]),
    );
  }
  if (report.missing.length > 0) lines.push('', `not found: ${report.missing.join(', ')}`);
  return lines.join('\n');
}
