/**
 * Shared by the Kafka-mode detection integration tests (`*.int.test.ts` next to it):
 * the setup of a suite that replays a generated scenario, the scenario's definitions as
 * YAML files, events produced to the collector's input topic in structured mode, waiting
 * until the collector folded them all, and reading a whole Kafka topic back with a plain
 * consumer. Everything against the REAL servers.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@elastic/elasticsearch';
import type { Admin, Kafka, Producer } from 'kafkajs';
import {
  encodeStructured,
  instanceKeyOf,
  STRUCTURED_CONTENT_TYPE,
  type FlowtrailEvent,
} from '@flowtrail/sdk/protocol';
import type { Alert } from '../../src/domain/alerts/alert.ts';
import type { AlertService } from '../../src/app/alerts/alert-service.ts';
import { parseConfig, type CollectorConfig } from '../../src/main/config/config.ts';
import type { DetectionDefinition } from '../../src/domain/detection/consistency.ts';
import type { DetectionScenario } from '../helpers/scenarios/consistency-scenario.ts';
import { collectorTestEnv, createTopics } from '../helpers/servers.ts';
import { connectSuiteServers, type SuiteServers } from '../helpers/suite-servers.ts';
import { waitFor } from '../helpers/wait-for.ts';

/**
 * Writes the scenario's definitions (steps and allowed order) as definition files the
 * collector's registry loads (FLOWTRAIL_DEFINITIONS_DIR). JSON is valid YAML 1.2.
 */
