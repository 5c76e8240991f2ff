/**
 * What the fault tests (`*.fault.test.ts` beside it) share: a workload, the suite on the
 * PRIVATE pair of servers (helpers/server-faults.ts; KAFKA_BROKERS / ELASTICSEARCH_URL
 * name it in the faults project), a producer that rides through a broker outage, and the
 * verdict after the fault:
 *
 * - every accepted event exactly once in Elasticsearch, counted by identity — distinct
 *   (source, id) pairs by a composite aggregation, not by `_id`, which is derived from
 *   them — with no pair missing, none foreign, no document doubled;
 * - no dead letters, no consumer lag;
 * - every instance state equal to the fold of the events produced for it, and to the
 *   state of a CLEAN run of the same messages (embedded mode, its own SQLite store, the
 *   same definitions, through the HTTP ingest);
 * - the alerts equal to the clean run's: detection (main/start-detection.ts, the role's
 *   sweeper) swept at the scenario's `now` over both stores, compared as the set of
 *   (kind, instance key) pairs of alerts of any status — and to the scenario's expected
 *   findings.
 *
 * The workload is the detection scenario of helpers/scenarios (three systems, healthy
 * orders, every fault kind, re-deliveries, shuffled), so there are alerts to compare,
 * spread through the volume of a load process (interleaved instances, re-deliveries);
 * its time line is fixed (`now`), so both runs are deterministic.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Client, estypes } from '@elastic/elasticsearch';
import { logLevel, type Admin } from 'kafkajs';
import { KafkaTransport } from '@flowtrail/sdk';
import { instanceKeyOf, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { ElasticsearchEventStore } from '../../src/adapters/elasticsearch/es-event-store.ts';
import { foldInstance } from '../../src/domain/instance/fold.ts';
import type { InstanceState } from '../../src/domain/instance/instance-state.ts';
import type { EventStore } from '../../src/ports/event-store.ts';
import type { AlertService } from '../../src/app/alerts/alert-service.ts';
import type { Sweeper } from '../../src/app/detection/sweeper.ts';
import { assemble, roleRuntime } from '../../src/main/assemble.ts';
import { parseConfig, type CollectorConfig } from '../../src/main/config/config.ts';
import { parseDetectionConfig } from '../../src/main/config/detection-config.ts';
import { startEmbedded } from '../../src/main/start-embedded.ts';
import { elasticsearchStores } from '../../src/main/store-sets.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { allAlerts, writeDefinitionsDir } from '../detection-int/helpers.ts';
import {
  generateDetectionScenario,
  type DetectionScenario,
} from '../helpers/scenarios/consistency-scenario.ts';
import { startChildCollector, type ChildCollector } from '../helpers/child-collector.ts';
import { at, makeEvent } from '../helpers/events.ts';
import { collectorTestEnv, consumerLag, countEvents, createTopics } from '../helpers/servers.ts';
import { connectSuiteServers, type SuiteServers } from '../helpers/suite-servers.ts';
import { waitFor } from '../helpers/wait-for.ts';

const HOUR = 3_600_000;

// ---------------------------------------------------------------------------- workload

export interface WorkloadOptions {
  seed: string;
  /** Healthy orders of the detection scenario (≈ 35 messages each). */
  healthyOrders: number;
  /** Copies of every fault story (each ≈ 13 alerts). */
  faultCopies: number;
  /**
   * Instances of the load process (`loadgen/load-order`, no definition): started, a
   * number of steps, completed — healthy and terminal, so they add volume, not alerts.
   */
  loadInstances: number;
  /** Steps per load instance (2 events each, plus started and completed). Default 9. */
  loadSteps?: number;
}

export interface Workload {
  scenario: DetectionScenario;
  /** What the producer sends, in this order (re-deliveries included). */
  messages: FlowtrailEvent[];
  /** `["source","id"]` of every distinct event. */
  identities: Set<string>;
  /** The distinct events of each instance (first delivery of each identity). */
  byInstance: Map<string, FlowtrailEvent[]>;
}

export function identityOf(event: { source: string; id: string }): string {
  return JSON.stringify([event.source, event.id]);
}

/** Load instances in flight at once: a slice of 500 messages touches about this many. */
const LOAD_INTERLEAVE = 40;
/** Every this many load messages, one is delivered again a little later. */
const LOAD_REDELIVERY_EVERY = 40;

