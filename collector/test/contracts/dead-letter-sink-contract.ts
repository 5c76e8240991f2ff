/**
 * The dead-letter sink contract (port `DeadLetterSink`), run against every sink:
 * `sqlite-dead-letter-sink.test.ts` (the embedded table, read back with its own `list`)
 * and `kafka-dead-letter-sink.int.test.ts` (the REAL Kafka, read back with a consumer on
 * the dead-letter topic). One sink per suite; every test sends letters from an input
 * topic of its own (`message.topic`) and reads back only those.
 *
 * What is compared is what a replay needs: the original key and value bytes, the original
 * headers (as bytes: Kafka keeps nothing else), the reason, the errors and where the input
 * came from. Each test ends with a last letter and waits for it, so anything lost or
 * doubled before it shows in the exact comparison (both sinks keep one order).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Headers } from '@flowtrail/sdk/protocol';
import {
  MAX_ERRORS_HEADER_BYTES,
  type DeadLetter,
  type DeadLetterReason,
  type DeadLetterSink,
} from '../../src/ports/dead-letter-sink.ts';
import type { IncomingMessage } from '../../src/ports/incoming-message.ts';
import { waitFor } from '../helpers/wait-for.ts';

/** Header values as bytes: a string is its UTF-8; a repeated header keeps every value. */
export type ByteHeaders = Record<string, Buffer | Buffer[]>;

/** A dead letter as the sink gives it back. */
export interface ReadBackLetter {
  origin: { topic: string; partition: number; offset: string };
  reason: string;
  errors: unknown[];
  key: Buffer | null;
  value: Buffer | null;
  /** The original headers only (not the sink's own `flowtrail-dlq-*`). */
  headers: ByteHeaders;
}

export interface DeadLetterSinkUnderTest {
  /** Ready to send. */
  sink: DeadLetterSink;
  /** Every letter the sink durably holds from input topic `origin`, oldest first, now. */
  read(origin: string): Promise<ReadBackLetter[]>;
  /** Closes the sink and deletes everything it wrote. */
  cleanup(): Promise<void>;
}

export function headerBytes(headers: Headers | Record<string, unknown>): ByteHeaders {
  const bytes = (v: unknown): Buffer => (Buffer.isBuffer(v) ? v : Buffer.from(String(v), 'utf8'));
  const out: ByteHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.map(bytes) : bytes(value);
  }
  return out;
}

/** What must come back for `letter` (errors as JSON, the form both sinks store). */
function expected({ message, reason, errors }: DeadLetter): ReadBackLetter {
  return {
    origin: { topic: message.topic, partition: message.partition, offset: message.offset },
    reason,
    errors: JSON.parse(JSON.stringify(errors)) as unknown[],
    key: message.key,
    value: message.value,
    headers: headerBytes(message.headers),
  };
}

