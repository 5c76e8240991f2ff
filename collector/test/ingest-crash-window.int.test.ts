/**
 * Kafka mode, crash between the events bulk and the states bulk (issue 10, item 3),
 * against the REAL (shared) Kafka and Elasticsearch. Elasticsearch has no transaction
 * over a batch's events and states: the events bulk succeeds, the collector dies before
 * the states bulk, and the states are now behind their stored events. What repairs them
 * is the replay from the uncommitted offset — the slice was never committed, because the
 * Kafka source commits only after the whole batch, states included, is stored.
 *
 * In process, the collector's pipeline (KafkaSource → BatchIngester → RetryingEventWriter
 * → the Elasticsearch store, as main/start-collector.ts wires it) runs with a writer whose
 * `writeStates` never completes for one batch once armed. That collector is abandoned as
 * if it had crashed (no commit, no leave: its session times out); a new one on the same
 * group replays the slice and every state equals the fold of its stored events again.
 *
 * Each instance gets exactly one event after the arming, so nothing but the replay of
 * that very slice can fold its instances again: the control case commits the slice's
 * offsets the way a collector committing BEFORE the states would have, and there the
 * states stay stale (the positive case's assertion would fail) — until `flowtrail repair
 * --elasticsearch` (app/ingest/full-state-repair.ts) re-folds them.
 */
import type { ContributedFold, StoredSummary, SummaryStore } from '../src/ports/summary-store.ts';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { instanceKeyOf } from '@flowtrail/sdk/protocol';
import type { Admin } from 'kafkajs';
import { KafkaTransport } from '@flowtrail/sdk';
import { ElasticsearchEventStore } from '../src/adapters/elasticsearch/es-event-store.ts';
import { createKafka } from '../src/adapters/kafka/kafka-client.ts';
import { KafkaSource } from '../src/adapters/kafka/kafka-source.ts';
import { BatchIngester } from '../src/app/ingest/batch-ingester.ts';
import { RetryingDeadLetterSink } from '../src/app/ingest/retrying-dead-letter-sink.ts';
import { RetryingEventWriter } from '../src/app/ingest/retrying-event-store.ts';
import { foldInstance } from '../src/domain/instance/fold.ts';
import type { InstanceState } from '../src/domain/instance/instance-state.ts';
import { roleRuntime } from '../src/main/assemble.ts';
import { parseConfig, type CollectorConfig } from '../src/main/config/config.ts';
import type { EventWriter, WriteResult } from '../src/ports/event-store.ts';
import type { IncomingMessage, MessageBatchHandler } from '../src/ports/incoming-message.ts';
import { createLogger } from '../src/shared/logger.ts';
import { runRepair } from '../src/tools/cli/repair-command.ts';
import { at, makeEvent } from './helpers/events.ts';
import {
  brokers,
  collectorTestEnv,
  consumerLag,
  createTopics,
  uniqueName,
} from './helpers/servers.ts';
import { connectSuiteServers, type SuiteServers } from './helpers/suite-servers.ts';
import { waitFor } from './helpers/wait-for.ts';

const INSTANCES = 45;
const logger = createLogger('silent');
const cleanups: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

/**
 * The Elasticsearch writer with a crash window: once `arm`ed, the next states write
 * (`writeFoldedStates`, with their summaries; or `writeStates`) — the events bulk of its
 * batch has succeeded — and every later one never complete —
 * the process "died" there. `release` fails them at the end of the test.
 */
class CrashWindowWriter implements EventWriter, SummaryStore {
  armed = false;
  /** The states the crashed batch never wrote, and the events its bulk stored. */
  crashed: { states: InstanceState[]; events: FlowtrailEvent[] } | undefined;
  private lastEvents: readonly FlowtrailEvent[] = [];
  private readonly hung: ((err: Error) => void)[] = [];

  constructor(private readonly inner: EventWriter & SummaryStore) {}

