/** `CommandQueue`: per-system FIFO, long-poll, leases, acks, bounds. Fake timers only. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resendCommand } from './command-fixtures.ts';
import { CommandQueue } from '../../src/app/commands/command-queue.ts';
import { CommandPublishError } from '../../src/ports/command-publisher.ts';

const command = (id: string, target = 'orders') => resendCommand(id, { fttarget: target });

const ids = (commands: { id: string }[]): string[] => commands.map((c) => c.id);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('CommandQueue', () => {
  it('hands out pending commands of one system at once, oldest first', async () => {
    const queue = new CommandQueue();
    await queue.publish([command('a'), command('b', 'payments'), command('c')]);
    expect(queue.enqueue(command('a'))).toBe(false); // known id
    expect(queue.pending('orders')).toBe(2);
    expect(ids(await queue.take('orders', { waitMs: 30_000 }))).toEqual(['a', 'c']);
    expect(ids(await queue.take('payments'))).toEqual(['b']);
    expect(await queue.take('shipping')).toEqual([]);
  });

  it('resolves a waiting long-poll when a command for its system arrives', async () => {
    const queue = new CommandQueue();
    const polled = queue.take('orders', { waitMs: 30_000 });
    let settled = false;
    void polled.then(() => (settled = true));
    queue.enqueue(command('other', 'payments'));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(settled).toBe(false);
    queue.enqueue(command('x'));
    expect(ids(await polled)).toEqual(['x']);
  });

  it('answers an empty list when the wait runs out, on abort and on close', async () => {
    const queue = new CommandQueue();
    const polled = queue.take('orders', { waitMs: 5_000 });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await polled).toEqual([]);

    const gone = new AbortController();
    const aborted = queue.take('orders', { waitMs: 30_000, signal: gone.signal });
    gone.abort();
    expect(await aborted).toEqual([]);

    const closing = queue.take('orders', { waitMs: 30_000 });
    await queue.close();
    expect(await closing).toEqual([]);
    await expect(queue.publish([command('late')])).rejects.toBeInstanceOf(CommandPublishError);
  });

  it('keeps a delivered command until it is acknowledged; redelivers it after its lease', async () => {
    const queue = new CommandQueue({ leaseMs: 10_000 });
    queue.enqueue(command('a'));
    expect(ids(await queue.take('orders'))).toEqual(['a']);
    expect(await queue.take('orders')).toEqual([]); // leased: hidden, not gone
    expect(queue.pending('orders')).toBe(1);

    const waiting = queue.take('orders', { waitMs: 30_000 }); // woken by the lease's end
    await vi.advanceTimersByTimeAsync(10_000);
    expect(ids(await waiting)).toEqual(['a']);
    expect(queue.stats()).toMatchObject({ delivered: 2, redelivered: 1 });

    expect(queue.ack(['a', 'unknown'])).toBe(1);
    expect(queue.pending()).toBe(0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await queue.take('orders')).toEqual([]);
  });

  it('bounds each system, dropping the oldest; honours max per take', async () => {
    const queue = new CommandQueue({ maxPerSystem: 2 });
    for (const id of ['a', 'b', 'c']) queue.enqueue(command(id));
    queue.enqueue(command('p', 'payments'));
    expect(queue.stats()).toMatchObject({ pending: 3, dropped: 1, enqueued: 4 });
    expect(ids(await queue.take('orders', { max: 1 }))).toEqual(['b']);
    expect(ids(await queue.take('orders', { max: 1 }))).toEqual(['c']);
    expect(() => new CommandQueue({ leaseMs: 0 })).toThrow(RangeError);
  });
});
