/**
 * The traceparent / tracestate cases of the W3C trace-context test suite
 * (github.com/w3c/trace-context, test/test.py, STRICT_LEVEL 2), reproduced as tables:
 * a header list goes in, the test checks whether the trace id is continued and which
 * tracestate survives.
 */
import { describe, expect, it } from 'vitest';
import {
  extractTraceContext,
  formatTraceparent,
  parseTraceparent,
  parseTracestate,
} from '../src/index.ts';

const ID = '12345678901234567890123456789012';
const SPAN = '1234567890123456';
const VALID = `00-${ID}-${SPAN}-01`;

type HeaderList = [string, string][];

/** Header list → carrier object; repeated names (any case) become arrays, as in Node. */
function carrier(list: HeaderList): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of list) {
    const prev = out[name];
    out[name] = prev === undefined ? value : [...(Array.isArray(prev) ? prev : [prev]), value];
  }
  return out;
}

// [test.py case, headers, is the incoming trace id continued?]
const traceparentCases: [string, HeaderList, boolean][] = [
  ['both missing', [], false],
  ['traceparent included, tracestate missing', [['traceparent', VALID]], true],
  [
    'traceparent duplicated',
    [
      ['traceparent', `00-12345678901234567890123456789011-${SPAN}-01`],
      ['traceparent', VALID],
    ],
    false,
  ],
  ['header name trace-parent', [['trace-parent', VALID]], false],
  ['header name trace.parent', [['trace.parent', VALID]], false],
  ['header name casing TraceParent', [['TraceParent', VALID]], true],
  ['header name casing TrAcEpArEnT', [['TrAcEpArEnT', VALID]], true],
  ['header name casing TRACEPARENT', [['TRACEPARENT', VALID]], true],
  ['version 00 with trailing "."', [['traceparent', `${VALID}.`]], false],
  [
    'version 00 with extra fields',
    [['traceparent', `${VALID}-what-the-future-will-be-like`]],
    false,
  ],
  ['version cc', [['traceparent', `cc-${ID}-${SPAN}-01`]], true],
  [
    'version cc with extra fields',
    [['traceparent', `cc-${ID}-${SPAN}-01-what-the-future-will-be-like`]],
    true,
  ],
  [
    'version cc with "." after flags',
    [['traceparent', `cc-${ID}-${SPAN}-01.what-the-future-will-be-like`]],
    false,
  ],
  ['version ff', [['traceparent', `ff-${ID}-${SPAN}-01`]], false],
  ['version illegal ".0"', [['traceparent', `.0-${ID}-${SPAN}-01`]], false],
  ['version illegal "0."', [['traceparent', `0.-${ID}-${SPAN}-01`]], false],
  ['version too long 000', [['traceparent', `000-${ID}-${SPAN}-01`]], false],
  ['version too long 0000', [['traceparent', `0000-${ID}-${SPAN}-01`]], false],
  ['version too short', [['traceparent', `0-${ID}-${SPAN}-01`]], false],
  ['trace_id all zero', [['traceparent', `00-${'0'.repeat(32)}-${SPAN}-01`]], false],
  [
    'trace_id illegal first char',
    [['traceparent', `00-.2345678901234567890123456789012-${SPAN}-01`]],
    false,
  ],
  [
    'trace_id illegal last char',
    [['traceparent', `00-1234567890123456789012345678901.-${SPAN}-01`]],
    false,
  ],
  ['trace_id too long', [['traceparent', `00-${ID}3-${SPAN}-01`]], false],
  ['trace_id too short', [['traceparent', `00-${ID.slice(0, 31)}-${SPAN}-01`]], false],
  ['parent_id all zero', [['traceparent', `00-${ID}-0000000000000000-01`]], false],
  ['parent_id illegal first char', [['traceparent', `00-${ID}-.234567890123456-01`]], false],
  ['parent_id illegal last char', [['traceparent', `00-${ID}-123456789012345.-01`]], false],
  ['parent_id too long', [['traceparent', `00-${ID}-${SPAN}7-01`]], false],
  ['parent_id too short', [['traceparent', `00-${ID}-${SPAN.slice(0, 15)}-01`]], false],
  ['trace_flags illegal ".0"', [['traceparent', `00-${ID}-${SPAN}-.0`]], false],
  ['trace_flags illegal "0."', [['traceparent', `00-${ID}-${SPAN}-0.`]], false],
  ['trace_flags too long', [['traceparent', `00-${ID}-${SPAN}-001`]], false],
  ['trace_flags too short', [['traceparent', `00-${ID}-${SPAN}-1`]], false],
  ['OWS leading space', [['traceparent', ` ${VALID}`]], true],
  ['OWS leading tab', [['traceparent', `\t${VALID}`]], true],
  ['OWS trailing space', [['traceparent', `${VALID} `]], true],
  ['OWS trailing tab', [['traceparent', `${VALID}\t`]], true],
  ['OWS both sides', [['traceparent', `\t ${VALID} \t`]], true],
  [
    'illegal traceparent for multiple requests',
    [['traceparent', `00-${'0'.repeat(32)}-${SPAN}-01`]],
    false,
  ],
  [
    'uppercase hex is not lowercase hex',
    [['traceparent', `00-${'A'.repeat(32)}-${SPAN}-01`]],
    false,
  ],
];