  /** The product's path: folds continued from the stored summaries (summary-folds.ts). */
  readSummaries(keys: readonly string[]): Promise<Map<string, StoredSummary>> {
    return this.inner.readSummaries(keys);
  }

  writeFoldedStates(folded: readonly ContributedFold[]): Promise<WriteResult<InstanceState>> {
    if (!this.armed && this.crashed === undefined) return this.inner.writeFoldedStates(folded);
    this.crashed ??= { states: folded.map((item) => item.state), events: [...this.lastEvents] };
    return new Promise((_, reject) => this.hung.push(reject));
  }

  async writeEvents(events: readonly FlowtrailEvent[]): Promise<WriteResult<FlowtrailEvent>> {
    const result = await this.inner.writeEvents(events);
    this.lastEvents = events;
    return result;
  }

  eventsOfInstances(keys: readonly string[]): Promise<Map<string, FlowtrailEvent[]>> {
    return this.inner.eventsOfInstances(keys);
  }

  writeStates(states: readonly InstanceState[]): Promise<WriteResult<InstanceState>> {
    if (!this.armed && this.crashed === undefined) return this.inner.writeStates(states);
    this.crashed ??= { states: [...states], events: [...this.lastEvents] };
    return new Promise((_, reject) => this.hung.push(reject));
  }

  release(): void {
    for (const reject of this.hung.splice(0)) reject(new Error('the crashed collector is gone'));
  }
}

/** Remembers the slice the source handed over last (its offsets). */
class SliceRecorder implements MessageBatchHandler {
  slices: IncomingMessage[][] = [];
  constructor(private readonly inner: MessageBatchHandler) {}
  process(messages: readonly IncomingMessage[]): Promise<unknown> {
    this.slices.push([...messages]);
    return this.inner.process(messages);
  }
}

interface Pipeline {
  recorder: SliceRecorder;
  source: KafkaSource;
}

/** The collector's Kafka pipeline, wired as main/start-collector.ts does it. */
async function startPipeline(
  config: CollectorConfig,
  topic: string,
  writer: EventWriter,
): Promise<Pipeline> {
  const { metrics, retrier } = roleRuntime(config, logger);
  const processor = new BatchIngester({
    writer: new RetryingEventWriter(writer, retrier),
    deadLetters: new RetryingDeadLetterSink({ send: async () => undefined }, retrier),
    fold: foldInstance,
    maxEventBytes: config.maxEventBytes,
    metrics,
    logger,
  });
  const recorder = new SliceRecorder(processor);
  const source = new KafkaSource({
    kafka: createKafka(config.kafka, logger),
    config,
    topics: [topic],
    processor: recorder,
    logger,
    metrics,
    onFatal: () => undefined,
  });
  await source.start();
  return { recorder, source };
}

/** Four events per instance before the crash, one (its last) in the crashed batch. */
function history(i: number): { before: FlowtrailEvent[]; after: FlowtrailEvent } {
  const instance = `cw-${String(i).padStart(3, '0')}`;
  const base = at('2024-10-01T08:00:00Z', i * 60);
  const event = (type: string, s: number, step?: string): FlowtrailEvent =>
    makeEvent({
      id: `${instance}-${s}`,
      type,
      instance,
      time: at(base, s),
      ...(step !== undefined ? { step } : {}),
      ...(s === 0 ? { data: { businessKeys: { orderId: `o-${i}` } } } : {}),
    });
  return {
    before: [
      event('flowtrail.process.started', 0),
      event('flowtrail.step.started', 1, 'pick'),
      event('flowtrail.step.completed', 2, 'pick'),
      event('flowtrail.step.started', 3, 'pack'),
    ],
    after: event('flowtrail.step.completed', 4, 'pack'),
  };
}

interface Case {
  name: string;
  topic: string;
  config: CollectorConfig;
  env: Record<string, string>;
  servers: SuiteServers;
  admin: Admin;
  store: ElasticsearchEventStore;
  histories: ReturnType<typeof history>[];
  keys: string[];
}