export async function writeDefinitionsDir(
  definitions: readonly DetectionDefinition[],
): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'flowtrail-detection-int-'));
  for (const d of definitions) {
    const document = {
      process: d.process,
      version: d.version ?? 1,
      ...(d.start !== undefined ? { start: [...d.start] } : {}),
      steps: d.steps.map((s) => ({
        name: s.name,
        ...(s.next !== undefined ? { next: [...s.next] } : {}),
      })),
    };
    await writeFile(join(dir, `${d.process}.yaml`), `${JSON.stringify(document, null, 2)}\n`);
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface ScenarioSuite {
  servers: SuiteServers;
  /** Connected; `produceEvents` sends the scenario's events with it. */
  producer: Producer;
  /** For the suite's collectors (see `setUpScenarioSuite`). */
  config: CollectorConfig;
  /**
   * Once the collectors stopped: disconnects the producer, removes the definitions, then
   * the suite's indices, these topics and its consumer group.
   */
  release(topics: string[]): Promise<void>;
}

/**
 * The setup of a suite that replays a generated scenario in Kafka mode: the suite's
 * servers and input topic, a producer, and the collectors' config — detection on with the
 * scenario's grace and definitions (FLOWTRAIL_DEFINITIONS_DIR), timed sweeps only every
 * `sweepIntervalMs` (the test drives the sweeps itself), learned deadlines off.
 */
export async function setUpScenarioSuite(
  name: string,
  topic: string,
  scenario: DetectionScenario,
  sweepIntervalMs: number,
): Promise<ScenarioSuite> {
  let servers: SuiteServers | undefined;
  let producer: Producer | undefined;
  let definitions: Awaited<ReturnType<typeof writeDefinitionsDir>> | undefined;
  const release = async (topics: string[]) => {
    await producer?.disconnect();
    await definitions?.remove();
    await servers?.release(topics, [name]);
  };
  try {
    servers = await connectSuiteServers(name);
    await createTopics(servers.admin, [topic]);
    producer = servers.kafka.producer();
    await producer.connect();
    definitions = await writeDefinitionsDir(scenario.definitions);
    const config = parseConfig(
      collectorTestEnv(name, {
        FLOWTRAIL_DETECTION: 'true',
        FLOWTRAIL_SWEEP_INTERVAL_MS: String(sweepIntervalMs),
        FLOWTRAIL_GRACE_MS: String(scenario.graceMs),
        FLOWTRAIL_DEFINITIONS_DIR: definitions.dir,
        FLOWTRAIL_LEARNED_MAX_INSTANCES: '0',
      }),
    );
    return { servers, producer, config, release };
  } catch (error) {
    await release([topic]);
    throw error;
  }
}

/** Produces the events as they are (duplicates and order kept), key = instance key. */
export async function produceEvents(
  producer: Producer,
  topic: string,
  events: readonly FlowtrailEvent[],
): Promise<void> {
  const chunk = 500;
  for (let i = 0; i < events.length; i += chunk) {
    await producer.send({
      topic,
      messages: events.slice(i, i + chunk).map((event) => ({
        key: instanceKeyOf(event),
        value: encodeStructured(event),
        headers: { 'content-type': STRUCTURED_CONTENT_TYPE },
      })),
    });
  }
}

/**
 * Waits until the collector folded every event: as many instance documents as instances,
 * and their `eventCount`s add up to the number of distinct event ids.
 */
export async function waitUntilFolded(
  es: Client,
  prefix: string,
  events: readonly FlowtrailEvent[],
  timeoutMs = 120_000,
): Promise<void> {
  const instances = new Set(events.map((e) => instanceKeyOf(e))).size;
  const ids = new Set(events.map((e) => e.id)).size;
  await waitFor(
    async () => {
      await es.indices.refresh({ index: `${prefix}-instances`, ignore_unavailable: true });
      const response = await es.search({
        index: `${prefix}-instances`,
        size: 0,
        track_total_hits: true,
        aggs: { events: { sum: { field: 'eventCount' } } },
      });
      const total = response.hits.total;
      const count = typeof total === 'number' ? total : (total?.value ?? 0);
      const sum = (response.aggregations?.events as { value?: number } | undefined)?.value ?? 0;
      return count === instances && sum === ids;
    },
    { timeoutMs, intervalMs: 500, description: `${instances} instances with ${ids} events` },
  );
}

/** Every alert of the prefix (any status), by paging the alert service. */
export async function allAlerts(alerts: AlertService): Promise<Alert[]> {
  const out: Alert[] = [];
  for (let from = 0; ; from += 100) {
    const page = await alerts.search({ from, size: 100 });
    out.push(...page.alerts);
    if (page.alerts.length < 100 || out.length >= page.total) return out;
  }
}

export interface TopicRecord {
  key: string;
  value: Record<string, unknown>;
  headers: Record<string, string>;
}

/**
 * Reads `topic` from the beginning up to its current end (high watermarks taken first)
 * with a plain consumer of a group of its own, which is deleted afterwards.
 */
export async function readTopic(
  kafka: Kafka,
  admin: Admin,
  topic: string,
  groupId: string,
): Promise<TopicRecord[]> {
  const ends = await admin.fetchTopicOffsets(topic);
  const remaining = new Map(
    ends.filter((e) => Number(e.high) > Number(e.low)).map((e) => [e.partition, Number(e.high)]),
  );
  const records: TopicRecord[] = [];
  if (remaining.size === 0) return records;
  const consumer = kafka.consumer({ groupId });
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const end = remaining.get(partition);
        if (end === undefined || Number(message.offset) >= end) return;
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) {
          if (v !== undefined) headers[k] = String(Array.isArray(v) ? v[0] : v);
        }
        records.push({
          key: message.key?.toString() ?? '',
          value: JSON.parse(message.value?.toString() ?? 'null') as Record<string, unknown>,
          headers,
        });
        if (Number(message.offset) + 1 >= end) remaining.delete(partition);
        if (remaining.size === 0) done();
      },
    });
    await waitFor(() => remaining.size === 0 || undefined, {
      timeoutMs: 60_000,
      description: `the records of ${topic}`,
    });
    await finished;
  } finally {
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  return records;
}

/** `kind instanceKey` pairs, sorted and unique. */
export function pairsOf(items: readonly { kind: string; instanceKey: string }[]): string[] {
  return [...new Set(items.map((item) => `${item.kind} ${item.instanceKey}`))].sort();
}

/**
 * The sweep instants that replay detection as a running collector does it: from an hour
 * after the first event, every `stepMs`, up to `now` — each sweep's window reaches back
 * past the previous one (with FLOWTRAIL_SWEEP_INTERVAL_MS = stepMs), so every change is
 * looked at by some sweep.
 */
export function sweepSchedule(
  events: readonly FlowtrailEvent[],
  now: string,
  stepMs: number,
): Date[] {
  const first = Math.min(...events.map((e) => Date.parse(e.time ?? now)));
  const end = Date.parse(now);
  const times: Date[] = [];
  for (let t = first + stepMs / 2; t < end; t += stepMs) times.push(new Date(t));
  times.push(new Date(end));
  return times;
}