/**
 * The messages of the load process: groups of `LOAD_INTERLEAVE` instances whose events
 * are interleaved (as concurrent orders of a service are), within the scenario's hours
 * and before its `now`, with a share re-delivered a few thousand messages later.
 */
function loadMessages(options: WorkloadOptions, firstMs: number, nowMs: number): FlowtrailEvent[] {
  const steps = options.loadSteps ?? 9;
  const span = nowMs - 3_600_000 - firstMs;
  const out: FlowtrailEvent[] = [];
  const redelivered: { at: number; event: FlowtrailEvent }[] = [];
  for (let group = 0; group * LOAD_INTERLEAVE < options.loadInstances; group += 1) {
    const members = Math.min(LOAD_INTERLEAVE, options.loadInstances - group * LOAD_INTERLEAVE);
    const lifecycles = Array.from({ length: members }, (_, m) => {
      const i = group * LOAD_INTERLEAVE + m;
      const instance = `load-${options.seed}-${i}`;
      const base = new Date(firstMs + ((i * 7919) % 1000) * (span / 1000)).toISOString();
      const event = (type: string, k: number, step?: string): FlowtrailEvent =>
        makeEvent({
          id: `${instance}-${k}`,
          source: 'loadgen',
          process: 'load-order',
          instance,
          type,
          time: at(base, k * 5),
          ...(step !== undefined ? { step } : {}),
          ...(k === 0 ? { data: { businessKeys: { loadId: `L${i}` } } } : {}),
        });
      const events = [event('flowtrail.process.started', 0)];
      for (let st = 0; st < steps; st += 1) {
        events.push(event('flowtrail.step.started', 2 * st + 1, `step-${st}`));
        events.push(event('flowtrail.step.completed', 2 * st + 2, `step-${st}`));
      }
      events.push(event('flowtrail.process.completed', 2 * steps + 1));
      return events;
    });
    for (let k = 0; k < 2 * steps + 2; k += 1) {
      for (const events of lifecycles) {
        const event = events[k] as FlowtrailEvent;
        out.push(event);
        if (out.length % LOAD_REDELIVERY_EVERY === 0) {
          redelivered.push({ at: out.length + 3000, event });
        }
        while (redelivered.length > 0 && (redelivered[0]?.at ?? Infinity) <= out.length) {
          out.push((redelivered.shift() as { event: FlowtrailEvent }).event);
        }
      }
    }
  }
  for (const { event } of redelivered) out.push(event);
  return out;
}

/**
 * The detection scenario of helpers/scenarios (every fault kind, re-deliveries, shuffled)
 * spread evenly through the messages of the load process.
 */
export function workload(options: WorkloadOptions): Workload {
  const scenario = generateDetectionScenario({
    seed: options.seed,
    healthyOrders: options.healthyOrders,
    faultCopies: options.faultCopies,
  });
  let firstMs = Number.POSITIVE_INFINITY;
  for (const event of scenario.events) firstMs = Math.min(firstMs, Date.parse(event.time));
  const load = loadMessages(options, firstMs, Date.parse(scenario.now));
  const messages: FlowtrailEvent[] = [];
  const every = load.length / Math.max(1, scenario.events.length);
  let next = 0;
  for (let i = 0; i < load.length; i += 1) {
    while (next < scenario.events.length && next * every <= i) {
      messages.push(scenario.events[next] as FlowtrailEvent);
      next += 1;
    }
    messages.push(load[i] as FlowtrailEvent);
  }
  for (; next < scenario.events.length; next += 1) {
    messages.push(scenario.events[next] as FlowtrailEvent);
  }
  const identities = new Set<string>();
  const byInstance = new Map<string, FlowtrailEvent[]>();
  for (const event of messages) {
    const identity = identityOf(event);
    if (identities.has(identity)) continue;
    identities.add(identity);
    const key = instanceKeyOf(event);
    const list = byInstance.get(key);
    if (list === undefined) byInstance.set(key, [event]);
    else list.push(event);
  }
  return { scenario, messages, identities, byInstance };
}

// ------------------------------------------------------------------------------- suite

export interface FaultSuite {
  name: string;
  topic: string;
  dlqTopic: string;
  servers: SuiteServers;
  es: Client;
  admin: Admin;
  /** The child collectors' environment (helpers/child-collector.ts). */
  env: Record<string, string>;
  /** The same, parsed (for in-process parts: detection, readers). */
  config: CollectorConfig;
  definitionsDir: string;
  release(): Promise<void>;
}

