/**
 * BatchIngester on in-memory fakes: what is stored, dead-lettered (with which reason) and
 * folded for a slice of messages, structured and binary mode.
 */
import { describe, expect, it } from 'vitest';
import { instanceKeyOf, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { foldInstance } from '../../src/domain/instance/fold.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { Metrics } from '../../src/shared/metrics.ts';
import { BatchIngester } from '../../src/app/ingest/batch-ingester.ts';
import type { BatchFold } from '../../src/ports/atomic-batch.ts';
import type { DeadLetter } from '../../src/ports/dead-letter-sink.ts';
import type { IncomingMessage } from '../../src/ports/incoming-message.ts';
import { MemoryWriter } from './memory-writer.ts';

let offset = 0;
function message(value: unknown, headers: IncomingMessage['headers'] = {}): IncomingMessage {
  const bytes = typeof value === 'string' ? Buffer.from(value) : Buffer.from(JSON.stringify(value));
  return { topic: 'in', partition: 0, offset: String(offset++), key: null, value: bytes, headers };
}

function event(
  id: string,
  type: string,
  instance = 'i-1',
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    specversion: '1.0',
    id,
    source: 'shop',
    type,
    time: `2024-05-01T10:00:0${id.length % 10}Z`,
    ftprocess: 'order',
    ftinstance: instance,
    data: { businessKeys: { orderId: `o-${instance}` } },
    ...extra,
  };
}

function setup(maxEventBytes = 10_000) {
  const writer = new MemoryWriter();
  const letters: DeadLetter[] = [];
  const metrics = new Metrics();
  const processor = new BatchIngester({
    writer,
    deadLetters: { send: async (l) => void letters.push(...l) },
    fold: foldInstance,
    maxEventBytes,
    metrics,
    logger: createLogger('silent'),
  });
  return { writer, letters, metrics, processor };
}

describe('BatchIngester', () => {
  it('stores valid events once, folds their instances and dead-letters the rest', async () => {
    const { writer, letters, metrics, processor } = setup(2_000);
    const started = event('e1', 'flowtrail.process.started');
    const outcome = await processor.process([
      message(started),
      message('{ nope'),
      message(started), // duplicate in the same batch
      message({ ...event('e2', 'flowtrail.process.completed'), specversion: '0.3' }),
      message({ ...event('e3', 'flowtrail.step.started'), ftinstance: undefined }),
      message({ ...event('e4', 'x'), data: { big: 'x'.repeat(3_000) } }),
      message(event('e5', 'flowtrail.process.completed')),
      message(event('e6', 'custom.thing', 'i-1', { data: { poison: true } })),
    ]);
    expect(outcome).toEqual({ indexed: 2, deadLettered: 5, statesWritten: 1 });
    expect(writer.ids().sort()).toEqual(['e1', 'e5']);
    expect(letters.map((l) => l.reason)).toEqual([
      'not-json',
      'unsupported-specversion',
      'schema-violation',
      'oversized',
      'storage-rejected',
    ]);
    expect(letters[4]?.errors).toEqual([{ type: 'mapper_parsing_exception' }]);
    const state = writer.states.get('shop/order/i-1');
    expect(state?.status).toBe('completed');
    expect(state?.eventCount).toBe(2);
    expect(metrics.snapshot()).toMatchObject({
      consumed: 8,
      indexed: 2,
      dlq: 5,
      duplicatesInBatch: 1,
    });
  });

  it('folds from ALL stored events of the instance, not only the batch', async () => {
    const { writer, processor } = setup();
    await processor.process([message(event('a1', 'flowtrail.process.started', 'i-2'))]);
    await processor.process([message(event('a22', 'flowtrail.process.failed', 'i-2'))]);
    const state = writer.states.get('shop/order/i-2');
    expect(state?.eventCount).toBe(2);
    expect(state?.status).toBe('failed');
  });

  it('decodes binary mode (ce_* headers)', async () => {
    const { writer, processor } = setup();
    const headers = {
      ce_specversion: '1.0',
      ce_id: 'b1',
      ce_source: 'shop',
      ce_type: 'flowtrail.process.started',
      ce_time: '2024-05-01T10:00:00Z',
      ce_ftprocess: 'order',
      ce_ftinstance: 'i-3',
      'content-type': 'application/json',
    };
    await processor.process([message({ businessKeys: { orderId: '9' } }, headers)]);
    expect(writer.event('shop', 'b1')?.data.businessKeys).toEqual({ orderId: '9' });
  });
});

