/**
 * Commands over the REAL Kafka (KAFKA_BROKERS, default 127.0.0.1:9092): the collector's
 * `KafkaCommandPublisher` publishes to a topic of its own, the SDK's
 * `handleCommands({kafka})` for system `billing` handles only billing's commands, each id
 * once, and commits after the handler, so a restarted handler redelivers nothing it
 * handled. Topic and groups are deleted at the end.
 */
import { EventEmitter, once } from 'node:events';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleCommands, type FlowtrailCommand, type FlowtrailError } from '@flowtrail/sdk';
import { type ResendCommand } from '@flowtrail/sdk/protocol';
import { resendCommand } from './command-fixtures.ts';
import { KafkaCommandPublisher } from '../../src/adapters/kafka/commands/kafka-command-publisher.ts';
import {
  brokers,
  createTopics,
  deleteKafkaResources,
  testKafka,
  uniqueName,
} from '../helpers/servers.ts';

const name = uniqueName('commands');
const topic = `${name}.commands`;
const groupId = `${name}-billing`;
const ledgerGroup = `${name}-ledger`;
const kafka = testKafka();
let admin: Admin;
let publisher: KafkaCommandPublisher;

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect();
  await createTopics(admin, [topic], 3);
  publisher = new KafkaCommandPublisher({ kafka, topic });
});

afterAll(async () => {
  await publisher?.close();
  await deleteKafkaResources(admin, [topic], [groupId, ledgerGroup]);
  await admin?.disconnect();
});

const command = (id: string, target: string) =>
  resendCommand(id, {
    time: new Date().toISOString(),
    fttarget: target,
    ftprocess: 'invoice',
    ftinstance: `i-${id}`,
    data: { reason: 'lost-completion', what: 'completion', findingId: `f-${id}`, attempt: 1 },
  });

/**
 * Messages after the group's committed offset on billing's partition (the one its key
 * maps to: the fullest, as shipping has a single command).
 */
async function billingLag(): Promise<number> {
  const [group] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const ends = await admin.fetchTopicOffsets(topic);
  const billing = ends.reduce((a, b) => (Number(b.high) > Number(a.high) ? b : a));
  const committed = group?.partitions.find((p) => p.partition === billing.partition)?.offset;
  return Number(billing.high) - Number(committed ?? -1);
}

/** A billing handler that announces each command it handles. */
function billingHandler() {
  const handled: FlowtrailCommand[] = [];
  const events = new EventEmitter();
  const errors: FlowtrailError[] = [];
  const sub = handleCommands({
    system: 'billing',
    kafka: { brokers, groupId, topic },
    handler: async (c) => {
      handled.push(c);
      events.emit('handled', c);
    },
    onError: (err) => errors.push(err),
  });
  /** Resolves when the command with this id has been handled. */
  const handledId = (id: string): Promise<void> =>
    handled.some((c) => c.id === id)
      ? Promise.resolve()
      : new Promise((resolve) => {
          const on = (c: FlowtrailCommand): void => {
            if (c.id !== id) return;
            events.off('handled', on);
            resolve();
          };
          events.on('handled', on);
        });
  return { sub, handled, errors, handledId };
}

describe('KafkaCommandPublisher → handleCommands({ kafka }) (real Kafka)', () => {
  it('delivers billing only its commands, once per id, and commits after the handler', async () => {
    const first = billingHandler();
    try {
      await publisher.publish([
        command('b-1', 'billing'),
        command('s-1', 'shipping'),
        command('b-2', 'billing'),
      ]);
      await publisher.publish([command('b-1', 'billing')]); // the same id again
      await publisher.publish([command('b-3', 'billing')]);
      // Keyed by target: all billing commands share one partition, in order — b-3 comes
      // after the duplicate of b-1, so once b-3 is handled the duplicate was skipped.
      await first.handledId('b-3');
    } finally {
      await first.sub.stop(); // lets the running handler finish and its offset be committed
    }
    expect(first.handled.map((c) => c.id)).toEqual(['b-1', 'b-2', 'b-3']);
    expect(first.sub.stats()).toMatchObject({ received: 4, handled: 3, duplicates: 1, failed: 0 });
    expect(first.errors).toEqual([]);
    expect(await billingLag()).toBe(0); // committed after handling, before stop() resolved

    // Restart: nothing handled is delivered again; only the new command arrives.
    const second = billingHandler();
    try {
      await publisher.publish([command('b-4', 'billing')]);
      await second.handledId('b-4');
    } finally {
      await second.sub.stop();
    }
    expect(second.handled.map((c) => c.id)).toEqual(['b-4']);
    expect(second.sub.stats()).toMatchObject({ received: 1, handled: 1, duplicates: 0 });
    expect(await billingLag()).toBe(0);
  });

  it('retries a failing handler in-process, then commits; errors go to onError', async () => {
    const calls: string[] = [];
    const errors: FlowtrailError[] = [];
    const handled = new EventEmitter();
    const sub = handleCommands({
      system: 'ledger',
      kafka: { brokers, groupId: ledgerGroup, topic },
      initialBackoffMs: 1,
      maxBackoffMs: 10,
      handler: (c) => {
        calls.push(c.id);
        if (calls.length < 3) throw new Error(`ledger locked (${calls.length})`);
        handled.emit('ok');
      },
      onError: (err) => errors.push(err),
    });
    try {
      const ok = once(handled, 'ok');
      await publisher.publish([command('l-1', 'ledger')]);
      await ok;
    } finally {
      await sub.stop();
    }
    expect(calls).toEqual(['l-1', 'l-1', 'l-1']);
    expect(errors.map((e) => e.code)).toEqual(['command-handler', 'command-handler']);
    expect(sub.stats()).toMatchObject({ received: 3, handled: 1, failed: 2 });
  });

  it('keys each command by its target system', async () => {
    const offsets = await admin.fetchTopicOffsets(topic);
    const consumer = kafka.consumer({ groupId: `${name}-keys` });
    const keys = new Map<string, string>();
    let remaining = offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
    expect(remaining).toBe(7); // the duplicate of b-1 included
    const done = new EventEmitter();
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const c = JSON.parse(message.value!.toString()) as ResendCommand;
          keys.set(c.id, message.key!.toString());
          expect(message.headers?.['content-type']?.toString()).toBe(
            'application/cloudevents+json',
          );
          remaining -= 1;
          if (remaining === 0) done.emit('done');
        },
      });
      await once(done, 'done');
    } finally {
      await consumer.disconnect();
      await admin.deleteGroups([`${name}-keys`]).catch(() => undefined);
    }
    expect(Object.fromEntries(keys)).toEqual({
      'b-1': 'billing',
      'b-2': 'billing',
      'b-3': 'billing',
      'b-4': 'billing',
      'l-1': 'ledger',
      's-1': 'shipping',
    });
  });
});