/**
 * The suite's topic (6 partitions), definitions and collector environment: batches of
 * 500, a 6 s session timeout (a SIGKILLed member's partitions move on quickly), detection
 * off in the children (the verdict sweeps at the scenario's instants), learned deadlines
 * off.
 */
export async function openFaultSuite(
  name: string,
  work: Workload,
  overrides: Record<string, string> = {},
): Promise<FaultSuite> {
  const servers = await connectSuiteServers(name);
  const topic = `${name}.events`;
  const dlqTopic = `${name}.dlq`;
  await createTopics(servers.admin, [topic], 6);
  const definitions = await writeDefinitionsDir(work.scenario.definitions);
  const env = collectorTestEnv(name, {
    FLOWTRAIL_BATCH_SIZE: '500',
    FLOWTRAIL_SESSION_TIMEOUT_MS: '6000',
    FLOWTRAIL_STATS_INTERVAL_MS: '5000',
    FLOWTRAIL_DEFINITIONS_DIR: definitions.dir,
    FLOWTRAIL_GRACE_MS: String(work.scenario.graceMs),
    FLOWTRAIL_LEARNED_MAX_INSTANCES: '0',
    FLOWTRAIL_HTTP_ENABLED: 'false',
    LOG_LEVEL: 'info',
    ...overrides,
  });
  return {
    name,
    topic,
    dlqTopic,
    servers,
    es: servers.es,
    admin: servers.admin,
    env,
    config: parseConfig(env),
    definitionsDir: definitions.dir,
    release: async () => {
      await definitions.remove();
      await servers.release([topic, dlqTopic], [name]);
    },
  };
}

// ---------------------------------------------------------------------------- producer

export interface ProducerCounts {
  /** Messages acknowledged by Kafka (accepted). */
  accepted: number;
  /** Sends that failed and were sent again. */
  failedSends: number;
}

/**
 * Produces with the SDK's KafkaTransport, `chunk` messages per send, in order; a send
 * that fails (broker away) is retried with backoff until it is accepted, as the SDK's
 * delivery queue does, for at most `giveUpMs`.
 */
export class FaultProducer {
  readonly counts: ProducerCounts = { accepted: 0, failedSends: 0 };
  private readonly transport: KafkaTransport;

  constructor(brokers: string[], topic: string) {
    // Quiet: while a broker is away kafkajs logs every reconnect; the counts tell.
    this.transport = new KafkaTransport({
      brokers,
      topic,
      kafkaConfig: { logLevel: logLevel.NOTHING },
    });
  }

