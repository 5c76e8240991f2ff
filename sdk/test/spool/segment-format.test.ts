import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSegment, encodeRecord, RECORD_OVERHEAD } from '../../src/spool/segment-format.ts';

const record = fc.record({
  id: fc.string({ minLength: 1, maxLength: 12 }),
  // any text, including newlines, quotes, lone surrogates and non-BMP characters
  text: fc.string({ unit: 'binary', maxLength: 40 }),
  n: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
  nested: fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 })),
});

describe('segment format', () => {
  it('is one line per record: crc32 hex, a space, the JSON, a newline', () => {
    const line = encodeRecord({ id: 'e-1', data: { text: 'two\nlines' } }).toString('utf8');
    expect(line).toMatch(/^[0-9a-f]{8} \{"id":"e-1","data":\{"text":"two\\nlines"\}\}\n$/);
    expect(line.length).toBe(
      JSON.stringify({ id: 'e-1', data: { text: 'two\nlines' } }).length + RECORD_OVERHEAD,
    );
  });

  it('round-trips any JSON object', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 20 }), (records) => {
        const decoded = decodeSegment(Buffer.concat(records.map((r) => encodeRecord(r))));
        expect(decoded).toEqual({
          records: records.map((r) => JSON.parse(JSON.stringify(r))),
          corrupt: 0,
          tornBytes: 0,
        });
      }),
    );
  });

  it('a file cut at any byte yields exactly the complete records before the cut; the torn one is ignored', () => {
    fc.assert(
      fc.property(
        fc.array(record, { minLength: 1, maxLength: 12 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (records, where) => {
          const lines = records.map((r) => encodeRecord(r));
          const file = Buffer.concat(lines);
          const cut = Math.floor(where * file.length);
          let end = 0;
          let complete = 0;
          while (complete < lines.length && end + lines[complete]!.length <= cut) {
            end += lines[complete]!.length;
            complete += 1;
          }
          const decoded = decodeSegment(file.subarray(0, cut));
          expect(decoded.records).toEqual(
            records.slice(0, complete).map((r) => JSON.parse(JSON.stringify(r))),
          );
          expect(decoded.tornBytes).toBe(cut - end);
          expect(decoded.corrupt).toBe(0);
        },
      ),
    );
  });

  it('skips (and counts) a line whose checksum or JSON does not match, keeps the others', () => {
    const lines = [{ id: 'a' }, { id: 'b' }, { id: 'c' }].map((r) => encodeRecord(r));
    const flipped = Buffer.from(lines[1]!);
    flipped[12] = flipped[12]! ^ 0x01; // one bit inside the JSON of "b"
    const garbage = Buffer.from('not a record\n');
    const notObject = Buffer.from('00000000 \n');
    const decoded = decodeSegment(
      Buffer.concat([lines[0]!, flipped, garbage, notObject, lines[2]!]),
    );
    expect(decoded.records).toEqual([{ id: 'a' }, { id: 'c' }]);
    expect(decoded.corrupt).toBe(3);
    expect(decoded.tornBytes).toBe(0);
  });

  it('an empty file has no records', () => {
    expect(decodeSegment(Buffer.alloc(0))).toEqual({ records: [], corrupt: 0, tornBytes: 0 });
  });
});
