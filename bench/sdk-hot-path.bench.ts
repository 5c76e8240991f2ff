/**
 * What the SDK costs the caller (issue 11, item 4): the time an emitting call spends on
 * the caller's thread, against an OpenTelemetry span in the same process, and the
 * throughput of the SDK's Kafka delivery against a bare kafkajs producer.
 *
 *   1. Caller's thread, in one process, in interleaved rounds (the cases rotate within
 *      each round; a round runs `BLOCK` calls of a case, timed as one block; between blocks
 *      the event loop runs, so the delivery — a no-op transport — happens on later ticks
 *      and is not measured):
 *        a. baseline: an OTel span start+end with 10 attributes (BasicTracerProvider,
 *           BatchSpanProcessor, a no-op exporter, the async-hooks context manager);
 *        b. `ft.process(name, { businessKeys }).start()` (a new handle each call);
 *        c. a step start + complete on an existing handle (two events);
 *        d. b inside an active OTel span (the trace context read and carried).
 *      ns/op: p50 over the blocks of (block time / BLOCK), and the mean (all time / all calls).
 *   2. Throughput to the REAL Kafka (KAFKA_BROKERS or 127.0.0.1:9092; a fresh topic with
 *      3 partitions, deleted at the end). The application emits 512 events per tick,
 *      pausing while 2,048 or more wait to be sent. The SDK (KafkaTransport, maxBatchSize
 *      512, scheduledDelayMs 5) vs. a bare kafkajs producer with the same producer
 *      settings (idempotent, maxInFlightRequests 1, acks all) and the same batching (512,
 *      or 5 ms after the first waiting message; one send at a time), sending the SAME
 *      keys, values and headers, serialised before its clock starts. Runs alternate SDK /
 *      bare; events/s per run, the medians compared.
 *
 * Run: `npx tsx bench/sdk-hot-path.bench.ts [rounds=40] [kafkaEvents=50000] [kafkaRuns=3]`;
 * writes docs/benchmarks.md (section "sdk-hot-path"). `--no-kafka` skips part 2,
 * `--no-write` prints instead of writing.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { context, trace, type Attributes } from '@opentelemetry/api';
import { AsyncHooksContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { createFlowtrail, KafkaTransport, type FlowtrailEvent } from '@flowtrail/sdk';
import { instanceKeyOf, STRUCTURED_CONTENT_TYPE } from '@flowtrail/sdk/protocol';
import { machine, percentile, writeSection } from './report.ts';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const flags = new Set(process.argv.slice(2).filter((a) => a.startsWith('--')));
const ROUNDS = Number(args[0] ?? 40);
const KAFKA_EVENTS = Number(args[1] ?? 50_000);
const KAFKA_RUNS = Number(args[2] ?? 3);
const BLOCK = 1000;
const WARMUP_ROUNDS = 10;
const BATCH = 512;
const LINGER_MS = 5;
const CHUNK = 512;
const BACKLOG = 2048;
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim());

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

// ---- 1. the caller's thread --------------------------------------------------------------

const contextManager = new AsyncHooksContextManager().enable();
context.setGlobalContextManager(contextManager);
const provider = new BasicTracerProvider({
  spanProcessors: [
    new BatchSpanProcessor(
      { export: (_spans, done) => done({ code: 0 }), shutdown: async () => undefined },
      { maxQueueSize: 4 * BLOCK },
    ),
  ],
});
const tracer = provider.getTracer('sdk-hot-path-bench');
const ATTRIBUTES: Attributes = Object.fromEntries(
  Array.from({ length: 10 }, (_, i) => [`attr.${i}`, i % 2 === 0 ? `value-${i}` : i]),
);

const noop = { send: async () => undefined, close: async () => undefined };
const ft = createFlowtrail({
  source: 'bench',
  transport: noop,
  maxQueueSize: 4 * BLOCK,
  onError: (err) => console.error(`unexpected SDK error in the bench: ${err.message}`),
});
const stepOrder = ft.process('order-fulfilment', { businessKeys: { orderId: '4711' } });
let seq = 0;
const span = tracer.startSpan('incoming-request');
const withSpan = trace.setSpan(context.active(), span);

interface Case {
  name: string;
  events: number;
  block: () => void;
}

const cases: Case[] = [
  {
    name: 'a. OTel span start+end, 10 attributes (baseline)',
    events: 0,
    block: () => {
      for (let i = 0; i < BLOCK; i += 1) tracer.startSpan('op', { attributes: ATTRIBUTES }).end();
    },
  },
  {
    name: 'b. `ft.process(name, { businessKeys }).start()`',
    events: 1,
    block: () => {
      for (let i = 0; i < BLOCK; i += 1) {
        ft.process('order-fulfilment', { businessKeys: { orderId: String(seq++) } }).start();
      }
    },
  },
  {
    name: 'c. step start + complete (2 events)',
    events: 2,
    block: () => {
      for (let i = 0; i < BLOCK; i += 1) {
        const step = stepOrder.step('pick');
        step.start();
        step.complete();
      }
    },
  },
  {
    name: 'd. b inside an active OTel span',
    events: 1,
    block: () =>
      context.with(withSpan, () => {
        for (let i = 0; i < BLOCK; i += 1) {
          ft.process('order-fulfilment', { businessKeys: { orderId: String(seq++) } }).start();
        }
      }),
  },
];

async function hotPath(): Promise<{ name: string; p50: number; mean: number }[]> {
  const perBlock = cases.map(() => [] as number[]);
  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round += 1) {
    for (let k = 0; k < cases.length; k += 1) {
      const index = (round + k) % cases.length; // rotate the order within each round
      const t0 = process.hrtime.bigint();
      (cases[index] as Case).block();
      const ns = Number(process.hrtime.bigint() - t0) / BLOCK;
      if (round >= WARMUP_ROUNDS) (perBlock[index] as number[]).push(ns);
      await tick(); // delivery and span export run here, outside the measured block
      await tick();
    }
  }
  await ft.flush();
  const stats = ft.stats();
  if (stats.invalid > 0 || stats.dropped > 0 || stats.failed > 0) {
    throw new Error(`bench events were lost: ${JSON.stringify(stats)}`);
  }
  return cases.map((c, i) => {
    const values = perBlock[i] as number[];
    return {
      name: c.name,
      p50: percentile(values, 0.5),
      mean: values.reduce((s, v) => s + v, 0) / values.length,
    };
  });
}

// ---- 2. throughput to Kafka ----------------------------------------------------------------

interface Run {
  what: 'sdk' | 'bare';
  ms: number;
}

function producerConfig() {
  return {
    idempotent: true,
    maxInFlightRequests: 1,
    retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 5_000 },
    createPartitioner: Partitioners.DefaultPartitioner,
  };
}

/** A service's handles: 1,000 order instances. */
function handlesOf(target: ReturnType<typeof createFlowtrail>, run: string) {
  return Array.from({ length: 1000 }, (_, i) =>
    target.process('order-fulfilment', {
      instance: `${run}-o-${i}`,
      businessKeys: { orderId: `${run}-${i}` },
      owner: 'team-orders',
    }),
  );
}

