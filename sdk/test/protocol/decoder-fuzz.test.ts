/**
 * Fuzz tests of the decoder (codec.ts, integrity.ts, validate.ts) in every mode — Kafka
 * structured and binary, HTTP single and binary, and batch elements as the HTTP ingest
 * cuts them (collector/src/adapters/http/ingest-request.ts: one structured value each):
 * it never throws, every input is a valid event or a rejection with a known reason, and
 * valid events mixed among hostile ones come out unchanged.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeHttpSingle,
  decodeKafkaMessage,
  encodeKafkaBinary,
  encodeStructured,
  isWellFormedText,
  validateEvent,
  type DecodeResult,
  type FlowtrailEvent,
  type Headers,
} from '../../src/protocol/index.ts';
import { BASE, hostile, nestedText, oddText, REASONS, validEvent } from './hostile-inputs.ts';

const limit = { maxBytes: 1024 * 1024 };

/** What every decoder answer must look like, whatever the input. */
function expectWellFormed(result: DecodeResult): void {
  if (result.ok) {
    expect(validateEvent(result.event).ok).toBe(true);
    return;
  }
  expect(REASONS).toContain(result.reason);
  expect(result.errors.length).toBeGreaterThan(0);
  for (const error of result.errors) {
    expect(typeof error).toBe('string');
    // The errors travel in a DLQ header: they must survive UTF-8 encoding unchanged.
    expect(isWellFormedText(error)).toBe(true);
  }
}

/** What a valid event is after a trip through JSON (the decoder's input). */
function asJson(event: FlowtrailEvent): unknown {
  return JSON.parse(JSON.stringify(event));
}

function binaryOf(event: FlowtrailEvent, prefix: string): { headers: Headers; value: Buffer } {
  const { headers, value } = encodeKafkaBinary(event);
  const renamed: Headers = {};
  for (const [name, text] of Object.entries(headers)) {
    renamed[name.replace(/^ce_/, prefix)] = Buffer.from(text);
  }
  return { headers: renamed, value };
}

const anyHeaderValue = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 10 }),
  fc.uint8Array({ maxLength: 10 }).map((bytes) => Buffer.from(bytes)),
  fc.constantFrom('\uD800', '%E0%A4', '%', '1.0'),
  fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }),
);

const randomHeaders = fc.dictionary(
  fc.oneof(
    fc.string({ maxLength: 12 }).map((name) => `ce_${name}`),
    fc.constantFrom('ce___proto__', 'ce_Ext-Upper', 'ce_', 'content-type', 'ce_data', 'x-other'),
  ),
  anyHeaderValue,
  { maxKeys: 8 },
);

