import { describe, expect, it } from 'vitest';
import { EventTypes, isRfc3339, validateEvent } from '../../src/protocol/index.ts';

const base = {
  specversion: '1.0',
  id: 'e-1',
  source: 'orders',
  time: '2026-11-22T09:15:02.120Z',
  ftprocess: 'order-fulfilment',
  ftinstance: 'o-4711',
};

describe('validateEvent', () => {
  it('accepts every flowtrail type with its required data', () => {
    const dataOf: Record<string, object> = {
      [EventTypes.messageSent]: { messageId: 'm', to: 'billing' },
      [EventTypes.messageReceived]: { messageId: 'm', from: 'orders' },
      [EventTypes.expectationRegistered]: { expectationId: 'x', system: 'b', process: 'p' },
      [EventTypes.expectationFulfilled]: { expectationId: 'x' },
    };
    for (const type of Object.values(EventTypes)) {
      const result = validateEvent({ ...base, type, ftstep: 'pay', data: dataOf[type] ?? {} });
      expect(result, type).toMatchObject({ ok: true });
    }
  });

  it('accepts custom business events and extra extension attributes', () => {
    expect(
      validateEvent({ ...base, type: 'com.acme.parcel.packed', region: 'eu', retries: 2 }),
    ).toMatchObject({ ok: true, event: { data: {} } });
  });

  it('lists every problem at once', () => {
    const result = validateEvent({
      specversion: '1.0',
      id: '',
      source: 'orders',
      type: 'flowtrail.step.started',
      time: 'yesterday',
      ftprocess: 'p',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const text = result.errors.join('\n');
    expect(text).toMatch(/\/id/);
    expect(text).toMatch(/\/time/);
    expect(text).toMatch(/ftinstance/);
    expect(text).toMatch(/ftstep/);
  });

  it('rejects unknown flowtrail.* types, non-object data and missing data fields', () => {
    expect(validateEvent({ ...base, type: 'flowtrail.step.paused', ftstep: 's' }).ok).toBe(false);
    expect(validateEvent({ ...base, type: 'x.custom', data: [1] }).ok).toBe(false);
    expect(validateEvent({ ...base, type: EventTypes.messageSent, data: { to: 'b' } }).ok).toBe(
      false,
    );
    expect(validateEvent('not an object').ok).toBe(false);
    expect(validateEvent({ ...base, type: 'x', data: { deadline: 'soon' } }).ok).toBe(false);
    expect(validateEvent({ ...base, type: 'x', datacontenttype: 'text/xml' }).ok).toBe(false);
  });

  it('knows RFC 3339', () => {
    expect(isRfc3339('2026-11-22T09:15:02Z')).toBe(true);
    expect(isRfc3339('2026-11-22T09:15:02.123456+02:00')).toBe(true);
    expect(isRfc3339('2026-11-22 09:15:02Z')).toBe(false);
    expect(isRfc3339('2026-13-45T09:15:02Z')).toBe(false);
    expect(isRfc3339('1700000000')).toBe(false);
  });
});