/** Events `from`..`to` of the stream both sides send: starts, step starts and ends, updates. */
function emitRange(handles: ReturnType<typeof handlesOf>, from: number, to: number): void {
  for (let i = from; i < to; i += 1) {
    const handle = handles[i % handles.length] as (typeof handles)[number];
    switch (Math.floor(i / handles.length) % 4) {
      case 0:
        handle.start();
        break;
      case 1:
        handle.step('pick').start();
        break;
      case 2:
        handle.step('pick').complete();
        break;
      default:
        handle.event('shop.order.updated', { amount: i, currency: 'EUR' });
    }
  }
}

/**
 * The application: `CHUNK` events per tick (a service under load), pausing while
 * `BACKLOG` or more wait to be sent — the same for both sides.
 */
async function produce(emit: (from: number, to: number) => void, backlog: () => number) {
  for (let i = 0; i < KAFKA_EVENTS; i += CHUNK) {
    while (backlog() >= BACKLOG) await tick();
    emit(i, Math.min(KAFKA_EVENTS, i + CHUNK));
    await tick();
  }
}

async function sdkRun(kafka: Kafka, topic: string, run: string): Promise<number> {
  const transport = new KafkaTransport({ kafka, topic, producerConfig: producerConfig() });
  const ft = createFlowtrail({
    source: 'bench',
    transport,
    maxQueueSize: 2 * BACKLOG,
    maxBatchSize: BATCH,
    scheduledDelayMs: LINGER_MS,
    onError: (err) => console.error(`SDK error: ${err.message}`),
  });
  // connect before the clock starts (the bare producer connects before too)
  ft.process('warmup', { instance: `${run}-warmup` }).start();
  await ft.flush();
  const handles = handlesOf(ft, run);
  const t0 = performance.now();
  await produce(
    (from, to) => emitRange(handles, from, to),
    () => ft.stats().pending,
  );
  await ft.flush();
  const ms = performance.now() - t0;
  const s = ft.stats();
  if (s.sent !== KAFKA_EVENTS + 1) throw new Error(`SDK run sent ${s.sent}: ${JSON.stringify(s)}`);
  await ft.shutdown();
  return ms;
}

