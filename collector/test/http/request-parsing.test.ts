import { describe, expect, it } from 'vitest';
import { isAuthorized, presentedKey } from '../../src/adapters/http/auth.ts';
import { ingestModeOf, parseMediaType } from '../../src/adapters/http/content-type.ts';
import { ingestOutcome } from '../../src/app/ingest/ingest-outcome.ts';
import { binaryHeaders, parseIngestRequest } from '../../src/adapters/http/ingest-request.ts';
import { matchRoute } from '../../src/adapters/http/routes.ts';

describe('content types', () => {
  it('parses media types with parameters', () => {
    expect(parseMediaType('Application/CloudEvents+JSON; charset="UTF-8"')).toEqual({
      type: 'application/cloudevents+json',
      params: { charset: 'UTF-8' },
    });
    expect(parseMediaType('  ')).toBeUndefined();
    expect(parseMediaType(undefined)).toBeUndefined();
  });

  it('picks the binding mode', () => {
    expect(ingestModeOf('application/cloudevents-batch+json', false)).toEqual({
      ok: true,
      mode: 'batch',
    });
    expect(ingestModeOf('application/cloudevents+json; charset=utf-8', true)).toEqual({
      ok: true,
      mode: 'structured',
    });
    expect(ingestModeOf('application/json', true)).toEqual({ ok: true, mode: 'binary' });
    expect(ingestModeOf('text/plain', true)).toEqual({ ok: true, mode: 'binary' });
    expect(ingestModeOf('application/json', false)).toEqual({ ok: true, mode: 'structured' });
    expect(ingestModeOf(undefined, false)).toMatchObject({ ok: false, status: 415 });
    expect(ingestModeOf(undefined, true)).toEqual({ ok: true, mode: 'binary' });
  });

  it('refuses what no mode can read with 415', () => {
    expect(ingestModeOf('text/plain', false)).toMatchObject({ ok: false, status: 415 });
    expect(ingestModeOf('application/cloudevents+json; charset=latin1', false)).toMatchObject({
      ok: false,
      status: 415,
    });
  });
});

describe('parseIngestRequest', () => {
  const event = { specversion: '1.0', id: 'e-1', source: 's', type: 't' };

  it('structured: one unit, the body as value, the id when readable', () => {
    const body = Buffer.from(JSON.stringify(event));
    const result = parseIngestRequest('structured', body, {}, 1000);
    expect(result).toEqual({
      ok: true,
      units: [
        {
          id: 'e-1',
          message: {
            topic: 'http',
            partition: 0,
            offset: '0',
            key: null,
            value: body,
            headers: { 'content-type': 'application/cloudevents+json' },
          },
        },
      ],
    });
    const broken = parseIngestRequest('structured', Buffer.from('{nope'), {}, 1000);
    expect(broken.ok && broken.units[0]?.id).toBeUndefined();
  });

  it('binary: ce-* headers become ce_* headers, the body is the value', () => {
    const headers = {
      'ce-specversion': '1.0',
      'ce-id': 'id%20one',
      'Content-Type': 'application/json',
      host: 'x',
    };
    expect(binaryHeaders(headers)).toEqual({
      ce_specversion: '1.0',
      ce_id: 'id%20one',
      'content-type': 'application/json',
    });
    const result = parseIngestRequest('binary', Buffer.from('{}'), headers, 1000);
    expect(result.ok && result.units[0]?.id).toBe('id one');
  });

  it('batch: one unit per element, offsets are indices, each value is the element JSON', () => {
    const result = parseIngestRequest(
      'batch',
      Buffer.from(JSON.stringify([event, 42, { id: 7 }])),
      {},
      1000,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.units.map((u) => [u.message.offset, u.id, u.message.value?.toString()])).toEqual([
      ['0', 'e-1', JSON.stringify(event)],
      ['1', undefined, '42'],
      ['2', undefined, '{"id":7}'],
    ]);
  });

  it('batch: a body that is not a JSON array is an error', () => {
    expect(parseIngestRequest('batch', Buffer.from('[{'), {}, 1000)).toMatchObject({ ok: false });
    expect(parseIngestRequest('batch', Buffer.from('{}'), {}, 1000)).toEqual({
      ok: false,
      status: 400,
      error: 'batch body must be a JSON array of CloudEvents',
    });
    expect(parseIngestRequest('batch', Buffer.from('[]'), {}, 1000)).toEqual({
      ok: true,
      units: [],
    });
  });
});