  async sendAll(
    messages: readonly FlowtrailEvent[],
    options: { chunk?: number; giveUpMs?: number; pauseMs?: number } = {},
  ): Promise<void> {
    const chunk = options.chunk ?? 500;
    const giveUp = options.giveUpMs ?? 180_000;
    for (let i = 0; i < messages.length; i += chunk) {
      const slice = messages.slice(i, i + chunk);
      let delay = 100;
      const since = Date.now();
      for (;;) {
        try {
          await this.transport.send(slice);
          break;
        } catch (err) {
          this.counts.failedSends += 1;
          if (Date.now() - since > giveUp) throw err;
          await sleep(delay);
          delay = Math.min(delay * 2, 2000);
        }
      }
      this.counts.accepted += slice.length;
      if (options.pauseMs !== undefined) await sleep(options.pauseMs);
    }
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `flowtrail collector` as a child and waits until it consumes; fails at once
 * (with its output) when it exits before that.
 */
export async function startReadyCollector(
  env: Record<string, string>,
  children: ChildCollector[],
): Promise<ChildCollector> {
  const child = startChildCollector(env);
  children.push(child);
  const exited = child.exited.then(({ code, signal }) => {
    throw new Error(
      `collector exited (${code ?? signal}) before consuming:\n${child.output.slice(-20).join('\n')}`,
    );
  });
  exited.catch(() => undefined);
  await Promise.race([child.ready(), exited]);
  return child;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

// ----------------------------------------------------------------------------- verdict

export interface DeliveryCounts {
  /** Event documents in the suite's events indices. */
  documents: number;
  /** Distinct (source, id) pairs among them. */
  distinct: number;
  /** Produced identities not stored. */
  missing: number;
  /** Stored identities never produced. */
  foreign: number;
  /** Documents beyond one per identity. */
  duplicates: number;
  deadLetters: number;
  lag: number;
}

/** Waits until every produced identity is stored and the group has no lag. */
export async function waitUntilCaughtUp(
  suite: FaultSuite,
  work: Workload,
  timeoutMs: number,
): Promise<void> {
  await waitFor(
    async () =>
      (await countEvents(suite.es, suite.name)) >= work.identities.size &&
      (await consumerLag(suite.admin, suite.name, suite.topic)) === 0,
    {
      timeoutMs,
      intervalMs: 1000,
      description: `${work.identities.size} events stored and lag 0`,
    },
  );
}

/** Every distinct (source, id) pair of the events indices, by a composite aggregation. */
export async function storedIdentities(es: Client, prefix: string): Promise<Map<string, number>> {
  await es.indices.refresh({ index: `${prefix}-events-*`, allow_no_indices: true });
  const pairs = new Map<string, number>();
  let after: Record<string, estypes.FieldValue> | undefined;
  for (;;) {
    const response = await es.search({
      index: `${prefix}-events-*`,
      size: 0,
      aggs: {
        pairs: {
          composite: {
            size: 10_000,
            sources: [
              { source: { terms: { field: 'source' } } },
              { id: { terms: { field: 'id' } } },
            ],
            ...(after !== undefined ? { after } : {}),
          },
        },
      },
    });
    const agg = response.aggregations?.pairs as estypes.AggregationsCompositeAggregate;
    const buckets = agg.buckets as estypes.AggregationsCompositeBucket[];
    for (const b of buckets) {
      pairs.set(identityOf({ source: String(b.key.source), id: String(b.key.id) }), b.doc_count);
    }
    if (buckets.length < 10_000 || agg.after_key === undefined) return pairs;
    after = agg.after_key;
  }
}

/** Messages in a topic (0 when it does not exist). */
export async function topicSize(admin: Admin, topic: string): Promise<number> {
  if (!(await admin.listTopics()).includes(topic)) return 0;
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((n, o) => n + Number(BigInt(o.high) - BigInt(o.low)), 0);
}

export async function deliveryCounts(suite: FaultSuite, work: Workload): Promise<DeliveryCounts> {
  const stored = await storedIdentities(suite.es, suite.name);
  let documents = 0;
  let missing = 0;
  let foreign = 0;
  for (const [identity, count] of stored) {
    documents += count;
    if (!work.identities.has(identity)) foreign += 1;
  }
  for (const identity of work.identities) if (!stored.has(identity)) missing += 1;
  return {
    documents,
    distinct: stored.size,
    missing,
    foreign,
    duplicates: documents - stored.size,
    deadLetters: await topicSize(suite.admin, suite.dlqTopic),
    lag: await consumerLag(suite.admin, suite.name, suite.topic),
  };
}

/** The stored states of every instance of the workload, by key. */
export async function statesOf(
  reader: Pick<EventStore, 'instancesByKeys'>,
  keys: readonly string[],
): Promise<Map<string, InstanceState>> {
  const states = new Map<string, InstanceState>();
  for (let i = 0; i < keys.length; i += 1000) {
    for (const state of await reader.instancesByKeys(keys.slice(i, i + 1000))) {
      states.set(state.key, state);
    }
  }
  return states;
}

/** A state as JSON data (what a store gives back), `nextDeadline` optionally left out. */
function comparable(state: InstanceState | undefined, withDeadline: boolean): unknown {
  if (state === undefined) return undefined;
  const copy = JSON.parse(JSON.stringify(state)) as Partial<InstanceState>;
  if (!withDeadline) delete copy.nextDeadline;
  return copy;
}

export interface StateComparison {
  compared: number;
  /** Keys whose states differ (the first few are in `examples`). */
  differing: string[];
  examples: { key: string; actual: unknown; expected: unknown }[];
}

/**
 * `actual` against `expected` state by state. Against the pure fold, `nextDeadline` is
 * left out (the ingest fold derives it from the definitions); against the clean run it is
 * compared too.
 */
export function compareStates(
  keys: readonly string[],
  actual: ReadonlyMap<string, InstanceState>,
  expected: (key: string) => InstanceState | undefined,
  withDeadline: boolean,
): StateComparison {
  const differing: string[] = [];
  const examples: StateComparison['examples'] = [];
  for (const key of keys) {
    const a = comparable(actual.get(key), withDeadline);
    const e = comparable(expected(key), withDeadline);
    if (isDeepStrictEqual(a, e)) continue;
    differing.push(key);
    if (examples.length < 3) examples.push({ key, actual: a, expected: e });
  }
  return { compared: keys.length, differing, examples };
}

export function foldOf(work: Workload): (key: string) => InstanceState | undefined {
  return (key) => {
    const events = work.byInstance.get(key);
    return events === undefined ? undefined : foldInstance(events);
  };
}

// --------------------------------------------------------------------------- detection

/** `kind instanceKey` of every alert (any status), sorted and unique. */
export function alertPairs(alerts: readonly { kind: string; instance: string }[]): string[] {
  return [...new Set(alerts.map((a) => `${a.kind} ${a.instance}`))].sort();
}

/** What detection over one store found. */
export interface DetectionOutcome {
  pairs: string[];
  firing: number;
  sweeps: number;
  ms: number;
}

/** Instances per query of a verdict sweep. */
const SWEEP_LIMIT = 2000;

/**
 * Detection's settings for the verdict: the collector's (definitions, grace, learned
 * deadlines off), no timed sweeps, and an events limit above what one sweep's candidates
 * can number (three queries of `SWEEP_LIMIT`, the alerts' and the scenario's families), so
 * every candidate is judged with its events and the outcome does not depend on a store's
 * page order.
 */
function verdictDetectionEnv(suite: FaultSuite): Record<string, string> {
  return {
    FLOWTRAIL_DETECTION: 'false',
    FLOWTRAIL_SWEEP_INTERVAL_MS: String(HOUR),
    FLOWTRAIL_GRACE_MS: suite.env['FLOWTRAIL_GRACE_MS'] ?? '30000',
    FLOWTRAIL_DEFINITIONS_DIR: suite.definitionsDir,
    FLOWTRAIL_LEARNED_MAX_INSTANCES: '0',
    FLOWTRAIL_SWEEP_LIMIT: String(SWEEP_LIMIT),
    FLOWTRAIL_SWEEP_EVENTS_LIMIT: '10000',
  };
}

async function sweepAll(
  sweeper: Sweeper,
  alerts: AlertService,
  work: Workload,
): Promise<DetectionOutcome> {
  const since = Date.now();
  // Detection at the scenario's `now`, as a collector started then does it: the catch-up
  // walk after a start reads `limit` instances per sweep, so enough sweeps that it covers
  // every instance, then one more that must change nothing.
  const sweeps = Math.ceil(work.byInstance.size / SWEEP_LIMIT) + 1;
  const now = new Date(work.scenario.now);
  for (let i = 0; i < sweeps; i += 1) await sweeper.sweepOnce(now);
  const last = await sweeper.sweepOnce(now);
  if (last.fired + last.resolved > 0) {
    throw new Error(`a repeated sweep still changed alerts: ${JSON.stringify(last)}`);
  }
  const all = await allAlerts(alerts);
  return {
    pairs: alertPairs(all),
    firing: all.filter((a) => a.status === 'firing').length,
    sweeps: sweeps + 1,
    ms: Date.now() - since,
  };
}

/** Detection (the role's sweeper) over the suite's Elasticsearch stores. */
export async function detectOnSuite(suite: FaultSuite, work: Workload): Promise<DetectionOutcome> {
  const logger = createLogger('warn');
  const { metrics, retrier } = roleRuntime(suite.config, logger);
  const detection = parseDetectionConfig(verdictDetectionEnv(suite));
  const assembly = await assemble({
    stores: elasticsearchStores(suite.config.elasticsearch, logger, retrier),
    logger,
    metrics,
    definitionsDir: suite.definitionsDir,
    detection,
  });
  try {
    const running = assembly.startDetection();
    if (running === undefined) throw new Error('no detection');
    return await sweepAll(running.sweeper, assembly.alerts, work);
  } finally {
    await assembly.stop();
  }
}

export interface CleanRun {
  states: Map<string, InstanceState>;
  detection: DetectionOutcome;
  ingestMs: number;
}

/**
 * The clean run: the same messages, in the same order, through the HTTP ingest of
 * embedded mode (`flowtrail up`: the same BatchIngester and fold, on a SQLite store of its
 * own), with the same definitions; then the same sweeps.
 */
export async function cleanRun(suite: FaultSuite, work: Workload): Promise<CleanRun> {
  const dataDir = await mkdtemp(join(tmpdir(), 'flowtrail-clean-run-'));
  const app = await startEmbedded({
    dataDir,
    http: { host: '127.0.0.1', port: 0 },
    logger: createLogger('warn'),
    detection: parseDetectionConfig(verdictDetectionEnv(suite)),
  });
  try {
    const since = Date.now();
    // 2,000 per request; the ingest cuts them into its own chunks of 500.
    for (let i = 0; i < work.messages.length; i += 2000) {
      const response = await fetch(`${app.api.url}/api/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/cloudevents-batch+json' },
        body: JSON.stringify(work.messages.slice(i, i + 2000)),
      });
      if (response.status !== 202) {
        throw new Error(`clean run ingest: HTTP ${response.status} ${await response.text()}`);
      }
    }
    const ingestMs = Date.now() - since;
    const states = await statesOf(app.store, [...work.byInstance.keys()]);
    const sweeper = app.detection?.sweeper;
    if (sweeper === undefined) throw new Error('the clean run has no detection');
    const detection = await sweepAll(sweeper, app.alerts, work);
    return { states, detection, ingestMs };
  } finally {
    await app.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

// ----------------------------------------------------------------------------- summary

export interface Verdict {
  delivery: DeliveryCounts;
  states: { vsFold: StateComparison; vsClean: StateComparison; instances: number };
  alerts: { fault: DetectionOutcome; clean: DetectionOutcome; expected: string[] };
  cleanIngestMs: number;
}

/**
 * The whole verdict after a fault (call once the collectors caught up). `clean` is the
 * clean run, started whenever suits the test (it needs no server: during an outage, or
 * beside the ingest).
 */
export async function verdict(
  suite: FaultSuite,
  work: Workload,
  clean: Promise<CleanRun> = cleanRun(suite, work),
): Promise<Verdict> {
  const delivery = await deliveryCounts(suite, work);
  const keys = [...work.byInstance.keys()];
  const store = ElasticsearchEventStore.fromConfig(
    suite.config.elasticsearch,
    createLogger('silent'),
  );
  let actual: Map<string, InstanceState>;
  try {
    actual = await statesOf(store, keys);
  } finally {
    await store.close();
  }
  const vsFold = compareStates(keys, actual, foldOf(work), false);
  const reference = await clean;
  const vsClean = compareStates(keys, actual, (key) => reference.states.get(key), true);
  const fault = await detectOnSuite(suite, work);
  const expected = alertPairs(
    work.scenario.expected.map((e) => ({ kind: e.kind, instance: e.instanceKey })),
  );
  return {
    delivery,
    states: { vsFold, vsClean, instances: actual.size },
    alerts: { fault, clean: reference.detection, expected },
    cleanIngestMs: reference.ingestMs,
  };
}

/** One block of counts for the test's output. */
export function report(title: string, lines: Record<string, unknown>): void {
  const width = Math.max(...Object.keys(lines).map((k) => k.length));
  const body = Object.entries(lines)
    .map(([k, v]) => `  ${k.padEnd(width)}  ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('\n');
  console.log(`\n[${title}]\n${body}\n`);
}

export function verdictLines(v: Verdict): Record<string, unknown> {
  return {
    'event documents': v.delivery.documents,
    'distinct (source, id)': v.delivery.distinct,
    missing: v.delivery.missing,
    'not produced': v.delivery.foreign,
    duplicates: v.delivery.duplicates,
    'dead letters': v.delivery.deadLetters,
    'consumer lag': v.delivery.lag,
    instances: v.states.instances,
    'states ≠ fold': v.states.vsFold.differing.length,
    'states ≠ clean run': v.states.vsClean.differing.length,
    'alerts (kind, instance)': v.alerts.fault.pairs.length,
    'alerts of the clean run': v.alerts.clean.pairs.length,
    'expected findings': v.alerts.expected.length,
    'clean run ingest': seconds(v.cleanIngestMs),
    'detection sweeps (fault / clean)': `${seconds(v.alerts.fault.ms)} / ${seconds(v.alerts.clean.ms)}`,
  };
}
