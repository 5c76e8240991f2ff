/**
 * fast-check arbitraries for the decoder's fuzz tests (decoder-fuzz.test.ts): valid events
 * (odd but well-formed Unicode included) and hostile inputs that must be rejected — deep
 * nesting, lone surrogates, invalid UTF-8, bad attribute names, impossible dates, wrong
 * types, `__proto__` keys — each with the reason the decoder must give.
 */
import fc from 'fast-check';
import type { FlowtrailEvent, RejectionReason } from '../../src/protocol/index.ts';

export const REASONS: readonly RejectionReason[] = [
  'oversized',
  'not-json',
  'too-deep',
  'invalid-unicode',
  'unsupported-specversion',
  'schema-violation',
];

const ENVELOPE = new Set([
  'specversion',
  'id',
  'source',
  'type',
  'time',
  'datacontenttype',
  'dataschema',
  'subject',
  'ftprocess',
  'ftinstance',
  'ftstep',
  'ftowner',
  'ftcausation',
  'traceparent',
  'tracestate',
  'data',
]);

/** Any well-formed text, astral planes, controls, BOM and combining marks included. */
export const oddText = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
  fc.constantFrom('\uFEFFbom', 'a\u0000b', 'e\u0301', '😀🇩🇪', '\u202Eevil', 'ż%41', '\uFFFD'),
);

const time = fc
  .date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2999-12-31T23:59:59Z') })
  .filter((date) => !Number.isNaN(date.getTime()))
  .map((date) => date.toISOString());

const extensionName = fc.stringMatching(/^[a-z0-9]{1,12}$/).filter((name) => !ENVELOPE.has(name));

const jsonLeaf = fc.oneof(oddText, fc.integer(), fc.boolean(), fc.constant(null));
const attributes = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 4 }), {
  maxKeys: 4,
});

/**
 * A valid event. `binarySafe` keeps every attribute a string without `%`, what Kafka's
 * binary mode can carry unchanged (its values are strings and percent-decoded).
 */
export function validEvent(binarySafe = false): fc.Arbitrary<FlowtrailEvent> {
  const text = binarySafe ? oddText.filter((t) => !t.includes('%')) : oddText;
  const extensionValue = binarySafe ? text : fc.oneof(text, fc.integer(), fc.boolean());
  return fc
    .record({
      id: text,
      source: text,
      ftprocess: text,
      ftinstance: text,
      ftstep: text,
      type: fc.constantFrom(
        'flowtrail.process.started',
        'flowtrail.process.completed',
        'flowtrail.step.started',
        'com.acme.parcel.packed',
      ),
      time,
      extensions: fc.dictionary(extensionName, extensionValue, { maxKeys: 3 }),
      businessKeys: fc.dictionary(fc.string({ maxLength: 8 }), text, { maxKeys: 3 }),
      attributes,
      leaf: jsonLeaf,
    })
    .map(({ extensions, businessKeys, attributes: attrs, leaf, ...envelope }) => ({
      ...extensions,
      specversion: '1.0' as const,
      ...envelope,
      data: { businessKeys, attributes: { ...attrs, leaf } },
    }));
}

/** A known-valid event the hostile inputs are derived from. */
export const BASE = {
  specversion: '1.0',
  id: 'e-1',
  source: 'orders',
  type: 'flowtrail.process.started',
  time: '2026-11-22T09:15:02.120Z',
  ftprocess: 'order-fulfilment',
  ftinstance: 'o-4711',
  data: { businessKeys: { orderId: '4711' } },
} as const;

/** `BASE` as JSON text with `data` replaced by the given JSON text. */
function withDataText(dataText: string): string {
  const { data: _data, ...rest } = BASE;
  return `${JSON.stringify(rest).slice(0, -1)},"data":${dataText}}`;
}

/** JSON text nesting `depth` arrays or objects. */
export function nestedText(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array'
    ? `${'['.repeat(depth)}${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

export interface Hostile {
  label: string;
  bytes: Buffer;
  /** The reason it must be rejected with. */
  reason: RejectionReason;
}

const loneSurrogate = fc
  .tuple(fc.string({ maxLength: 3 }), fc.constantFrom('\uD800', '\uDBFF', '\uDC00', '\uDFFF'))
  .map(([prefix, lone]) => `${prefix}${lone}`);

/** Inputs that are never valid, with the reason the decoder must give. */
export const hostile: fc.Arbitrary<Hostile> = fc.oneof(
  fc
    .tuple(fc.integer({ min: 63, max: 12_000 }), fc.constantFrom('array', 'object' as const))
    .map(([depth, kind]) => ({
      label: `nested ${depth + 2} levels deep`,
      bytes: Buffer.from(withDataText(`{"x":${nestedText(depth, kind as 'array' | 'object')}}`)),
      reason: 'too-deep' as const,
    })),
  fc
    .tuple(
      fc.constantFrom('ftinstance', 'source', 'ftprocess', 'id', 'ftowner', 'myext'),
      loneSurrogate,
    )
    .map(([field, value]) => ({
      label: `lone surrogate in ${field}`,
      bytes: Buffer.from(JSON.stringify({ ...BASE, [field]: value })),
      reason: 'invalid-unicode' as const,
    })),
  loneSurrogate.map((value) => ({
    label: 'lone surrogate in a data key and value',
    bytes: Buffer.from(JSON.stringify({ ...BASE, data: { attributes: { [value]: value } } })),
    reason: 'invalid-unicode' as const,
  })),
  fc
    .constantFrom([0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80])
    .map((bad) => ({
      label: `invalid UTF-8 ${bad.join(',')}`,
      bytes: Buffer.concat([
        Buffer.from(JSON.stringify(BASE).slice(0, -3)), // inside the string "4711"
        Buffer.from(bad),
        Buffer.from('"}}'),
      ]),
      reason: 'invalid-unicode' as const,
    })),
  fc.constantFrom('', 'ext space', 'Ext-Upper', 'ä', '__proto__', 'a_b').map((name) => ({
    label: `attribute name ${JSON.stringify(name)}`,
    bytes: Buffer.from(`${JSON.stringify(BASE).slice(0, -1)},${JSON.stringify(name)}:"v"}`),
    reason: 'schema-violation' as const,
  })),
  fc
    .constantFrom(
      '2026-02-30T00:00:00Z',
      '2025-02-29T00:00:00Z',
      '2026-04-31T00:00:00Z',
      '2026-01-01T24:00:00Z',
      '2026-01-01T23:60:00Z',
      '2026-01-01T23:59:61Z',
      '2026-01-01T00:00:00+24:00',
    )
    .map((bad) => ({
      label: `time ${bad}`,
      bytes: Buffer.from(JSON.stringify({ ...BASE, time: bad })),
      reason: 'schema-violation' as const,
    })),
  fc
    .tuple(
      fc.constantFrom('id', 'source', 'time', 'ftinstance', 'ftprocess', 'data'),
      fc.oneof(fc.integer(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 })),
    )
    .map(([field, value]) => ({
      label: `${field} of the wrong type`,
      bytes: Buffer.from(JSON.stringify({ ...BASE, [field]: value })),
      reason: 'schema-violation' as const,
    })),
  fc.jsonValue({ maxDepth: 3 }).map((value) => ({
    label: '__proto__ as an attribute',
    bytes: Buffer.from(
      `${JSON.stringify(BASE).slice(0, -1)},"__proto__":${JSON.stringify(value)}}`,
    ),
    reason: 'schema-violation' as const,
  })),
);