describe('ingestOutcome', () => {
  it('reports dead letters by request index with the id when known', () => {
    const units = parseIngestRequest(
      'batch',
      Buffer.from(JSON.stringify([{ id: 'a' }, { id: 'b' }, { x: 1 }])),
      {},
      1000,
    );
    if (!units.ok) throw new Error('unexpected');
    const letter = (index: number, reason: 'schema-violation' | 'storage-rejected') => ({
      message: units.units[index]!.message,
      reason,
      errors: ['bad', { type: 'mapper_parsing_exception' }],
    });
    expect(
      ingestOutcome(units.units, [letter(2, 'schema-violation'), letter(0, 'storage-rejected')]),
    ).toEqual({
      accepted: 1,
      rejected: [
        {
          index: 0,
          id: 'a',
          reason: 'storage-rejected',
          errors: ['bad', '{"type":"mapper_parsing_exception"}'],
        },
        {
          index: 2,
          reason: 'schema-violation',
          errors: ['bad', '{"type":"mapper_parsing_exception"}'],
        },
      ],
    });
  });
});

describe('routes', () => {
  it('matches the API routes', () => {
    expect(matchRoute('GET', '/api/health')).toEqual({ ok: true, route: { name: 'health' } });
    expect(matchRoute('POST', '/api/events/')).toEqual({ ok: true, route: { name: 'ingest' } });
    expect(matchRoute('GET', '/api/instances')).toEqual({ ok: true, route: { name: 'search' } });
  });

  it('decodes an instance key given as one segment or as three', () => {
    const key = 'orders/order%20fulfilment/o%2F1';
    const encoded = `/api/instances/${encodeURIComponent(key)}`;
    expect(matchRoute('GET', encoded)).toEqual({ ok: true, route: { name: 'instance', key } });
    expect(matchRoute('GET', `${encoded}/events`)).toEqual({
      ok: true,
      route: { name: 'instance-events', key },
    });
    expect(matchRoute('GET', `/api/instances/${key}`)).toEqual({
      ok: true,
      route: { name: 'instance', key },
    });
    expect(matchRoute('GET', `/api/instances/${key}/events`)).toEqual({
      ok: true,
      route: { name: 'instance-events', key },
    });
    // an instance literally named "events" (three segments) is an instance, not its events
    expect(matchRoute('GET', '/api/instances/a/b/events')).toEqual({
      ok: true,
      route: { name: 'instance', key: 'a/b/events' },
    });
  });

  it('answers 404 and 405 with the allowed method', () => {
    expect(matchRoute('GET', '/api/nope')).toMatchObject({ ok: false, status: 404 });
    expect(matchRoute('GET', '/api/instances/a/b')).toMatchObject({ ok: false, status: 404 });
    expect(matchRoute('GET', '/api/instances/%E0%A4%A')).toMatchObject({ ok: false, status: 404 });
    expect(matchRoute('GET', '/api/events')).toMatchObject({
      ok: false,
      status: 405,
      allow: 'POST',
    });
    expect(matchRoute('DELETE', '/api/instances')).toMatchObject({ status: 405, allow: 'GET' });
  });
});

describe('auth', () => {
  it('accepts a bearer token or x-api-key, only when it matches', () => {
    expect(presentedKey({ authorization: 'Bearer k1' })).toBe('k1');
    expect(presentedKey({ authorization: 'bearer   k1 ' })).toBe('k1');
    expect(presentedKey({ 'x-api-key': 'k2' })).toBe('k2');
    expect(presentedKey({ authorization: 'Basic abc' })).toBeUndefined();
    expect(isAuthorized({}, undefined)).toBe(true);
    expect(isAuthorized({}, 'secret')).toBe(false);
    expect(isAuthorized({ authorization: 'Bearer secret' }, 'secret')).toBe(true);
    expect(isAuthorized({ 'x-api-key': 'secret' }, 'secret')).toBe(true);
    expect(isAuthorized({ 'x-api-key': 'secreT' }, 'secret')).toBe(false);
  });
});
