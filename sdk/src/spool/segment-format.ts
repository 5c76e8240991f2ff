/**
 * The spool's segment file format (v1): one record per line, newline-terminated,
 *
 *     <crc32 of the JSON's UTF-8 bytes, 8 lower-case hex digits> <JSON of one event>\n
 *
 * e.g. `5d1a0c3e {"specversion":"1.0","id":"…",…}`. `JSON.stringify` never writes a raw
 * newline, so a line is exactly one record; a segment is readable with `cut -c10- | jq`.
 *
 * Reading tolerates what a crash leaves: bytes after the last newline (a torn last
 * record) are ignored, and a line whose checksum or JSON does not match is skipped and
 * counted (`corrupt`), never delivered. Records are only ever appended, so everything
 * before a torn tail is intact.
 */
import { crc32 } from 'node:zlib';

const NEWLINE = 0x0a;
const SPACE = 0x20;
/** Bytes a record adds to its JSON: 8 hex digits, a space, a newline. */
export const RECORD_OVERHEAD = 10;

/** One record, ready to append. */
export function encodeRecord(value: unknown): Buffer {
  const json = Buffer.from(JSON.stringify(value), 'utf8');
  const line = Buffer.allocUnsafe(json.length + RECORD_OVERHEAD);
  line.write(crc32(json).toString(16).padStart(8, '0'), 0, 'latin1');
  line[8] = SPACE;
  json.copy(line, 9);
  line[line.length - 1] = NEWLINE;
  return line;
}

export interface DecodedSegment<T> {
  /** The intact records, in file order. */
  records: T[];
  /** Complete lines skipped because their checksum or JSON did not match. */
  corrupt: number;
  /** Bytes after the last newline: a record torn by a crash (ignored). */
  tornBytes: number;
}

/** Decodes a whole segment file; never throws. */
export function decodeSegment<T = unknown>(buf: Buffer): DecodedSegment<T> {
  const records: T[] = [];
  let corrupt = 0;
  let start = 0;
  for (;;) {
    const end = buf.indexOf(NEWLINE, start);
    if (end < 0) break;
    const record = decodeLine<T>(buf, start, end);
    if (record === undefined) corrupt += 1;
    else records.push(record);
    start = end + 1;
  }
  return { records, corrupt, tornBytes: buf.length - start };
}

function decodeLine<T>(buf: Buffer, start: number, end: number): T | undefined {
  if (end - start < RECORD_OVERHEAD || buf[start + 8] !== SPACE) return undefined;
  const hex = buf.toString('latin1', start, start + 8);
  if (!/^[0-9a-f]{8}$/.test(hex)) return undefined;
  const json = buf.subarray(start + 9, end);
  if (crc32(json) !== Number.parseInt(hex, 16)) return undefined;
  try {
    const value: unknown = JSON.parse(json.toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as T) : undefined;
  } catch {
    return undefined;
  }
}
