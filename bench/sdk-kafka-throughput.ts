/**
 * Part 2 of bench/sdk-hot-path.bench.ts (issue 11, item 4): the throughput of the SDK's
 * Kafka delivery against a bare kafkajs producer, to the REAL Kafka (KAFKA_BROKERS or
 * 127.0.0.1:9092; a fresh topic with 3 partitions, deleted at the end). The application
 * emits 512 events per tick, pausing while 2,048 or more wait to be sent. The SDK
 * (KafkaTransport, maxBatchSize 512, scheduledDelayMs 5) vs. a bare kafkajs producer with
 * the same producer settings (idempotent, maxInFlightRequests 1, acks all) and the same
 * batching (512, or 5 ms after the first waiting message; one send at a time), sending the
 * SAME keys, values and headers, serialised before its clock starts. Runs alternate SDK /
 * bare; per run events/s and the process's CPU time per event (both sides share the
 * machine with the broker and, here, with other work: the CPU time says what each side
 * costs, the per-round ratio compares neighbours in time).
 */
import { randomBytes } from 'node:crypto';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { createFlowtrail, KafkaTransport, type FlowtrailEvent } from '@flowtrail/sdk';
import { instanceKeyOf, STRUCTURED_CONTENT_TYPE } from '@flowtrail/sdk/protocol';
import { percentile } from './report.ts';

const BATCH = 512;
const LINGER_MS = 5;
const CHUNK = 512;
const BACKLOG = 2048;

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface KafkaBenchOptions {
  brokers: string[];
  events: number;
  runs: number;
}

export interface Run {
  what: 'sdk' | 'bare';
  round: number;
  ms: number;
  /** The process's CPU time (user + system, all threads) during the timed part. */
  cpuMs: number;
}

/** CPU milliseconds since `from` (process.cpuUsage). */
const cpuSince = (from: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1000;
};

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
async function produce(n: number, emit: (from: number, to: number) => void, backlog: () => number) {
  for (let i = 0; i < n; i += CHUNK) {
    while (backlog() >= BACKLOG) await tick();
    emit(i, Math.min(n, i + CHUNK));
    await tick();
  }
}

type Timed = Pick<Run, 'ms' | 'cpuMs'>;

async function sdkRun(kafka: Kafka, topic: string, run: string, n: number): Promise<Timed> {
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
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await produce(
    n,
    (from, to) => emitRange(handles, from, to),
    () => ft.stats().pending,
  );
  await ft.flush();
  const ms = performance.now() - t0;
  const cpuMs = cpuSince(c0);
  const s = ft.stats();
  if (s.sent !== n + 1) throw new Error(`SDK run sent ${s.sent}: ${JSON.stringify(s)}`);
  await ft.shutdown();
  return { ms, cpuMs };
}

/** The same events as an SDK run, serialised as the SDK serialises them. */
async function sameMessages(run: string, n: number) {
  const events: FlowtrailEvent[] = [];
  const capture = createFlowtrail({
    source: 'bench',
    transport: {
      send: async (batch) => void events.push(...batch),
      close: async () => undefined,
    },
    maxQueueSize: n,
  });
  emitRange(handlesOf(capture, run), 0, n);
  await capture.flush();
  return events.map((event) => ({
    key: instanceKeyOf(event),
    value: JSON.stringify(event), // the bytes of encodeStructured(event), as kafkajs likes them
    headers: { 'content-type': STRUCTURED_CONTENT_TYPE },
  }));
}

async function bareRun(kafka: Kafka, topic: string, run: string, n: number): Promise<Timed> {
  const messages = await sameMessages(run, n);
  if (messages.length !== n) throw new Error('capture lost events');
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
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await produce(
    n,
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
  const cpuMs = cpuSince(c0);
  buffer = [];
  await producer.disconnect();
  return { ms, cpuMs };
}

/** Warm-up runs, then `runs` rounds of one SDK and one bare run, the order alternating. */
export async function throughput({ brokers, events, runs: rounds }: KafkaBenchOptions) {
  const kafka = new Kafka({ clientId: 'sdk-hot-path-bench', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const topic = `ft-bench-sdk-${randomBytes(4).toString('hex')}`;
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  const runs: Run[] = [];
  try {
    // one unmeasured run each first: JIT, metadata, the broker's first segment
    await bareRun(kafka, topic, 'warm-bare', events);
    await sdkRun(kafka, topic, 'warm-sdk', events);
    for (let round = 0; round < rounds; round += 1) {
      const order = round % 2 === 0 ? (['sdk', 'bare'] as const) : (['bare', 'sdk'] as const);
      for (const what of order) {
        const run = `${what}-${round}`;
        const timed =
          what === 'sdk'
            ? await sdkRun(kafka, topic, run, events)
            : await bareRun(kafka, topic, run, events);
        runs.push({ what, round, ...timed });
        console.log(`${what} run ${round}: ${Math.round(events / (timed.ms / 1000))} events/s`);
      }
    }
  } finally {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
  return runs;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en');
const median = (values: number[]) => percentile(values, 0.5);

/** The report's Kafka paragraph and table. */
export function kafkaSection(runs: Run[], { brokers, events, runs: rounds }: KafkaBenchOptions) {
  const of = (what: Run['what']) => runs.filter((r) => r.what === what);
  const rate = (r: Run) => events / (r.ms / 1000);
  const cpuUs = (r: Run) => (r.cpuMs * 1000) / events;
  const sdk = of('sdk');
  const bare = of('bare');
  const pairRatios = sdk.map((s) => rate(s) / rate(bare.find((b) => b.round === s.round) as Run));
  const ratio = median(sdk.map(rate)) / median(bare.map(rate));
  return [
    `Kafka (${brokers.join(',')}, single broker on the same machine; a fresh topic, 3 partitions, deleted afterwards): ${fmt(events)} events per run, ${rounds} runs per side, alternating, after one unmeasured run each. The application emits ${CHUNK} events per tick, pausing while ${fmt(BACKLOG)} or more wait. Both: idempotent producer, \`maxInFlightRequests: 1\`, \`acks: all\`, batches of ${BATCH} (a smaller one ${LINGER_MS} ms after its first event), one send at a time, the same keys, values (JSON text) and headers. The bare producer's messages are serialised before its clock starts; the SDK's time includes building, validating and serialising the events. CPU: the process's user + system time (all threads, the garbage collector's too) during the timed part, per event.`,
    '',
    '| producer | events/s per run | median | ratio | CPU µs/event, median |',
    '|---|---|---|---|---|',
    `| bare kafkajs producer | ${bare.map(rate).map(fmt).join(', ')} | ${fmt(median(bare.map(rate)))} | 1.00 | ${median(bare.map(cpuUs)).toFixed(1)} |`,
    `| SDK (\`KafkaTransport\`) | ${sdk.map(rate).map(fmt).join(', ')} | ${fmt(median(sdk.map(rate)))} | ${ratio.toFixed(2)} | ${median(sdk.map(cpuUs)).toFixed(1)} |`,
    '',
    `Ratio of the medians: ${ratio.toFixed(2)}; per round (the SDK run / the bare run next to it): ${pairRatios.map((r) => r.toFixed(2)).join(', ')} — median ${median(pairRatios).toFixed(2)}.`,
  ];
}