describe('W3C trace-context test suite: traceparent', () => {
  it.each(traceparentCases)('%s', (_name, headers, continued) => {
    const ctx = extractTraceContext(carrier(headers));
    if (continued) expect(ctx?.traceparent.split('-')[1]).toBe(ID);
    else expect(ctx).toBeUndefined();
  });

  it('Node-style combined duplicate header ("a, b") is invalid too', () => {
    expect(extractTraceContext({ traceparent: `${VALID}, ${VALID}` })).toBeUndefined();
  });

  it('re-emits a future version as version 00 with the same ids and flags', () => {
    const ctx = extractTraceContext({ traceparent: `cc-${ID}-${SPAN}-01-future` });
    expect(ctx?.traceparent).toBe(VALID);
  });

  it('parses fields and round-trips through formatTraceparent', () => {
    const parsed = parseTraceparent(`00-${ID}-${SPAN}-03`);
    expect(parsed).toEqual({ version: '00', traceId: ID, parentId: SPAN, traceFlags: 3 });
    expect(formatTraceparent(parsed!)).toBe(`00-${ID}-${SPAN}-03`);
    expect(formatTraceparent({ traceId: '0'.repeat(32), parentId: SPAN, traceFlags: 1 })).toBe(
      undefined,
    );
  });
});

const tp: [string, string] = ['traceparent', `00-${ID}-${SPAN}-00`];
const keyChars = 'abcdefghijklmnopqrstuvwxyz0123456789_-*/';
const allValueChars = [...range(0x20, 0x2b), ...range(0x2d, 0x3c), ...range(0x3e, 0x7e)].join('');
function range(from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, k) => String.fromCharCode(from + k));
}
const bars = (from: number, to: number) =>
  range(from, to)
    .map((_, k) => `bar${String(from + k).padStart(2, '0')}=${String(from + k).padStart(2, '0')}`)
    .join(',');
const n = (count: number) => Array.from({ length: count }, (_, k) => k + 1);
const members32 = n(32).map((k) => `bar${String(k).padStart(2, '0')}=${k}`);

