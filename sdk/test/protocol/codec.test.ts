import { describe, expect, it } from 'vitest';
import { CloudEvent, HTTP } from 'cloudevents';
import {
  decodeHttpSingle,
  decodeKafkaMessage,
  encodeKafkaBinary,
  encodeStructured,
  type FlowtrailEvent,
} from '../../src/protocol/index.ts';

const limit = { maxBytes: 64 * 1024 };

const event: FlowtrailEvent = {
  specversion: '1.0',
  id: '7d1c1f7e-1',
  source: 'billing',
  type: 'flowtrail.step.waiting',
  time: '2026-11-22T09:15:03.250+01:00',
  ftprocess: 'payment',
  ftinstance: 'p-981',
  ftstep: 'capture',
  ftowner: 'team-payments',
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  data: {
    for: 'psp-callback',
    deadline: '2026-11-22T09:25:03Z',
    businessKeys: { orderId: '4711' },
  },
};

describe('Kafka binding', () => {
  it('decodes structured mode', () => {
    const result = decodeKafkaMessage(encodeStructured(event), {}, limit);
    expect(result).toEqual({ ok: true, event });
  });

  it('decodes binary mode (ce_ headers, data in the value)', () => {
    const { headers, value } = encodeKafkaBinary(event);
    const asBuffers = Object.fromEntries(
      Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)]),
    );
    const result = decodeKafkaMessage(value, asBuffers, limit);
    expect(result).toEqual({ ok: true, event: { ...event, datacontenttype: 'application/json' } });
  });

  it('rejects with a reason: not JSON, oversized, specversion, schema', () => {
    expect(decodeKafkaMessage(Buffer.from('{nope'), {}, limit)).toMatchObject({
      ok: false,
      reason: 'not-json',
    });
    expect(decodeKafkaMessage(null, {}, limit)).toMatchObject({ ok: false, reason: 'not-json' });
    expect(decodeKafkaMessage(Buffer.alloc(limit.maxBytes + 1, 32), {}, limit)).toMatchObject({
      ok: false,
      reason: 'oversized',
    });
    expect(
      decodeKafkaMessage(encodeStructured({ ...event, specversion: '0.3' as '1.0' }), {}, limit),
    ).toMatchObject({ ok: false, reason: 'unsupported-specversion' });
    const noInstance = { ...event, ftinstance: undefined };
    const result = decodeKafkaMessage(Buffer.from(JSON.stringify(noInstance)), {}, limit);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reason).toBe('schema-violation');
      expect(result.errors.join('\n')).toMatch(/ftinstance/);
    }
  });

  it('rejects binary mode whose data is not JSON', () => {
    const { headers } = encodeKafkaBinary(event);
    const result = decodeKafkaMessage(Buffer.from('<xml/>'), headers, limit);
    expect(result).toMatchObject({ ok: false, reason: 'not-json' });
  });
});

describe('against the cloudevents package', () => {
  it('our structured encoding is a valid CloudEvent', () => {
    const parsed = JSON.parse(encodeStructured(event).toString('utf8'));
    const ce = new CloudEvent(parsed, true);
    expect(ce.validate()).toBe(true);
    expect(ce.id).toBe(event.id);
    expect(ce['ftinstance']).toBe('p-981');
  });

  it('decodes what the cloudevents HTTP emitter produces, binary and structured', () => {
    const { data, ...attrs } = event;
    const ce = new CloudEvent({ ...attrs, datacontenttype: 'application/json', data });
    for (const message of [HTTP.binary(ce), HTTP.structured(ce)]) {
      const body = Buffer.from(
        typeof message.body === 'string' ? message.body : JSON.stringify(message.body),
      );
      const result = decodeHttpSingle(body, message.headers as Record<string, string>, limit);
      expect(result.ok).toBe(true);
      if (result.ok) {
        expect(result.event.id).toBe(event.id);
        expect(result.event.ftinstance).toBe('p-981');
        expect(result.event.data).toEqual(event.data);
        expect(Date.parse(result.event.time)).toBe(Date.parse(event.time));
      }
    }
  });
});