/** The same events as an SDK run, serialised as the SDK serialises them. */
async function sameMessages(run: string) {
  const events: FlowtrailEvent[] = [];
  const capture = createFlowtrail({
    source: 'bench',
    transport: {
      send: async (batch) => void events.push(...batch),
      close: async () => undefined,
    },
    maxQueueSize: KAFKA_EVENTS,
  });
  emitRange(handlesOf(capture, run), 0, KAFKA_EVENTS);
  await capture.flush();
  return events.map((event) => ({
    key: instanceKeyOf(event),
    value: JSON.stringify(event), // the bytes of encodeStructured(event), as kafkajs likes them
    headers: { 'content-type': STRUCTURED_CONTENT_TYPE },
  }));
}

async function bareRun(kafka: Kafka, topic: string, run: string): Promise<number> {
  const messages = await sameMessages(run);
  if (messages.length !== KAFKA_EVENTS) throw new Error('capture lost events');
  const producer = kafka.producer(producerConfig());
  await producer.connect();
  // The same batching as the SDK: a batch of BATCH goes at once, a smaller one LINGER_MS
  // after its first message; one send at a time.
  let buffer: typeof messages = [];
  let inFlight = 0;
  let sending: Promise<void> | undefined;
  let linger: ReturnType<typeof setTimeout> | undefined;
  let ended = false;
  const pump = async () => {
    while (buffer.length >= BATCH || ((ended || linger === undefined) && buffer.length > 0)) {
      const batch = buffer.splice(0, BATCH);
      inFlight = batch.length;
      await producer.send({ topic, acks: -1, messages: batch });
      inFlight = 0;
    }
  };
  const kick = (force: boolean) => {
    if (sending !== undefined) return;
    if (!force && !ended && buffer.length < BATCH) {
      linger ??= setTimeout(() => {
        kick(true);
      }, LINGER_MS);
      return;
    }
    clearTimeout(linger);
    linger = undefined;
    sending = pump().finally(() => {
      sending = undefined;
      if (buffer.length > 0) kick(false);
    });
  };
  const t0 = performance.now();
  await produce(
    (from, to) => {
      buffer.push(...messages.slice(from, to));
      kick(false);
    },
    () => buffer.length + inFlight,
  );
  ended = true;
  kick(true);
  while (sending !== undefined || buffer.length > 0) await (sending ?? tick());
  const ms = performance.now() - t0;
  buffer = [];
  await producer.disconnect();
  return ms;
}