// [test.py case, tracestate headers, expected list members (undefined = discarded)]
const tracestateCases: [string, string[], Record<string, string> | undefined][] = [
  ['included with traceparent', ['foo=1,bar=2'], { foo: '1', bar: '2' }],
  ['empty header', [''], undefined],
  ['empty header after a valid one', ['foo=1', ''], { foo: '1' }],
  ['empty header before a valid one', ['', 'foo=1'], { foo: '1' }],
  [
    'multiple headers, different keys, order kept',
    ['foo=1,bar=2', 'rojo=1,congo=2', 'baz=3'],
    { foo: '1', bar: '2', rojo: '1', congo: '2', baz: '3' },
  ],
  ['duplicated keys, same value', ['foo=1,foo=1'], undefined],
  ['duplicated keys, different value', ['foo=1,foo=2'], undefined],
  ['duplicated keys across headers', ['foo=1', 'foo=1'], undefined],
  ['duplicated keys across headers, different value', ['foo=1', 'foo=2'], undefined],
  ['all allowed characters', [`${keyChars}=${allValueChars}`], { [keyChars]: allValueChars }],
  [
    'all allowed characters, vendor key',
    [`${keyChars}@a-z0-9_-*/=${allValueChars}`],
    { [`${keyChars}@a-z0-9_-*/`]: allValueChars },
  ],
  ['OWS around members', ['foo=1 \t , \t bar=2, \t baz=3'], { foo: '1', bar: '2', baz: '3' }],
  ['OWS tabs', ['foo=1\t \t,\t \tbar=2,\t \tbaz=3'], { foo: '1', bar: '2', baz: '3' }],
  ['OWS leading space', [' foo=1'], { foo: '1' }],
  ['OWS leading tab', ['\tfoo=1'], { foo: '1' }],
  ['OWS trailing space', ['foo=1 '], { foo: '1' }],
  ['OWS trailing tab', ['foo=1\t'], { foo: '1' }],
  ['OWS both', ['\t foo=1 \t'], { foo: '1' }],
  ['key with space', ['foo =1'], undefined],
  ['key uppercase', ['FOO=1'], undefined],
  ['key with dot', ['foo.bar=1'], undefined],
  ['vendor format foo@', ['foo@=1,bar=2'], undefined],
  ['vendor format @foo', ['@foo=1,bar=2'], undefined],
  ['vendor format foo@@bar', ['foo@@bar=1,bar=2'], undefined],
  ['vendor format foo@bar@baz', ['foo@bar@baz=1,bar=2'], undefined],
  [
    '32 members',
    [bars(1, 10), bars(11, 20), bars(21, 30), bars(31, 32)],
    Object.fromEntries(members32.map((m, k) => [m.split('=')[0], String(k + 1).padStart(2, '0')])),
  ],
  ['33 members', [bars(1, 10), bars(11, 20), bars(21, 30), bars(31, 33)], undefined],
  [
    'key of 256 characters',
    ['foo=1', `${'z'.repeat(256)}=1`],
    { foo: '1', ['z'.repeat(256)]: '1' },
  ],
  ['key of 257 characters', ['foo=1', `${'z'.repeat(257)}=1`], undefined],
  [
    'tenant 241 + vendor 14 characters',
    ['foo=1', `${'t'.repeat(241)}@${'v'.repeat(14)}=1`],
    { foo: '1', [`${'t'.repeat(241)}@${'v'.repeat(14)}`]: '1' },
  ],
  ['tenant of 242 characters', ['foo=1', `${'t'.repeat(242)}@v=1`], undefined],
  ['vendor of 15 characters', ['foo=1', `t@${'v'.repeat(15)}=1`], undefined],
  ['value with "="', ['foo=bar=baz'], undefined],
  ['empty value', ['foo=,bar=3'], undefined],
];

describe('W3C trace-context test suite: tracestate', () => {
  it.each(tracestateCases)('%s', (_name, states, expected) => {
    const headers = carrier([tp, ...states.map((s): [string, string] => ['tracestate', s])]);
    const ctx = extractTraceContext(headers);
    expect(ctx?.traceparent).toBe(tp[1]); // a bad tracestate never voids the traceparent
    const members = ctx?.tracestate === undefined ? undefined : parseTracestate(ctx.tracestate);
    expect(members === undefined ? undefined : Object.fromEntries(members)).toEqual(expected);
    if (expected !== undefined) expect(members?.map(([k]) => k)).toEqual(Object.keys(expected));
  });

  it('tracestate without traceparent is discarded', () => {
    expect(extractTraceContext({ tracestate: 'foo=1' })).toBeUndefined();
  });

  it('header name casing (TraceState, TrAcEsTaTe, TRACESTATE) is accepted', () => {
    for (const name of ['TraceState', 'TrAcEsTaTe', 'TRACESTATE']) {
      expect(extractTraceContext(carrier([tp, [name, 'foo=1']]))?.tracestate).toBe('foo=1');
    }
  });

  it('wrong header names (trace-state, trace.state) are ignored', () => {
    for (const name of ['trace-state', 'trace.state']) {
      expect(extractTraceContext(carrier([tp, [name, 'foo=1']]))?.tracestate).toBeUndefined();
    }
  });
});
