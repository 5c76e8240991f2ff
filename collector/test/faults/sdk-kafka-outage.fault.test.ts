/**
 * Fault test (issue 10, item 8, SDK part): services emit through the SDK's KafkaTransport
 * with the on-disk spool (`spool` option, docs/sdk.md) while the broker — the PRIVATE one
 * of the fault tests (helpers/server-faults.ts) — is stopped for 2 minutes and started
 * again. Three producer apps, in this process, emitting steadily the whole time:
 *
 * - A: ~100 events/s over 3,000 instances, a large spool. Afterwards every event A
 *   emitted is in the topic (by (source, id); duplicates counted, harmless: the id is the
 *   idempotency key), and per instance the first arrivals are in emit order, none missing.
 * - B: ~20 events/s, the smallest spool (64 KiB). It fills early in the outage; from then
 *   on the newest events are dropped (the documented policy), counted in `spoolDropped`,
 *   warned about once. Afterwards exactly the accepted events are in the topic, the
 *   dropped ones are one unbroken run of B's emit order, per-instance order holds.
 * - C: ~20 events/s, shut down 40 s into the outage (its spool keeps what it could not
 *   send), "restarted" as C2 on the same directory after the broker is back: C2 replays
 *   C's events before its own, so every event of C and C2 arrives, per instance in order.
 *
 * The topic is read back with a kafkajs consumer to its end offsets. Counts are printed.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createFlowtrail,
  EventDroppedError,
  KafkaTransport,
  type DeliveryStats,
  type Flowtrail,
} from '@flowtrail/sdk';
import { faultServers, restoreServers, stopServer } from '../helpers/server-faults.ts';
import { waitFor } from '../helpers/wait-for.ts';

const OUTAGE_MS = 120_000;
const C_SHUTDOWN_AFTER_MS = 40_000;
const WARM_MS = 10_000;
const AFTER_MS = 10_000;
const TICK_MS = 50;

const { brokers } = faultServers();
const run = randomBytes(4).toString('hex');
const topic = `ft-fault-sdk-outage-${run}.events`;
const kafka = new Kafka({ clientId: 'ft-fault-sdk', brokers, logLevel: logLevel.NOTHING });
let admin: Admin | undefined;
const dirs: string[] = [];
const apps: App[] = [];
const log = (line: string): void => console.log(`[sdk-kafka-outage] ${line}`);

interface Emitted {
  id: string;
  instance: string;
  seq: number;
}

/** One producer app: a Flowtrail client, what it emitted, what it was told. */
class App {
  readonly ft: Flowtrail;
  readonly emitted: Emitted[] = [];
  readonly errors = new Map<string, number>();
  /** The first message of each error code, with its causes. */
  readonly firstErrors = new Map<string, string>();
  readonly warnings: EventDroppedError[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  private next = 0;

  constructor(
    readonly name: string,
    readonly source: string,
    directory: string,
    maxBytes: number | undefined,
    private readonly instances: number,
    /** The app's own state: the next seq per instance (survives C's "restart"). */
    private readonly seqs: Map<string, number>,
  ) {
    this.ft = createFlowtrail({
      source,
      transport: new KafkaTransport({
        brokers,
        topic,
        kafkaConfig: { logLevel: logLevel.NOTHING },
      }),
      spool: { directory, ...(maxBytes === undefined ? {} : { maxBytes }) },
      onError: (err) => {
        this.errors.set(err.code, (this.errors.get(err.code) ?? 0) + 1);
        if (!this.firstErrors.has(err.code)) this.firstErrors.set(err.code, describeError(err));
        if (err instanceof EventDroppedError) this.warnings.push(err);
      },
    });
    apps.push(this);
  }

  /** Emits `perSecond` events a second, round robin over the instances. */
  start(perSecond: number): void {
    const perTick = (perSecond * TICK_MS) / 1000;
    let owed = 0;
    this.timer = setInterval(() => {
      owed += perTick;
      for (; owed >= 1; owed -= 1) this.emitOne();
    }, TICK_MS);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private emitOne(): void {
    const instance = `o-${this.next % this.instances}`;
    this.next += 1;
    const seq = (this.seqs.get(instance) ?? 0) + 1;
    this.seqs.set(instance, seq);
    const id = this.ft
      .process('order-fulfilment', { instance, businessKeys: { orderId: instance } })
      .event('shop.order.progressed', { seq, note: 'x'.repeat(120) });
    this.emitted.push({ id, instance, seq });
  }
}

interface Arrival {
  source: string;
  id: string;
  instance: string;
  seq: number;
}

/** Every message of the topic, up to the end offsets as of now, in partition order. */
async function readTopic(a: Admin): Promise<Map<number, Arrival[]>> {
  const ends = new Map(
    (await a.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)] as const),
  );
  const total = [...ends.values()].reduce((x, y) => x + y, 0);
  const byPartition = new Map<number, Arrival[]>([...ends.keys()].map((p) => [p, []]));
  const consumer = kafka.consumer({
    groupId: `ft-fault-sdk-read-${run}-${randomBytes(3).toString('hex')}`,
  });
  let read = 0;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`read ${read}/${total} messages in 120 s`)),
        120_000,
      );
      if (total === 0) resolve();
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            if (Number(message.offset) >= (ends.get(partition) ?? 0)) return;
            const event = JSON.parse(message.value!.toString('utf8')) as {
              source: string;
              id: string;
              ftinstance: string;
              data: { seq: number };
            };
            byPartition.get(partition)!.push({
              source: event.source,
              id: event.id,
              instance: event.ftinstance,
              seq: event.data.seq,
            });
            read += 1;
            if (read >= total) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return byPartition;
}