export function describeDeadLetterSinkContract(
  name: string,
  makeSink: () => Promise<DeadLetterSinkUnderTest>,
): void {
  describe(`dead-letter sink contract: ${name}`, () => {
    let sut: DeadLetterSinkUnderTest | undefined;
    const sink = (): DeadLetterSink => {
      if (sut === undefined) throw new Error('sink not created');
      return sut.sink;
    };

    beforeAll(async () => {
      sut = await makeSink();
    });
    afterAll(async () => {
      await sut?.cleanup();
    });

    /** An input topic no other test uses, and letters from it at increasing offsets. */
    const input = () => {
      const topic = `in-${randomBytes(4).toString('hex')}`;
      let offset = 0;
      const letter = (
        reason: DeadLetterReason,
        overrides: Partial<IncomingMessage> = {},
        errors: unknown[] = [`${reason} at ${offset}`],
      ): DeadLetter => {
        offset += 1;
        return {
          message: {
            topic,
            partition: 2,
            offset: String(1000 + offset),
            key: Buffer.from(`key-${offset}`),
            value: Buffer.from(`{"broken": ${offset}`),
            headers: { 'x-origin': 'contract' },
            ...overrides,
          },
          reason,
          errors,
        };
      };
      /**
       * Sends the batches one after the other, then one last letter; waits until that one
       * is readable and returns what came before it (the last letter exactly once, last).
       */
      const sendAndReadBack = async (batches: DeadLetter[][]): Promise<ReadBackLetter[]> => {
        for (const batch of batches) await sink().send(batch);
        const last = letter('not-json', { headers: { 'x-last': 'yes' } });
        await sink().send([last]);
        const all = await waitFor(
          async () => {
            const letters = await sut!.read(topic);
            return letters.some((l) => l.origin.offset === last.message.offset) && letters;
          },
          { timeoutMs: 60_000, description: `the last dead letter of ${topic}` },
        );
        expect(all.at(-1)).toEqual(expected(last));
        return all.slice(0, -1);
      };
      return { topic, letter, sendAndReadBack };
    };

    it('accepts an empty batch and stores nothing for it', async () => {
      const { sendAndReadBack } = input();
      await sink().send([]);
      expect(await sendAndReadBack([[]])).toEqual([]);
    });

    it('keeps a batch whole and in order: original bytes, key, headers, reason, errors', async () => {
      const { letter, sendAndReadBack } = input();
      const batch = [
        letter(
          'not-json',
          {
            value: Buffer.from([0xff, 0x00, 0xfe, 0x80, 0x7b]),
            headers: {
              ce_type: 'x.y',
              raw: Buffer.from([0xc3, 0x28, 0x00]),
              multi: ['a', Buffer.from('b'), 'c'],
              'x-naïve': 'ü € 𝄞 日本',
              empty: '',
              absent: undefined,
            },
          },
          ['Unexpected token'],
        ),
        letter('schema-violation', { key: null, value: null, headers: {} }, []),
        letter('oversized', { partition: 0, offset: '0' }, ['event is 2 MB; the limit is 1 MB']),
        letter('unsupported-specversion', {}, [{ path: '/specversion', got: '0.3' }]),
        letter('storage-rejected', { key: Buffer.from([0x00, 0xff]) }, [
          { type: 'mapper_parsing_exception', reason: 'field [data.n] ü', nested: { n: 1 } },
          'second problem',
        ]),
      ];
      expect(await sendAndReadBack([batch])).toEqual(batch.map(expected));
    });

    it('keeps batches in the order they were sent, nothing lost or doubled', async () => {
      const { letter, sendAndReadBack } = input();
      const batches = [1, 7, 3].map((size) =>
        Array.from({ length: size }, () => letter('not-json')),
      );
      const back = await sendAndReadBack(batches);
      expect(back.map((l) => l.origin.offset)).toEqual(batches.flat().map((l) => l.message.offset));
      expect(back).toEqual(batches.flat().map(expected));
    });

    it('keeps odd and large values: binary, empty, unicode, 256 KiB', async () => {
      const { letter, sendAndReadBack } = input();
      const batch = [
        letter('oversized', { value: randomBytes(256 * 1024), key: randomBytes(64) }),
        letter('not-json', { value: Buffer.alloc(0) }),
        letter('not-json', {
          value: Buffer.from('{"text": "ü € 𝄞 日本 \u0000 \ud83d\ude00"', 'utf8'),
        }),
        letter('schema-violation', {}, ['ü € 𝄞 日本', { 'schlüssel ✓': ['wert', 1, null, true] }]),
      ];
      expect(await sendAndReadBack([batch])).toEqual(batch.map(expected));
    });

    it('cuts a huge error report to whole leading entries within the header cap', async () => {
      const { letter, sendAndReadBack } = input();
      const many = Array.from({ length: 2000 }, (_, i) => `problem ${i}: ü ${'x'.repeat(40)}`);
      const huge = ['y'.repeat(MAX_ERRORS_HEADER_BYTES * 2)];
      const [manyBack, hugeBack] = await sendAndReadBack([
        [letter('schema-violation', {}, many), letter('schema-violation', {}, huge)],
      ]);
      for (const [back, original] of [
        [manyBack, many],
        [hugeBack, huge],
      ] as const) {
        const errors = back?.errors ?? [];
        expect(Buffer.byteLength(JSON.stringify(errors))).toBeLessThanOrEqual(
          MAX_ERRORS_HEADER_BYTES,
        );
        const kept = errors.slice(0, -1);
        expect(kept).toEqual(original.slice(0, kept.length));
        expect(errors.at(-1)).toBe(`… ${original.length - kept.length} more`);
      }
      expect(manyBack?.errors.length).toBeGreaterThan(10);
      expect(hugeBack?.errors).toEqual(['… 1 more']);
    });
  });
}
