/**
 * The Elasticsearch event document id (adapters/elasticsearch/es-event-document.ts): one
 * per identity (source, id), bounded (Elasticsearch `_id`s are at most 512 bytes), and
 * the document gives the event back exactly.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  eventDocumentId,
  eventOfDocument,
  toEventDocument,
} from '../../src/adapters/elasticsearch/es-event-document.ts';
import { makeEvent } from '../helpers/events.ts';

const text = fc.string({ unit: 'binary', maxLength: 2000 });

describe('eventDocumentId', () => {
  it('is 43 URL-safe characters for any source and id, however long', () => {
    fc.assert(
      fc.property(text, text, (source, id) => {
        const documentId = eventDocumentId({ source, id });
        expect(documentId).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(Buffer.byteLength(documentId)).toBeLessThanOrEqual(512);
      }),
      { numRuns: 200 },
    );
    expect(eventDocumentId({ source: 's'.repeat(100_000), id: 'é'.repeat(100_000) })).toHaveLength(
      43,
    );
  });

  it('is one id per identity: equal exactly when source and id are equal', () => {
    const short = fc.string({ unit: 'binary', maxLength: 4 });
    fc.assert(
      fc.property(short, short, short, short, (s1, i1, s2, i2) => {
        const same = s1 === s2 && i1 === i2;
        expect(
          eventDocumentId({ source: s1, id: i1 }) === eventDocumentId({ source: s2, id: i2 }),
        ).toBe(same);
      }),
      { numRuns: 1000 },
    );
    expect(eventDocumentId({ source: 'a/b', id: 'c' })).not.toBe(
      eventDocumentId({ source: 'a', id: 'b/c' }),
    );
    // Lone surrogates are escaped in the identity, not replaced: still apart.
    expect(eventDocumentId({ source: 's', id: '\ud800' })).not.toBe(
      eventDocumentId({ source: 's', id: '\udc00' }),
    );
  });
});

describe('event documents', () => {
  it('give the event back exactly', () => {
    const event = makeEvent({ type: 'shop.custom', instance: 'i', time: '2024-05-01T10:00:00Z' });
    const document = toEventDocument(event);
    expect(document).toMatchObject({
      instanceKey: 'shop/order-fulfilment/i',
      idScheme: 'source-id',
    });
    expect(eventOfDocument(document)).toEqual(event);
    expect(eventOfDocument({ ...event, instanceKey: 'k' })).toEqual(event);
  });
});
