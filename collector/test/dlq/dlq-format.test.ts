/** What `flowtrail dlq` prints: previews of arbitrary bytes, the table, the JSON page. */
import { describe, expect, it } from 'vitest';
import {
  firstError,
  formatColumns,
  formatPage,
  formatReplayReport,
  letterJson,
  previewBytes,
} from '../../src/tools/dlq/dlq-format.ts';
import type { StoredDeadLetter } from '../../src/adapters/sqlite/sqlite-dead-letter-store.ts';

const letter = (
  id: number,
  value: Buffer | null,
  errors: unknown[] = ['bad'],
): StoredDeadLetter => ({
  id,
  receivedAt: '2026-11-22T09:15:02.123Z',
  reason: 'schema-violation',
  errors,
  message: { topic: 'orders', partition: 2, offset: '17', key: null, value, headers: {} },
});

describe('previewBytes', () => {
  it('keeps short text, folds whitespace, marks controls and invalid UTF-8', () => {
    expect(previewBytes(Buffer.from('{"a": 1}'))).toBe('{"a": 1}');
    expect(previewBytes(Buffer.from('a\n\t  b\r\nc'))).toBe('a b c');
    expect(previewBytes(Buffer.from([0x61, 0x00, 0x1b, 0xff, 0xfe, 0x62]))).toBe('a....b');
    expect(previewBytes(Buffer.from('grüße ✓'))).toBe('grüße ✓');
    expect(previewBytes(null)).toBe('(no value)');
    expect(previewBytes(Buffer.alloc(0))).toBe('(empty)');
  });

  it('cuts to the given number of characters with a mark, also for huge values', () => {
    expect(previewBytes(Buffer.from('x'.repeat(41)), 40)).toBe(`${'x'.repeat(39)}…`);
    expect(previewBytes(Buffer.from('x'.repeat(40)), 40)).toBe('x'.repeat(40));
    expect(previewBytes(Buffer.from(' '.repeat(10_000) + 'tail'), 10)).toBe('…');
    expect([...previewBytes(Buffer.from('é'.repeat(5000)))]).toHaveLength(40);
  });
});

describe('table and JSON', () => {
  it('first error: strings as they are, objects as JSON, on one line, cut', () => {
    expect(firstError([])).toBe('-');
    expect(firstError(['a\nb', 'c'])).toBe('a b');
    expect(firstError(['token \ufffd in "\u0000 A"'])).toBe('token . in ". A"');
    expect(firstError([{ type: 'mapper_parsing_exception' }])).toBe(
      '{"type":"mapper_parsing_exception"}',
    );
    expect(firstError(['y'.repeat(100)], 10)).toBe(`${'y'.repeat(9)}…`);
  });

  it('aligns columns', () => {
    expect(
      formatColumns([
        ['ID', 'X', 'LAST'],
        ['100', 'long value', 'z'],
      ]),
    ).toBe('ID   X           LAST\n100  long value  z');
  });

  it('formats a page with origin, size and the total', () => {
    const text = formatPage({ total: 3, letters: [letter(5, Buffer.from('{}'))] }, 1, '/d');
    expect(text.split('\n')).toEqual([
      'ID  RECEIVED AT           REASON            FIRST ERROR  ORIGIN        SIZE  PREVIEW',
      '5   2026-11-22T09:15:02Z  schema-violation  bad          orders[2]@17  2 B   {}',
      '',
      '2–2 of 3 dead letter(s) in /d',
      'next page: --from 2',
    ]);
    expect(formatPage({ total: 0, letters: [] }, 0, '/d')).toBe('no dead letters in /d');
    expect(formatPage({ total: 2, letters: [] }, 5, '/d')).toBe(
      'no dead letters from --from 5 (2 in total)',
    );
  });

  it('JSON keeps every byte: base64 always, utf8 when the bytes are UTF-8', () => {
    const l = letter(1, Buffer.from([0xff, 0x41]));
    l.message.key = Buffer.from('k');
    l.message.headers = {
      ce_id: 'e-1',
      raw: Buffer.from([0xc3, 0x28]),
      many: ['a', Buffer.from('b')],
      gone: undefined,
    };
    expect(letterJson(l)).toEqual({
      id: 1,
      receivedAt: '2026-11-22T09:15:02.123Z',
      reason: 'schema-violation',
      errors: ['bad'],
      message: {
        topic: 'orders',
        partition: 2,
        offset: '17',
        key: { base64: 'aw==', utf8: 'k' },
        value: { base64: '/0E=' },
        headers: {
          ce_id: 'e-1',
          raw: { base64: 'wyg=' },
          many: ['a', { base64: 'Yg==', utf8: 'b' }],
        },
      },
    });
  });

  it('summarises a replay', () => {
    expect(
      formatReplayReport({
        replayed: 3,
        accepted: [1, 2],
        stillRejected: [{ id: 3, reason: 'not-json', errors: ['Unexpected token'] }],
        missing: [9],
      }).split('\n'),
    ).toEqual([
      'replayed 3: 2 accepted (deleted from the table), 1 still rejected (kept unchanged)',
      '',
      'ID  REASON    FIRST ERROR',
      '3   not-json  Unexpected token',
      '',
      'not found: 9',
    ]);
  });
});
