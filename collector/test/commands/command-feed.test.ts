/**
 * `CommandFeed` (records of the commands and acks topics → one collector's queue),
 * `encodeAck`/`decodeAck`, `SharedCommandQueue` and `feedGroupId`: pure, no Kafka. The
 * acknowledged ids are a `RecentIds`, tested with the SDK (sdk/test/recent-ids.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { encodeCommand } from '@flowtrail/sdk/protocol';
import { resendCommand } from './command-fixtures.ts';
import { decodeAck, encodeAck } from '../../src/domain/commands/command-ack-record.ts';
import { CommandFeed } from '../../src/app/commands/command-feed.ts';
import { CommandPublishError } from '../../src/ports/command-publisher.ts';
import { CommandQueue } from '../../src/app/commands/command-queue.ts';
import { feedGroupId } from '../../src/adapters/kafka/commands/kafka-command-feed.ts';
import { SharedCommandQueue } from '../../src/app/commands/shared-command-queue.ts';

const topics = { commandsTopic: 'x.commands', acksTopic: 'x.command-acks' };

const command = (id: string, target = 'orders') => resendCommand(id, { fttarget: target });

const ack = (id: string): string => encodeAck(id, new Date('2026-11-22T09:01:00Z')).value;
const ids = (commands: { id: string }[]): string[] => commands.map((c) => c.id);

describe('ack records', () => {
  it('are keyed by the command id and decode back to it', () => {
    const record = encodeAck('c-1', new Date('2026-11-22T09:01:00Z'));
    expect(record).toEqual({
      key: 'c-1',
      value: '{"id":"c-1","time":"2026-11-22T09:01:00.000Z"}',
      headers: { 'content-type': 'application/json' },
    });
    expect(decodeAck(Buffer.from(record.value))).toBe('c-1');
  });

  it('decode nothing from what is not an ack', () => {
    for (const value of [null, undefined, '', 'not json', '{}', '{"id":""}', '{"id":3}', 'null']) {
      expect(decodeAck(value)).toBeUndefined();
    }
  });
});

describe('CommandFeed', () => {
  it('enqueues each command once, whichever collector published it', async () => {
    const queue = new CommandQueue();
    const feed = new CommandFeed(queue, topics);
    expect(feed.apply(topics.commandsTopic, encodeCommand(command('c-1')))).toBe('enqueued');
    expect(feed.apply(topics.commandsTopic, encodeCommand(command('c-1')))).toBe('known');
    expect(feed.apply('other', encodeCommand(command('c-2')))).toBe('ignored');
    expect(ids(await queue.take('orders'))).toEqual(['c-1']);
  });

  it('removes acked ids and never serves them again, even when the ack came first', async () => {
    const queue = new CommandQueue();
    const feed = new CommandFeed(queue, topics);
    feed.apply(topics.commandsTopic, encodeCommand(command('c-1')));
    expect(feed.apply(topics.acksTopic, ack('c-1'))).toBe('acked');
    expect(queue.pending()).toBe(0);
    expect(feed.apply(topics.commandsTopic, encodeCommand(command('c-1')))).toBe('already-acked');
    expect(feed.apply(topics.acksTopic, ack('c-2'))).toBe('acked'); // before its command
    expect(feed.apply(topics.commandsTopic, encodeCommand(command('c-2')))).toBe('already-acked');
    expect(await queue.take('orders')).toEqual([]);
    expect(feed.stats()).toEqual({ enqueued: 1, known: 0, alreadyAcked: 2, acked: 2, invalid: 0 });
  });

  it('reports and skips records that are neither commands nor acks', () => {
    const reported: string[] = [];
    const feed = new CommandFeed(new CommandQueue(), {
      ...topics,
      onInvalid: (topic) => reported.push(topic),
    });
    expect(feed.apply(topics.commandsTopic, '{"type":"order.placed"}')).toBe('invalid');
    expect(feed.apply(topics.commandsTopic, null)).toBe('invalid');
    expect(feed.apply(topics.acksTopic, 'nope')).toBe('invalid');
    expect(reported).toEqual([topics.commandsTopic, topics.commandsTopic, topics.acksTopic]);
  });

  it('refuses one topic for both', () => {
    expect(
      () => new CommandFeed(new CommandQueue(), { commandsTopic: 't', acksTopic: 't' }),
    ).toThrow(RangeError);
  });
});

describe('SharedCommandQueue', () => {
  it('publishes an ack before it removes the ids here', async () => {
    const queue = new CommandQueue();
    const feed = new CommandFeed(queue, topics);
    const published: string[][] = [];
    const shared = new SharedCommandQueue(queue, feed, {
      publish: async (acked) => void published.push([...acked]),
    });
    feed.apply(topics.commandsTopic, encodeCommand(command('c-1')));
    expect(ids(await shared.take('orders'))).toEqual(['c-1']);
    expect(await shared.ack(['c-1', 'unknown'])).toBe(1);
    expect(published).toEqual([['c-1', 'unknown']]);
    expect(queue.pending()).toBe(0);
  });

  it('counts the ids held here even when its own ack record was read back first', async () => {
    const queue = new CommandQueue();
    const feed = new CommandFeed(queue, topics);
    // The feed reads the ack record (and removes the id) before the publish resolves.
    const shared = new SharedCommandQueue(queue, feed, {
      publish: async (acked) => {
        for (const id of acked) feed.apply(topics.acksTopic, ack(id));
      },
    });
    feed.apply(topics.commandsTopic, encodeCommand(command('c-1')));
    expect(await shared.ack(['c-1', 'c-1', 'unknown'])).toBe(1);
    expect(queue.pending()).toBe(0);
  });

  it('removes nothing when the ack could not be published', async () => {
    const queue = new CommandQueue();
    const feed = new CommandFeed(queue, topics);
    const shared = new SharedCommandQueue(queue, feed, {
      publish: async () => {
        throw new CommandPublishError('kafka down', true);
      },
    });
    feed.apply(topics.commandsTopic, encodeCommand(command('c-1')));
    await expect(shared.ack(['c-1'])).rejects.toMatchObject({ retriable: true });
    expect(queue.pending()).toBe(1);
  });
});

describe('feedGroupId', () => {
  it('is of the collector group and unique per process', () => {
    expect(feedGroupId('flowtrail-collector', 'abc')).toBe('flowtrail-collector.command-feed.abc');
    expect(feedGroupId('g')).not.toBe(feedGroupId('g'));
  });
});
