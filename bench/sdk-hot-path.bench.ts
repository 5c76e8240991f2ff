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
 *   2. Throughput to the REAL Kafka, the SDK against a bare kafkajs producer with the
 *      same settings, batching and messages: bench/sdk-kafka-throughput.ts.
 *
 * Run: `npx tsx bench/sdk-hot-path.bench.ts [rounds=40] [kafkaEvents=50000] [kafkaRuns=3]`;
 * writes docs/benchmarks.md (section "sdk-hot-path"). `--no-kafka` skips part 2,
 * `--no-write` prints instead of writing.
 */
import { loadavg } from 'node:os';
import { context, trace, type Attributes } from '@opentelemetry/api';
import { AsyncHooksContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createFlowtrail } from '@flowtrail/sdk';
import { machine, percentile, writeSection } from './report.ts';
import { kafkaSection, throughput } from './sdk-kafka-throughput.ts';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const flags = new Set(process.argv.slice(2).filter((a) => a.startsWith('--')));
const ROUNDS = Number(args[0] ?? 40);
const KAFKA_EVENTS = Number(args[1] ?? 50_000);
const KAFKA_RUNS = Number(args[2] ?? 3);
const BLOCK = 1000;
const WARMUP_ROUNDS = 10;
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
    const kafka = { brokers, events: KAFKA_EVENTS, runs: KAFKA_RUNS };
    lines.push('', ...kafkaSection(await throughput(kafka), kafka));
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