interface Verdict {
  messages: number;
  distinct: number;
  duplicates: number;
  missing: Emitted[];
  foreign: number;
  /** Instances whose first arrivals are not in emit order (or miss one in the middle). */
  outOfOrder: string[];
}

/**
 * Checks one app's events (by (source, id)) against the topic: per instance, the first
 * arrival of each id in partition order must follow the emit order (`seq` increasing).
 */
function verdict(
  sources: string[],
  emitted: Emitted[],
  topicData: Map<number, Arrival[]>,
): Verdict {
  const mine = new Set(sources);
  const wanted = new Map(emitted.map((e) => [e.id, e]));
  const seen = new Set<string>();
  const lastSeq = new Map<string, number>();
  const outOfOrder = new Set<string>();
  let messages = 0;
  let foreign = 0;
  for (const arrivals of topicData.values()) {
    for (const a of arrivals) {
      if (!mine.has(a.source)) continue;
      messages += 1;
      if (!wanted.has(a.id)) {
        foreign += 1;
        continue;
      }
      if (seen.has(a.id)) continue; // a duplicate: harmless
      seen.add(a.id);
      const key = `${a.source}/${a.instance}`;
      if (a.seq <= (lastSeq.get(key) ?? 0)) outOfOrder.add(key);
      lastSeq.set(key, a.seq);
    }
  }
  return {
    messages,
    distinct: seen.size,
    duplicates: messages - seen.size - foreign,
    missing: emitted.filter((e) => !seen.has(e.id)),
    foreign,
    outOfOrder: [...outOfOrder],
  };
}

function balanced(s: DeliveryStats): boolean {
  return s.emitted + s.recovered === s.sent + s.dropped + s.failed + s.pending;
}

function counts(s: DeliveryStats): Record<string, number> {
  const { emitted, sent, dropped, failed, pending, spooled, replayed, recovered } = s;
  const { spoolDropped, spoolErrors, spoolEvents, spoolBytes } = s;
  return {
    emitted,
    sent,
    dropped,
    failed,
    pending,
    spooled,
    replayed,
    recovered,
    spoolDropped,
    spoolErrors,
    spoolEvents,
    spoolBytes,
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

async function spoolDir(tag: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `ft-fault-spool-${tag}-`));
  dirs.push(dir);
  return dir;
}

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 6 }], waitForLeaders: true });
});

