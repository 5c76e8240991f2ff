/** The embedded dead-letter table: original bytes and headers kept, listed, fetched, deleted. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeadLetterError } from '../../src/shared/errors.ts';
import { MAX_ERRORS_HEADER_BYTES, type DeadLetter } from '../../src/ports/dead-letter-sink.ts';
import type { IncomingMessage } from '../../src/ports/incoming-message.ts';
import { SqliteDeadLetterStore } from '../../src/adapters/sqlite/sqlite-dead-letter-store.ts';
import { SqliteEventStore } from '../../src/adapters/sqlite/sqlite-event-store.ts';
import { history } from './store-contract-fixtures.ts';

const NOW = new Date('2024-08-01T12:00:00.000Z');

function message(offset: number, overrides: Partial<IncomingMessage> = {}): IncomingMessage {
  return {
    topic: 'http',
    partition: 0,
    offset: String(offset),
    key: Buffer.from(`key-${offset}`),
    value: Buffer.from(`{"not": "valid" ${offset}`),
    headers: {},
    ...overrides,
  };
}

describe('sqlite dead-letter store', () => {
  let dir: string;
  let dataDir: string;
  let store: SqliteDeadLetterStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flowtrail-dlq-'));
    dataDir = join(dir, 'data');
    store = new SqliteDeadLetterStore({ dataDir, now: () => NOW });
    await store.prepare();
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the original bytes, key and headers, the reason and the errors', async () => {
    const binary = Buffer.from([0xff, 0x00, 0xfe, 0x80, 0x7b]);
    const letters: DeadLetter[] = [
      {
        message: message(1, {
          value: binary,
          headers: {
            ce_type: 'x.y',
            raw: Buffer.from([0xc3, 0x28]),
            multi: ['a', Buffer.from('b')],
            absent: undefined,
          },
        }),
        reason: 'not-json',
        errors: ['Unexpected token'],
      },
      { message: message(2, { key: null, value: null }), reason: 'schema-violation', errors: [] },
      {
        message: message(3),
        reason: 'storage-rejected',
        errors: [{ type: 'mapper_parsing_exception', reason: 'field [data.n]' }],
      },
    ];
    await store.send(letters);

    const page = await store.list();
    expect(page.total).toBe(3);
    expect(page.letters.map((l) => l.message.offset)).toEqual(['1', '2', '3']);
    const [first, second, third] = page.letters;
    expect(first).toMatchObject({ receivedAt: NOW.toISOString(), reason: 'not-json' });
    expect(first?.errors).toEqual(['Unexpected token']);
    expect(first?.message.value).toEqual(binary);
    expect(first?.message.key).toEqual(Buffer.from('key-1'));
    expect(first?.message.headers).toEqual({
      ce_type: 'x.y',
      raw: Buffer.from([0xc3, 0x28]),
      multi: ['a', Buffer.from('b')],
    });
    expect(second?.message).toMatchObject({ key: null, value: null, topic: 'http', partition: 0 });
    expect(third?.errors).toEqual(letters[2]?.errors);
  });

  it('lists oldest first, paged, and fetches one by id', async () => {
    for (let i = 0; i < 5; i++) {
      await store.send([{ message: message(i), reason: 'not-json', errors: [] }]);
    }
    const page = await store.list({ from: 1, size: 2 });
    expect(page.total).toBe(5);
    expect(page.letters.map((l) => l.message.offset)).toEqual(['1', '2']);
    const [one] = page.letters;
    expect(await store.get(one?.id ?? -1)).toEqual(one);
    expect(await store.get(987_654)).toBeUndefined();
  });

  it('deletes by id and says how many existed', async () => {
    await store.send(
      [0, 1, 2].map((i) => ({ message: message(i), reason: 'oversized', errors: [] })),
    );
    const ids = (await store.list()).letters.map((l) => l.id);
    expect(await store.delete([ids[0] ?? -1, ids[2] ?? -1, 424_242])).toBe(2);
    expect(await store.delete([])).toBe(0);
    const rest = await store.list();
    expect(rest.total).toBe(1);
    expect(rest.letters.map((l) => l.id)).toEqual([ids[1]]);
  });

  it('cuts huge error lists like the Kafka header', async () => {
    const errors = Array.from({ length: 2000 }, (_, i) => `problem number ${i} in the input`);
    await store.send([{ message: message(1), reason: 'schema-violation', errors }]);
    const [letter] = (await store.list()).letters;
    expect(Buffer.byteLength(JSON.stringify(letter?.errors))).toBeLessThanOrEqual(
      MAX_ERRORS_HEADER_BYTES,
    );
    expect(letter?.errors[0]).toBe(errors[0]);
    expect(String(letter?.errors.at(-1))).toMatch(/more$/);
  });

  it('survives a reopen and shares the database file with the event store', async () => {
    await store.send([{ message: message(7), reason: 'not-json', errors: ['x'] }]);
    await store.close();
    const events = new SqliteEventStore({ dataDir });
    await events.prepare();
    const written = history({
      process: 'p',
      instance: 'i',
      start: '2024-08-01T10:00:00Z',
      outcome: 'running',
      step: 's',
    });
    await events.writeEvents(written);
    store = new SqliteDeadLetterStore({ dataDir, now: () => NOW });
    await store.prepare();
    expect((await store.list()).letters.map((l) => l.message.offset)).toEqual(['7']);
    expect(await events.getEvents('shop/p/i')).toHaveLength(written.length);
    await events.close();
  });

  it('fails with a non-retriable DeadLetterError when not prepared', async () => {
    const unprepared = new SqliteDeadLetterStore({ dataDir });
    await expect(
      unprepared.send([{ message: message(1), reason: 'not-json', errors: [] }]),
    ).rejects.toBeInstanceOf(DeadLetterError);
    await expect(unprepared.list()).rejects.toMatchObject({ retriable: false });
  });
});