describe('decoder fuzz: never throws, always a reason', () => {
  it('random bytes, structured and binary, Kafka and HTTP', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), randomHeaders, (bytes, headers) => {
        const value = Buffer.from(bytes);
        expectWellFormed(decodeKafkaMessage(value, {}, limit));
        expectWellFormed(decodeKafkaMessage(value, { ...headers, ce_specversion: '1.0' }, limit));
        expectWellFormed(decodeKafkaMessage(value, headers, limit));
        expectWellFormed(decodeHttpSingle(value, {}, limit));
        const httpHeaders = Object.fromEntries(
          Object.entries(headers).map(([name, v]) => [name.replace(/^ce_/, 'ce-'), v]),
        );
        expectWellFormed(
          decodeHttpSingle(value, { ...httpHeaders, 'ce-specversion': '1.0' }, limit),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('random JSON values of any shape, as the event and as binary-mode data', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        const bytes = Buffer.from(JSON.stringify(value));
        expectWellFormed(decodeKafkaMessage(bytes, {}, limit));
        expectWellFormed(
          decodeKafkaMessage(bytes, binaryOf(BASE as FlowtrailEvent, 'ce_').headers, limit),
        );
      }),
    );
  });

  it('hostile inputs are rejected with their reason in every mode', () => {
    fc.assert(
      fc.property(hostile, ({ bytes, reason }) => {
        for (const result of [
          decodeKafkaMessage(bytes, {}, limit),
          decodeHttpSingle(bytes, { 'content-type': 'application/cloudevents+json' }, limit),
        ]) {
          expectWellFormed(result);
          expect(result).toMatchObject({ ok: false, reason });
        }
      }),
    );
  });

  it('deep nesting in binary-mode data is too-deep, not a stack overflow', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 64, max: 50_000 }),
        fc.constantFrom('array' as const, 'object' as const),
        (depth, kind) => {
          const { headers } = binaryOf(BASE as FlowtrailEvent, 'ce_');
          const value = Buffer.from(nestedText(depth, kind));
          const result = decodeKafkaMessage(value, headers, limit);
          expect(result).toMatchObject({ ok: false, reason: 'too-deep' });
        },
      ),
      { numRuns: 30 },
    );
  });

  it('a lone surrogate in any binary-mode attribute is invalid-unicode', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('ce_ftinstance', 'ce_source', 'ce_ftprocess', 'ce_id', 'ce_myext'),
        fc.constantFrom('\uD800', 'a\uDFFF'),
        (name, value) => {
          const { headers } = binaryOf(BASE as FlowtrailEvent, 'ce_');
          const result = decodeKafkaMessage(
            Buffer.from('{}'),
            { ...headers, [name]: value },
            limit,
          );
          expect(result).toMatchObject({ ok: false, reason: 'invalid-unicode' });
        },
      ),
    );
  });

  it('huge arrays and many keys decode (valid) or reject, without a RangeError', () => {
    const items = Array.from({ length: 150_000 }, (_, i) => i);
    const wide = Object.fromEntries(items.slice(0, 60_000).map((i) => [`k${i}`, i]));
    const valid = { ...BASE, data: { attributes: { items, wide } } };
    const limit = { maxBytes: 8 * 1024 * 1024 };
    expect(decodeKafkaMessage(Buffer.from(JSON.stringify(valid)), {}, limit)).toMatchObject({
      ok: true,
    });
    // 60,000 schema errors (businessKeys must be strings) are reported as at most 100.
    const bad = { ...BASE, data: { businessKeys: wide } };
    const result = decodeKafkaMessage(Buffer.from(JSON.stringify(bad)), {}, limit);
    expect(result).toMatchObject({ ok: false, reason: 'schema-violation' });
    if (!result.ok) expect(result.errors.length).toBeLessThanOrEqual(100);
  });
});

describe('decoder fuzz: nothing valid is lost', () => {
  it('valid events with odd Unicode decode unchanged (structured, Kafka and HTTP)', () => {
    fc.assert(
      fc.property(validEvent(), (event) => {
        const bytes = encodeStructured(event);
        expect(decodeKafkaMessage(bytes, {}, limit)).toEqual({ ok: true, event: asJson(event) });
        expect(decodeHttpSingle(bytes, {}, limit)).toEqual({ ok: true, event: asJson(event) });
      }),
    );
  });

  it('valid events decode unchanged in Kafka binary mode', () => {
    fc.assert(
      fc.property(validEvent(true), (event) => {
        const { headers, value } = binaryOf(event, 'ce_');
        const expected = { ...(asJson(event) as object), datacontenttype: 'application/json' };
        expect(decodeKafkaMessage(value, headers, limit)).toEqual({ ok: true, event: expected });
      }),
    );
  });

  it('a batch mixing valid and hostile elements keeps every valid one, in order', () => {
    const element = fc.oneof(
      validEvent().map((event) => ({ event, bytes: encodeStructured(event) })),
      hostile.map((h) => ({ event: undefined, bytes: h.bytes, reason: h.reason })),
    );
    fc.assert(
      fc.property(fc.array(element, { maxLength: 20 }), (batch) => {
        const results = batch.map((e) => decodeKafkaMessage(e.bytes, {}, limit));
        results.forEach(expectWellFormed);
        const decoded = results.flatMap((r) => (r.ok ? [r.event] : []));
        const expected = batch.flatMap((e) => (e.event === undefined ? [] : [asJson(e.event)]));
        expect(decoded).toEqual(expected);
      }),
    );
  });

  it('odd but well-formed Unicode in instance attributes is accepted', () => {
    fc.assert(
      fc.property(oddText, (text) => {
        const event = { ...BASE, source: text, ftprocess: text, ftinstance: text };
        const result = decodeKafkaMessage(Buffer.from(JSON.stringify(event)), {}, limit);
        expect(result.ok).toBe(true);
      }),
    );
  });
});
