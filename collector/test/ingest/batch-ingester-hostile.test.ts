/**
 * BatchIngester under hostile input (issue 10), on the in-memory fakes of
 * batch-ingester.test.ts: a slice mixing valid events with deep nesting, lone surrogates,
 * invalid UTF-8, garbage and bad attributes stores every valid event, dead-letters every
 * other message with a reason, and never throws — also for 130,000 rejects at once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RejectionReason } from '@flowtrail/sdk/protocol';
import { foldInstance } from '../../src/domain/instance/fold.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { Metrics } from '../../src/shared/metrics.ts';
import { BatchIngester, DEAD_LETTER_SLICE } from '../../src/app/ingest/batch-ingester.ts';
import type { DeadLetter } from '../../src/ports/dead-letter-sink.ts';
import type { IncomingMessage } from '../../src/ports/incoming-message.ts';
import { MemoryWriter } from './memory-writer.ts';

function message(offset: number, value: Buffer, headers: IncomingMessage['headers'] = {}) {
  return { topic: 'in', partition: 0, offset: String(offset), key: null, value, headers };
}

function validEvent(id: string, instance: string, text: string): Record<string, unknown> {
  return {
    specversion: '1.0',
    id,
    source: 'shop',
    type: 'flowtrail.process.started',
    time: '2026-05-01T10:00:00Z',
    ftprocess: 'order',
    ftinstance: instance,
    data: { attributes: { note: text } },
  };
}

const base = validEvent('h', 'i-h', 'x');
const baseText = JSON.stringify(base);
const binaryHeaders = {
  ce_specversion: '1.0',
  ce_id: 'bin',
  ce_source: 'shop',
  ce_type: 'flowtrail.process.started',
  ce_time: '2026-05-01T10:00:00Z',
  ce_ftprocess: 'order',
  ce_ftinstance: 'i-b',
};

interface Hostile {
  value: Buffer;
  headers?: IncomingMessage['headers'];
  reason: RejectionReason;
}

const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;

const hostile: fc.Arbitrary<Hostile> = fc.oneof(
  fc.integer({ min: 63, max: 10_000 }).map((n) => ({
    value: Buffer.from(`${baseText.slice(0, -1)},"data":{"x":${deep(n)}}}`),
    reason: 'too-deep' as const,
  })),
  fc.integer({ min: 64, max: 10_000 }).map((n) => ({
    value: Buffer.from(deep(n)),
    headers: binaryHeaders,
    reason: 'too-deep' as const,
  })),
  fc.constantFrom('ftinstance', 'source', 'ftprocess').map((field) => ({
    value: Buffer.from(JSON.stringify({ ...base, [field]: '\ud800' })),
    reason: 'invalid-unicode' as const,
  })),
  fc.constantFrom([0xff], [0xed, 0xa0, 0x80]).map((bad) => ({
    value: Buffer.concat([
      Buffer.from(baseText.slice(0, -3)),
      Buffer.from(bad),
      Buffer.from('"}}'),
    ]),
    reason: 'invalid-unicode' as const,
  })),
  // Garbage that is UTF-8 (other bytes are invalid-unicode, above) but never JSON.
  fc.string({ unit: 'binary', maxLength: 40 }).map((text) => ({
    value: Buffer.from(`x${text}`),
    reason: 'not-json' as const,
  })),
  fc.constantFrom('Ext-Upper', 'ext space', '', '__proto__').map((name) => ({
    value: Buffer.from(`${baseText.slice(0, -1)},${JSON.stringify(name)}:"v"}`),
    reason: 'schema-violation' as const,
  })),
  fc.constantFrom('2026-02-30T00:00:00Z', '2026-01-01T24:00:00Z').map((time) => ({
    value: Buffer.from(JSON.stringify({ ...base, time })),
    reason: 'schema-violation' as const,
  })),
);

function setup() {
  const writer = new MemoryWriter();
  const letters: DeadLetter[] = [];
  const sends: number[] = [];
  const processor = new BatchIngester({
    writer,
    deadLetters: {
      send: async (batch) => {
        sends.push(batch.length);
        // Spreads like app/ingest/event-ingest.ts does, to prove the slices keep it safe.
        letters.push(...batch);
      },
    },
    fold: foldInstance,
    maxEventBytes: 1024 * 1024,
    metrics: new Metrics(),
    logger: createLogger('silent'),
  });
  return { writer, letters, sends, processor };
}

describe('BatchIngester under hostile input', () => {
  it('stores every valid event and dead-letters every hostile one with its reason', async () => {
    const item = fc.oneof(
      fc.record({
        kind: fc.constant('valid' as const),
        instance: fc.constantFrom('i-1', 'i-2', 'ü/ß 😀'),
        text: fc.string({ unit: 'binary', maxLength: 8 }),
      }),
      hostile.map((h) => ({ kind: 'hostile' as const, ...h })),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(item, { maxLength: 25 }), async (items) => {
        const { writer, letters, processor } = setup();
        const messages = items.map((it, i) =>
          it.kind === 'valid'
            ? message(i, Buffer.from(JSON.stringify(validEvent(`v${i}`, it.instance, it.text))))
            : message(i, it.value, it.headers),
        );
        const outcome = await processor.process(messages);
        const validIds = items.flatMap((it, i) => (it.kind === 'valid' ? [`v${i}`] : []));
        expect(writer.ids().sort()).toEqual([...validIds].sort());
        const expected = items.flatMap((it, i) =>
          it.kind === 'hostile' ? [{ offset: String(i), reason: it.reason }] : [],
        );
        expect(letters.map((l) => ({ offset: l.message.offset, reason: l.reason }))).toEqual(
          expected,
        );
        for (const letter of letters) expect(letter.errors.length).toBeGreaterThan(0);
        expect(outcome).toMatchObject({ indexed: validIds.length, deadLettered: expected.length });
      }),
      { numRuns: 60 },
    );
  });

  it('a lone surrogate in one event does not fail the others of its batch', async () => {
    const { writer, letters, processor } = setup();
    await processor.process([
      message(0, Buffer.from(JSON.stringify(validEvent('a', 'i-1', 'ok')))),
      message(1, Buffer.from(JSON.stringify(validEvent('b', '\ud800', 'bad')))),
      message(2, Buffer.from(JSON.stringify(validEvent('c', 'i-2', 'ok')))),
    ]);
    expect(writer.ids()).toEqual(['a', 'c']);
    expect(letters.map((l) => l.reason)).toEqual(['invalid-unicode']);
    expect([...writer.states.keys()].sort()).toEqual(['shop/order/i-1', 'shop/order/i-2']);
  });

  it('dead-letters 130,000 rejects of one batch in slices, without a RangeError', async () => {
    const { writer, letters, sends, processor } = setup();
    const messages = Array.from({ length: 130_000 }, (_, i) => message(i, Buffer.from('{')));
    messages.push(message(130_000, Buffer.from(JSON.stringify(validEvent('ok', 'i-1', 'x')))));
    const outcome = await processor.process(messages);
    expect(outcome).toEqual({ indexed: 1, deadLettered: 130_000, statesWritten: 1 });
    expect(letters).toHaveLength(130_000);
    expect(Math.max(...sends)).toBeLessThanOrEqual(DEAD_LETTER_SLICE);
    expect(writer.ids().includes('ok')).toBe(true);
  });

  it('still makes one empty send for a batch without rejects', async () => {
    const { sends, processor } = setup();
    await processor.process([message(0, Buffer.from(JSON.stringify(validEvent('a', 'i', 'x'))))]);
    expect(sends).toEqual([0]);
  });
});