describe('BatchIngester: identity is (source, id)', () => {
  const started = (source: string, note = 'first') =>
    event('same-id', 'flowtrail.process.started', 'i-9', {
      source,
      data: { businessKeys: { orderId: 'o-9' }, attributes: { note } },
    });

  it('stores the same id from two sources as two events', async () => {
    const { writer, letters, metrics, processor } = setup();
    const outcome = await processor.process([message(started('shop')), message(started('erp'))]);
    expect(outcome).toEqual({ indexed: 2, deadLettered: 0, statesWritten: 2 });
    expect(writer.event('shop', 'same-id')?.source).toBe('shop');
    expect(writer.event('erp', 'same-id')?.source).toBe('erp');
    expect([...writer.states.keys()].sort()).toEqual(['erp/order/i-9', 'shop/order/i-9']);
    expect(letters).toEqual([]);
    expect(metrics.snapshot().duplicatesInBatch).toBe(0);
  });

  it('counts an identical copy in one batch as a duplicate, whatever its key order', async () => {
    const { writer, letters, metrics, processor } = setup();
    const first = started('shop');
    const reversed = Object.fromEntries(Object.entries(first).reverse());
    const outcome = await processor.process([message(first), message(reversed)]);
    expect(outcome).toEqual({ indexed: 1, deadLettered: 0, statesWritten: 1 });
    expect(writer.ids()).toEqual(['same-id']);
    expect(letters).toEqual([]);
    expect(metrics.snapshot().duplicatesInBatch).toBe(1);
  });

  it('keeps the first of two different copies in one batch and dead-letters the other', async () => {
    const { writer, letters, metrics, processor } = setup();
    const later = message(started('shop', 'second'));
    const outcome = await processor.process([message(started('shop')), later]);
    expect(outcome).toEqual({ indexed: 1, deadLettered: 1, statesWritten: 1 });
    expect(writer.event('shop', 'same-id')?.data.attributes).toEqual({ note: 'first' });
    expect(letters).toHaveLength(1);
    expect(letters[0]?.reason).toBe('conflicting-duplicate');
    expect(letters[0]?.message).toBe(later);
    expect(letters[0]?.errors).toMatchObject([{ type: 'conflicting_duplicate' }]);
    expect(metrics.snapshot()).toMatchObject({ duplicatesInBatch: 0, dlq: 1, storageRejected: 0 });
  });

  it('dead-letters a different copy of a stored identity as conflicting-duplicate', async () => {
    const { writer, letters, metrics, processor } = setup();
    await processor.process([message(started('shop'))]);
    const stateBefore = writer.states.get('shop/order/i-9');
    const copy = message(started('shop', 'second'));
    const outcome = await processor.process([copy, message(started('erp', 'second'))]);
    expect(outcome).toEqual({ indexed: 1, deadLettered: 1, statesWritten: 1 });
    expect(letters.map((l) => [l.reason, l.message])).toEqual([['conflicting-duplicate', copy]]);
    expect(letters[0]?.errors).toMatchObject([{ type: 'conflicting_duplicate' }]);
    expect(writer.event('shop', 'same-id')?.data.attributes).toEqual({ note: 'first' });
    expect(writer.states.get('shop/order/i-9')).toBe(stateBefore);
    expect(metrics.snapshot()).toMatchObject({ storageRejected: 0, dlq: 1 });
  });

  it('accepts a replay of a stored identity with the same content', async () => {
    const { writer, letters, processor } = setup();
    await processor.process([message(started('shop'))]);
    const outcome = await processor.process([message(started('shop'))]);
    expect(outcome).toEqual({ indexed: 1, deadLettered: 0, statesWritten: 1 });
    expect(writer.ids()).toEqual(['same-id']);
    expect(letters).toEqual([]);
  });
});

describe('BatchIngester: fold counters and atomic writers without summaries', () => {
  it('counts every fold of the three-step path as a re-fold', async () => {
    const { metrics, processor } = setup();
    await processor.process([message(event('r1', 'flowtrail.process.started', 'i-3'))]);
    await processor.process([
      message(event('r2', 'custom.thing', 'i-3')),
      message(event('r3', 'flowtrail.process.started', 'i-4')),
    ]);
    expect(metrics.snapshot()).toMatchObject({ refolds: 3, continuedFolds: 0 });
  });

  it('an atomic writer that calls the fold as a plain BatchFold gets full re-folds', async () => {
    const writer = new MemoryWriter();
    const atomic = Object.assign(writer, {
      writeBatch: async (events: readonly FlowtrailEvent[], fold: BatchFold) => {
        const written = await writer.writeEvents(events);
        const keys = [...new Set(events.map((e) => instanceKeyOf(e)))];
        const states = fold(keys, await writer.eventsOfInstances(keys));
        return { events: written, states: await writer.writeStates(states) };
      },
    });
    const metrics = new Metrics();
    const processor = new BatchIngester({
      writer: atomic,
      deadLetters: { send: async () => {} },
      fold: foldInstance,
      maxEventBytes: 10_000,
      metrics,
      logger: createLogger('silent'),
    });
    await processor.process([message(event('p1', 'flowtrail.process.started', 'i-5'))]);
    const outcome = await processor.process([
      message(event('p22', 'flowtrail.process.completed', 'i-5')),
    ]);
    expect(outcome).toEqual({ indexed: 1, deadLettered: 0, statesWritten: 1 });
    expect(writer.states.get('shop/order/i-5')?.status).toBe('completed');
    expect(metrics.snapshot()).toMatchObject({ refolds: 2, continuedFolds: 0 });
  });
});
