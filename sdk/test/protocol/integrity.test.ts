/**
 * The reproductions of issue 10 against the decoder, one by one: deep nesting, lone
 * surrogates, invalid UTF-8, impossible dates, bad attribute names, and instance keys
 * that never throw (integrity.ts, validate.ts, codec.ts, instance-key.ts).
 */
import { describe, expect, it } from 'vitest';
import {
  decodeHttpSingle,
  decodeKafkaMessage,
  findIntegrityProblem,
  instanceKey,
  isRfc3339,
  MAX_NESTING_DEPTH,
  parseInstanceKey,
  validateEvent,
} from '../../src/protocol/index.ts';
import { BASE, nestedText } from './hostile-inputs.ts';

const limit = { maxBytes: 1024 * 1024 };
const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

describe('nesting depth', () => {
  it('accepts exactly MAX_NESTING_DEPTH levels and rejects one more', () => {
    // The event is level 1 and data level 2, so data may hold MAX_NESTING_DEPTH - 2 more.
    const at = (levels: number) =>
      Buffer.from(
        `${JSON.stringify(BASE).slice(0, -1)},"data":{"x":${nestedText(levels - 2, 'array')}}}`,
      );
    expect(MAX_NESTING_DEPTH).toBe(64);
    expect(decodeKafkaMessage(at(MAX_NESTING_DEPTH), {}, limit).ok).toBe(true);
    expect(decodeKafkaMessage(at(MAX_NESTING_DEPTH + 1), {}, limit)).toMatchObject({
      ok: false,
      reason: 'too-deep',
    });
  });

  it('rejects 10,000 levels, structured and binary, with a path', () => {
    const deep = nestedText(10_000, 'object');
    const structured = Buffer.from(`${JSON.stringify(BASE).slice(0, -1)},"data":${deep}}`);
    const result = decodeKafkaMessage(structured, {}, limit);
    expect(result).toMatchObject({ ok: false, reason: 'too-deep' });
    if (!result.ok) expect(result.errors[0]).toMatch(/^\/data\/a\/a.*deeper than 64/);
    const binary = { 'ce-specversion': '1.0', 'ce-id': 'b', 'content-type': 'application/json' };
    expect(decodeHttpSingle(Buffer.from(deep), binary, limit)).toMatchObject({
      reason: 'too-deep',
    });
  });

  it('validateEvent (what the SDK checks before sending) refuses too deep data too', () => {
    let value: unknown = {};
    for (let i = 0; i < 100; i++) value = { a: value };
    const result = validateEvent({ ...BASE, data: { attributes: value } });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]).toMatch(/deeper than 64/);
  });

  it('checks iteratively: a million levels do not overflow the stack', () => {
    let value: unknown = 1;
    for (let i = 0; i < 1_000_000; i++) value = [value];
    expect(findIntegrityProblem(value)?.reason).toBe('too-deep');
  });
});

describe('Unicode', () => {
  it('rejects a lone surrogate in ftinstance, source or ftprocess as invalid-unicode', () => {
    for (const field of ['ftinstance', 'source', 'ftprocess']) {
      const result = decodeKafkaMessage(json({ ...BASE, [field]: '\ud800' }), {}, limit);
      expect(result).toMatchObject({ ok: false, reason: 'invalid-unicode' });
      if (!result.ok) expect(result.errors).toEqual([`/${field}: string has a lone surrogate`]);
    }
  });

  it('validateEvent (what the SDK checks before sending) refuses them too', () => {
    const result = validateEvent({ ...BASE, ftinstance: 'x\udc00' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toEqual(['/ftinstance: string has a lone surrogate']);
  });

  it('accepts surrogate pairs (astral characters)', () => {
    expect(decodeKafkaMessage(json({ ...BASE, ftinstance: '😀' }), {}, limit).ok).toBe(true);
  });

  it('rejects bytes that are not UTF-8 instead of replacing them with U+FFFD', () => {
    const text = JSON.stringify(BASE);
    const bad = Buffer.concat([
      Buffer.from(text.slice(0, -3)),
      Buffer.from([0xff]),
      Buffer.from('"}}'),
    ]);
    expect(decodeKafkaMessage(bad, {}, limit)).toMatchObject({ reason: 'invalid-unicode' });
    expect(decodeHttpSingle(bad, {}, limit)).toMatchObject({ reason: 'invalid-unicode' });
    const binary = { ce_specversion: '1.0', ce_id: Buffer.from([0x69, 0xc3]) };
    expect(decodeKafkaMessage(json({}), binary, limit)).toMatchObject({
      reason: 'invalid-unicode',
      errors: ['header "ce_id" is not valid UTF-8'],
    });
  });

  it('still refuses a byte-order mark before the JSON, as before', () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json(BASE)]);
    expect(decodeKafkaMessage(bom, {}, limit)).toMatchObject({ reason: 'not-json' });
  });
});

describe('strict attributes and times', () => {
  it('rejects extension attribute names outside a-z and 0-9', () => {
    for (const name of ['', 'ext space', 'Ext-Upper', 'ext_x', 'ä']) {
      const result = validateEvent({ ...BASE, [name]: 'v' });
      expect(result.ok).toBe(false);
    }
    expect(validateEvent({ ...BASE, region: 'eu', retries2: 2 }).ok).toBe(true);
  });

  it('rejects impossible calendar dates and times', () => {
    for (const bad of [
      '2026-02-30T00:00:00Z',
      '2025-02-29T00:00:00Z',
      '1900-02-29T00:00:00Z',
      '2026-04-31T00:00:00Z',
      '2026-00-10T00:00:00Z',
      '2026-01-00T00:00:00Z',
      '2026-01-01T24:00:00Z',
      '2026-01-01T23:60:00Z',
      '2026-01-01T23:59:61Z',
      '2026-01-01T00:00:00+24:00',
      '2026-01-01T00:00:00+01:60',
    ]) {
      expect(isRfc3339(bad), bad).toBe(false);
    }
    for (const good of [
      '2024-02-29T00:00:00Z',
      '2000-02-29T23:59:59.999+23:59',
      '2026-12-31T23:59:59z',
    ]) {
      expect(isRfc3339(good), good).toBe(true);
    }
    expect(
      decodeKafkaMessage(json({ ...BASE, time: '2026-02-30T00:00:00Z' }), {}, limit),
    ).toMatchObject({
      reason: 'schema-violation',
    });
  });
});

describe('instance keys', () => {
  it('never throw, lone surrogates becoming U+FFFD', () => {
    expect(instanceKey({ source: '\ud800', process: 'p', instance: 'a/b' })).toBe(
      '%EF%BF%BD/p/a%2Fb',
    );
    expect(parseInstanceKey('%E0%A4/p/i')).toBeUndefined();
    expect(parseInstanceKey('%/p/i')).toBeUndefined();
    expect(parseInstanceKey('s/p/%F0%9F%98%80')).toEqual({
      source: 's',
      process: 'p',
      instance: '😀',
    });
  });
});
