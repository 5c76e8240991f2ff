/**
 * The dead-letter sink contract against the REAL Kafka: a dead-letter topic of its own
 * (one partition, so the topic has one order), read back with a plain consumer that
 * turns the `flowtrail-dlq-*` headers back into reason, errors and origin. Plus what only
 * Kafka does: a letter the topic refuses keeps its headers, without its value.
 */
import type { KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DLQ_HEADER, type DeadLetter } from '../../src/ports/dead-letter-sink.ts';
import {
  DLQ_VALUE_DROPPED_HEADER,
  KafkaDeadLetterSink,
} from '../../src/adapters/kafka/kafka-dead-letter-sink.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { waitFor } from '../helpers/wait-for.ts';
import {
  describeDeadLetterSinkContract,
  headerBytes,
  type ReadBackLetter,
} from './dead-letter-sink-contract.ts';
import { contractTopics, headerText, type ContractTopics } from './kafka-contract-topics.ts';

const ownHeaders = new Set<string>(Object.values(DLQ_HEADER));

function readBack(message: KafkaMessage): ReadBackLetter {
  const original = Object.fromEntries(
    Object.entries(message.headers ?? {}).filter(([name]) => !ownHeaders.has(name)),
  );
  return {
    origin: {
      topic: headerText(message, DLQ_HEADER.topic) ?? '',
      partition: Number(headerText(message, DLQ_HEADER.partition)),
      offset: headerText(message, DLQ_HEADER.offset) ?? '',
    },
    reason: headerText(message, DLQ_HEADER.reason) ?? '',
    errors: JSON.parse(headerText(message, DLQ_HEADER.errors) ?? 'null') as unknown[],
    key: message.key,
    value: message.value,
    headers: headerBytes(original),
  };
}

async function openSink(topics: ContractTopics, topic: string) {
  const sink = new KafkaDeadLetterSink(topics.kafka, topic, createLogger('silent'));
  await sink.connect();
  const records = await topics.read(topic);
  const read = async (origin: string): Promise<ReadBackLetter[]> =>
    records
      .filter((r) => headerText(r.message, DLQ_HEADER.topic) === origin)
      .map((r) => readBack(r.message));
  return { sink, read };
}

describeDeadLetterSinkContract('kafka', async () => {
  const topics = await contractTopics('dlq-contract');
  const { sink, read } = await openSink(topics, await topics.create('dlq'));
  return {
    sink,
    read,
    cleanup: async () => {
      await sink.disconnect();
      await topics.release();
    },
  };
});

describe('kafka dead-letter sink: a letter the topic refuses', () => {
  let topics: ContractTopics;
  let opened: Awaited<ReturnType<typeof openSink>>;

  beforeAll(async () => {
    topics = await contractTopics('dlq-refused');
    // Small letters fit, a 200 KiB one does not.
    const topic = await topics.create('dlq', { config: { 'max.message.bytes': '65536' } });
    opened = await openSink(topics, topic);
  });
  afterAll(async () => {
    await opened?.sink.disconnect();
    await topics?.release();
  });

  it('keeps the others whole and its headers without the value, nothing doubled', async () => {
    const letter = (offset: number, value: Buffer): DeadLetter => ({
      message: {
        topic: 'orders',
        partition: 0,
        offset: String(offset),
        key: Buffer.from(`k-${offset}`),
        value,
        headers: { 'x-origin': 'contract' },
      },
      reason: 'oversized',
      errors: [`letter ${offset}`],
    });
    const batch = [
      letter(1, Buffer.from('small one')),
      letter(2, Buffer.alloc(200 * 1024, 0x61)),
      letter(3, Buffer.from('small three')),
    ];
    await opened.sink.send(batch);
    await opened.sink.send([letter(4, Buffer.from('last'))]);
    const back = await waitFor(
      async () => {
        const letters = await opened.read('orders');
        return letters.some((l) => l.origin.offset === '4') && letters;
      },
      { description: 'the last letter' },
    );
    expect(back.map((l) => l.origin.offset)).toEqual(['1', '2', '3', '4']);
    expect(back[0]?.value).toEqual(Buffer.from('small one'));
    expect(back[2]?.value).toEqual(Buffer.from('small three'));
    const refused = back[1];
    expect(refused).toMatchObject({ reason: 'oversized', errors: ['letter 2'], value: null });
    expect(refused?.key).toEqual(Buffer.from('k-2'));
    expect(refused?.headers['x-origin']).toEqual(Buffer.from('contract'));
    expect(refused?.headers[DLQ_VALUE_DROPPED_HEADER]?.toString()).toMatch(/./);
  });
});