async function openCase(tag: string): Promise<Case> {
  const name = uniqueName(tag);
  const topic = `${name}.events`;
  const servers = await connectSuiteServers(name);
  cleanups.push(() => servers.release([topic, `${name}.dlq`], [name]));
  await createTopics(servers.admin, [topic], 3);
  const env = collectorTestEnv(name, {
    FLOWTRAIL_BATCH_SIZE: '100',
    FLOWTRAIL_SESSION_TIMEOUT_MS: '6000',
    // One batch at a time: the crash window observed is that of ONE batch (its slice,
    // the events its bulk stored, the states it never wrote).
    FLOWTRAIL_PARTITIONS_CONCURRENTLY: '1',
  });
  const config = parseConfig(env);
  const store = ElasticsearchEventStore.fromConfig(config.elasticsearch, logger);
  cleanups.push(() => store.close());
  await store.prepare();
  const histories = Array.from({ length: INSTANCES }, (_, i) => history(i));
  const keys = histories.map((h) => instanceKeyOf(h.after));
  return { name, topic, config, env, servers, admin: servers.admin, store, histories, keys };
}

async function produce(c: Case, events: FlowtrailEvent[]): Promise<void> {
  const transport = new KafkaTransport({ brokers, topic: c.topic });
  try {
    await transport.send(events); // one send: each partition's share comes as one batch
  } finally {
    await transport.close();
  }
}

const asData = (value: unknown): unknown =>
  value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown);

/** Instances whose stored state is not the fold of its stored events. */
async function staleKeys(c: Case): Promise<string[]> {
  const stale: string[] = [];
  for (const key of c.keys) {
    const events = await c.store.getEvents(key);
    const state = await c.store.getInstance(key);
    const expected = events.length === 0 ? undefined : foldInstance(events);
    if (!isDeepStrictEqual(asData(state), asData(expected))) stale.push(key);
  }
  return stale;
}

/**
 * The common part: everything before the arming stored and committed by collector 1,
 * then one event per instance with collector 1's states write hanging after its events
 * bulk. Returns the crashed collector's writer and the crashed slice.
 */
async function crashBetweenBulks(c: Case): Promise<{
  writer: CrashWindowWriter;
  first: Pipeline;
  slice: IncomingMessage[];
}> {
  const writer = new CrashWindowWriter(c.store);
  const first = await startPipeline(c.config, c.topic, writer);
  cleanups.push(async () => {
    writer.release();
    await first.source.stop();
  });
  await produce(
    c,
    c.histories.flatMap((h) => h.before),
  );
  await waitFor(
    async () =>
      (await consumerLag(c.admin, c.name, c.topic)) === 0 &&
      (await c.store.instancesByKeys(c.keys)).every((s) => s.eventCount === 4),
    { timeoutMs: 90_000, description: 'the first events stored, folded and committed' },
  );
  expect(await staleKeys(c)).toEqual([]);

  writer.armed = true;
  const sliceCount = first.recorder.slices.length;
  await produce(
    c,
    c.histories.map((h) => h.after),
  );
  await waitFor(() => writer.crashed !== undefined, {
    timeoutMs: 60_000,
    description: 'a batch stuck between its events bulk and its states bulk',
  });
  const slice = first.recorder.slices[sliceCount] as IncomingMessage[];
  const crashed = writer.crashed as NonNullable<CrashWindowWriter['crashed']>;
  // The crash window, observed: the batch's events are stored, its states are not.
  expect(crashed.events.length).toBe(slice.length);
  expect(crashed.states.length).toBe(slice.length);
  const crashedKeys = crashed.states.map((s) => s.key).sort();
  await c.servers.es.indices.refresh({ index: `${c.name}-events-*` });
  expect(await staleKeys(c)).toEqual(crashedKeys);
  for (const key of crashedKeys) {
    expect((await c.store.getEvents(key)).length).toBe(5);
    expect((await c.store.getInstance(key))?.eventCount).toBe(4);
  }
  // Nothing of the slice was committed.
  const [committed] = await c.admin.fetchOffsets({ groupId: c.name, topics: [c.topic] });
  const partition = slice[0]?.partition;
  const offset = committed?.partitions.find((p) => p.partition === partition)?.offset;
  expect(BigInt(offset ?? '-1')).toBeLessThanOrEqual(BigInt(slice[0]?.offset ?? '0'));
  return { writer, first, slice };
}