async function throughput(): Promise<{ runs: Run[]; topic: string }> {
  const kafka = new Kafka({ clientId: 'sdk-hot-path-bench', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const topic = `ft-bench-sdk-${randomBytes(4).toString('hex')}`;
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  const runs: Run[] = [];
  try {
    // one unmeasured run each first: JIT, metadata, the broker's first segment
    await bareRun(kafka, topic, 'warm-bare');
    await sdkRun(kafka, topic, 'warm-sdk');
    for (let r = 0; r < KAFKA_RUNS; r += 1) {
      const order = r % 2 === 0 ? (['sdk', 'bare'] as const) : (['bare', 'sdk'] as const);
      for (const what of order) {
        const run = `${what}-${r}`;
        const ms =
          what === 'sdk' ? await sdkRun(kafka, topic, run) : await bareRun(kafka, topic, run);
        runs.push({ what, ms });
        console.log(`${what} run ${r}: ${Math.round(KAFKA_EVENTS / (ms / 1000))} events/s`);
      }
    }
  } finally {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
  return { runs, topic };
}

// ---- report --------------------------------------------------------------------------------

const fmt = (n: number) => Math.round(n).toLocaleString('en');

async function main(): Promise<void> {
  const load = loadavg()[0]?.toFixed(1);
  const hot = await hotPath();
  span.end();
  await provider.shutdown();
  const base = hot[0] as (typeof hot)[number];
  const lines = [
    "## SDK on the caller's thread and to Kafka (issue 11, item 4)",
    '',
    `${new Date().toISOString().slice(0, 10)} · ${machine()}, load average ${load} at the start · \`npx tsx bench/sdk-hot-path.bench.ts ${ROUNDS} ${KAFKA_EVENTS} ${KAFKA_RUNS}\``,
    '',
    `Caller's thread: ${ROUNDS} interleaved rounds (after ${WARMUP_ROUNDS} unmeasured ones) of ${fmt(BLOCK)} calls per case, the SDK on a no-op transport (its delivery runs between the blocks, unmeasured). p50 over the blocks; mean over all calls.`,
    '',
    '| call | ns/op p50 | ns/op mean | ratio to a (p50 / mean) |',
    '|---|---|---|---|',
    ...hot.map(
      (h) =>
        `| ${h.name} | ${fmt(h.p50)} | ${fmt(h.mean)} | ${(h.p50 / base.p50).toFixed(2)}× / ${(h.mean / base.mean).toFixed(2)}× |`,
    ),
  ];
  if (!flags.has('--no-kafka')) {
    const { runs } = await throughput();
    const rates = (what: Run['what']) =>
      runs.filter((r) => r.what === what).map((r) => KAFKA_EVENTS / (r.ms / 1000));
    const sdk = rates('sdk');
    const bare = rates('bare');
    const median = (v: number[]) => percentile(v, 0.5);
    lines.push(
      '',
      `Kafka (${brokers.join(',')}, single broker on the same machine; a fresh topic, 3 partitions, deleted afterwards): ${fmt(KAFKA_EVENTS)} events per run, ${KAFKA_RUNS} runs per side, alternating, after one unmeasured run each. The application emits ${CHUNK} events per tick, pausing while ${fmt(BACKLOG)} or more wait. Both: idempotent producer, \`maxInFlightRequests: 1\`, \`acks: all\`, batches of ${BATCH} (a smaller one ${LINGER_MS} ms after its first event), one send at a time, the same keys, values (JSON text) and headers. The bare producer's messages are serialised before its clock starts; the SDK's time includes building, validating and serialising the events.`,
      '',
      '| producer | events/s per run | median | ratio |',
      '|---|---|---|---|',
      `| bare kafkajs producer | ${bare.map(fmt).join(', ')} | ${fmt(median(bare))} | 1.00 |`,
      `| SDK (\`KafkaTransport\`) | ${sdk.map(fmt).join(', ')} | ${fmt(median(sdk))} | ${(median(sdk) / median(bare)).toFixed(2)} |`,
    );
  }
  const markdown = lines.join('\n');
  console.log(markdown);
  if (!flags.has('--no-write')) writeSection('sdk-hot-path', markdown);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