afterAll(async () => {
  for (const app of apps) app.stop();
  await restoreServers(log); // whatever happened: the next fault test finds its servers
  await Promise.all(apps.map((app) => app.ft.shutdown().catch(() => undefined)));
  await admin?.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin?.disconnect();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('fault: the broker down for 2 minutes under the SDK with a spool (private servers)', () => {
  it('every accepted event arrives, per instance in order; a full spool drops the newest, counted', async () => {
    const a = admin as Admin;
    const started = Date.now();
    const dirA = await spoolDir('a');
    const dirB = await spoolDir('b');
    const dirC = await spoolDir('c');
    const seqsC = new Map<string, number>();
    const appA = new App('A', `fault-sdk-a-${run}`, dirA, undefined, 3000, new Map());
    const appB = new App('B', `fault-sdk-b-${run}`, dirB, 65_536, 50, new Map());
    const appC = new App('C', `fault-sdk-c-${run}`, dirC, undefined, 200, seqsC);
    appA.start(100);
    appB.start(20);
    appC.start(20);

    await sleep(WARM_MS);
    log(`warm-up done: A ${JSON.stringify(counts(appA.ft.stats()))}`);
    await stopServer('kafka', log);
    const outageStarted = Date.now();
    log(`kafka stopped (${secs(outageStarted - started)} into the test)`);

    await sleep(C_SHUTDOWN_AFTER_MS);
    appC.stop();
    await appC.ft.shutdown(); // with the broker down: what it could not send stays on disk
    const cAtShutdown = appC.ft.stats();
    log(`C shut down mid-outage: ${JSON.stringify(counts(cAtShutdown))}`);
    expect(cAtShutdown.spoolEvents).toBeGreaterThan(0);
    expect(cAtShutdown.pending).toBe(cAtShutdown.spoolEvents);

    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - outageStarted)));
    const aMid = appA.ft.stats();
    const bMid = appB.ft.stats();
    log(`end of outage: A ${JSON.stringify(counts(aMid))}`);
    log(`end of outage: B ${JSON.stringify(counts(bMid))}`);
    await restoreServers(log);
    const outageMs = Date.now() - outageStarted;
    log(`kafka back after ${secs(outageMs)}`);

    const appC2 = new App('C2', appC.source, dirC, undefined, 200, seqsC);
    appC2.start(20);
    await sleep(AFTER_MS);
    for (const app of [appA, appB, appC2]) app.stop();
    const drainStarted = Date.now();
    await waitFor(() => [appA, appB, appC2].every((app) => app.ft.stats().pending === 0), {
      timeoutMs: 120_000,
      intervalMs: 500,
      description: 'the spools drained',
    });
    const drainMs = Date.now() - drainStarted;
    await Promise.all([appA, appB, appC2].map((app) => app.ft.shutdown()));

    const topicData = await readTopic(a);
    const vA = verdict([appA.source], appA.emitted, topicData);
    const vB = verdict([appB.source], appB.emitted, topicData);
    const vC = verdict([appC.source], [...appC.emitted, ...appC2.emitted], topicData);
    const sA = appA.ft.stats();
    const sB = appB.ft.stats();
    const sC2 = appC2.ft.stats();
    const summary = {
      'broker down': secs(outageMs),
      'drained after the producers stopped': secs(drainMs),
      'test took': secs(Date.now() - started),
      A: { stats: counts(sA), errors: Object.fromEntries(appA.errors), topic: short(vA) },
      firstErrors: Object.fromEntries(
        [appA, appB, appC, appC2].map((app) => [app.name, Object.fromEntries(app.firstErrors)]),
      ),
      B: {
        stats: counts(sB),
        errors: Object.fromEntries(appB.errors),
        warnings: appB.warnings.length,
        topic: short(vB),
      },
      C: { statsAtShutdown: counts(cAtShutdown), errors: Object.fromEntries(appC.errors) },
      C2: { stats: counts(sC2), errors: Object.fromEntries(appC2.errors), topicCAndC2: short(vC) },
    };
    console.log(`\n[sdk-kafka-outage]\n${JSON.stringify(summary, null, 2)}\n`);

    // A: nothing lost, per instance in order; the spool carried the outage
    expect(vA.missing).toEqual([]);
    expect(vA.foreign).toBe(0);
    expect(vA.outOfOrder).toEqual([]);
    expect(sA).toMatchObject({
      dropped: 0,
      failed: 0,
      pending: 0,
      spoolDropped: 0,
      spoolEvents: 0,
    });
    expect(sA.spooled).toBeGreaterThan((OUTAGE_MS / 1000) * 50);
    expect(sA.replayed).toBeGreaterThan(0);
    expect(balanced(sA)).toBe(true);

    // B: the spool filled; the newest events were dropped, counted, warned about once
    expect(sB.spoolDropped).toBeGreaterThan(0);
    expect(sB.dropped).toBe(sB.spoolDropped);
    expect(sB).toMatchObject({ failed: 0, pending: 0 });
    expect(appB.warnings.map((w) => w.reason)).toEqual(['spool-full']);
    expect(vB.foreign).toBe(0);
    expect(vB.distinct).toBe(sB.emitted - sB.dropped);
    expect(vB.missing).toHaveLength(sB.spoolDropped);
    const firstMissing = appB.emitted.findIndex((e) => e.id === vB.missing[0]?.id);
    expect(appB.emitted.slice(firstMissing, firstMissing + vB.missing.length)).toEqual(vB.missing);
    expect(vB.outOfOrder).toEqual([]);
    expect(balanced(sB)).toBe(true);

    // C → C2: the restarted app replayed what C left, before its own events
    expect(sC2.recovered).toBe(cAtShutdown.spoolEvents);
    expect(vC.missing).toEqual([]);
    expect(vC.outOfOrder).toEqual([]);
    expect(appC.ft.stats().dropped + sC2.dropped + sC2.failed).toBe(0);
    expect(balanced(sC2)).toBe(true);
  });
});

/** An error with its causes: `message ← cause (name/type) ← …`. */
function describeError(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e !== undefined && depth < 5; depth += 1) {
    const x = e as {
      name?: string;
      message?: string;
      type?: string;
      cause?: unknown;
      originalError?: unknown;
    };
    parts.push(
      `${x.name ?? 'Error'}${x.type === undefined ? '' : `/${x.type}`}: ${x.message ?? String(e)}`,
    );
    e = x.cause ?? x.originalError;
  }
  return parts.join(' <- ');
}

function short(v: Verdict): Record<string, unknown> {
  return {
    messages: v.messages,
    distinct: v.distinct,
    duplicates: v.duplicates,
    missing: v.missing.length,
    foreign: v.foreign,
    instancesOutOfOrder: v.outOfOrder.length,
  };
}