async function startSecond(c: Case): Promise<Pipeline> {
  const second = await startPipeline(c.config, c.topic, c.store);
  cleanups.push(() => second.source.stop());
  // The crashed member keeps its partitions until its session (6 s) times out.
  await waitFor(
    async () =>
      (await consumerLag(c.admin, c.name, c.topic)) === 0 &&
      second.recorder.slices.reduce((n, s) => n + s.length, 0) > 0,
    { timeoutMs: 120_000, description: 'the new collector caught up' },
  );
  return second;
}

describe('Kafka mode: a crash between the events bulk and the states bulk (real servers)', () => {
  it('is repaired by the replay from the uncommitted offset', async () => {
    const c = await openCase('crashwin');
    const { slice } = await crashBetweenBulks(c);
    const second = await startSecond(c);
    // The new collector replayed the crashed slice: it was handed the same offsets again.
    const replayed = new Set(
      second.recorder.slices.flat().map((m) => `${m.partition}@${m.offset}`),
    );
    expect(slice.every((m) => replayed.has(`${m.partition}@${m.offset}`))).toBe(true);
    await waitFor(async () => (await staleKeys(c)).length === 0, {
      timeoutMs: 30_000,
      description: 'every state equal to the fold of its stored events',
    });
    for (const key of c.keys) {
      expect((await c.store.getInstance(key))?.eventCount).toBe(5);
    }
  });

  it('control: offsets committed before the states would leave them stale; `flowtrail repair` re-folds them', async () => {
    const c = await openCase('crashwin-ctl');
    const { slice } = await crashBetweenBulks(c);
    const crashedKeys = [...new Set(slice.map((m) => m.key?.toString() ?? ''))].sort();
    // What a collector that commits before writing the states would have left behind:
    // the slice committed. Offsets can be set once the crashed member's session expired.
    const last = slice[slice.length - 1] as IncomingMessage;
    await waitFor(
      async () => (await c.admin.describeGroups([c.name])).groups[0]?.state === 'Empty',
      { timeoutMs: 60_000, description: 'the crashed member gone from the group' },
    );
    await c.admin.setOffsets({
      groupId: c.name,
      topic: c.topic,
      partitions: [{ partition: last.partition, offset: (BigInt(last.offset) + 1n).toString() }],
    });
    const second = await startSecond(c);
    const replayed = new Set(
      second.recorder.slices.flat().map((m) => `${m.partition}@${m.offset}`),
    );
    expect(slice.some((m) => replayed.has(`${m.partition}@${m.offset}`))).toBe(false);
    // Searches are near-real-time: the collector continues folds without a refresh.
    await c.servers.es.indices.refresh({ index: `${c.name}-instances,${c.name}-events-*` });
    expect(await staleKeys(c)).toEqual(crashedKeys);

    // The full-scan repair finds exactly those and folds them again.
    const out: string[] = [];
    const io = {
      env: c.env,
      cwd: process.cwd(),
      out: (t: string) => out.push(t),
      err: (t: string) => out.push(t),
      logger,
    };
    expect(await runRepair(['--elasticsearch', '--dry-run', '--json'], io)).toBe(1);
    expect(JSON.parse(out.pop() as string)).toMatchObject({
      checked: INSTANCES,
      stale: crashedKeys.length,
      behind: crashedKeys.length,
      repaired: 0,
    });
    expect(await runRepair(['--elasticsearch', '--json'], io)).toBe(0);
    expect(JSON.parse(out.pop() as string)).toMatchObject({
      checked: INSTANCES,
      stale: crashedKeys.length,
      repaired: crashedKeys.length,
    });
    expect(await staleKeys(c)).toEqual([]);
  });
});
