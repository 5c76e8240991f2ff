/**
 * Fault test (issue 10, item 8): the private Kafka broker is restarted (SIGTERM, down for
 * 10 s, started again on its data) while the producer (the SDK's KafkaTransport) is still
 * sending and the collector (a child process) is consuming. Both ride through it: the
 * producer sends again what was not acknowledged, the collector reconnects and rejoins its
 * group on its own — it is neither restarted nor allowed to exit. Afterwards: every
 * accepted event exactly once, no dead letters, no lag, states and alerts equal to a clean
 * run (fault-harness.ts). The counts are printed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildCollector } from '../helpers/child-collector.ts';
import { restoreServers, startServer, stopServer } from '../helpers/server-faults.ts';
import { brokers, countEvents, uniqueName } from '../helpers/servers.ts';
import { waitFor } from '../helpers/wait-for.ts';
import {
  cleanRun,
  FaultProducer,
  openFaultSuite,
  report,
  seconds,
  sleep,
  startReadyCollector,
  verdict,
  verdictLines,
  waitUntilCaughtUp,
  workload,
  type FaultSuite,
} from './fault-harness.ts';

const DOWN_MS = 10_000;
/** ≈ 40,000 messages, sent over ≈ 25 s so that the restart falls into the sending. */
const work = workload({
  seed: 'kafka-restart',
  healthyOrders: 40,
  faultCopies: 2,
  loadInstances: 1800,
});

let suite: FaultSuite | undefined;
let producer: FaultProducer | undefined;
let collector: ChildCollector | undefined;

beforeAll(async () => {
  suite = await openFaultSuite(uniqueName('f-kafka'), work);
  producer = new FaultProducer(brokers, suite.topic);
});

afterAll(async () => {
  if (collector?.process.exitCode === null) collector.process.kill('SIGKILL');
  await producer?.close();
  await restoreServers(); // whatever happened, the next test finds both servers up
  await suite?.release();
});

describe('fault: the Kafka broker restarted mid-ingest (private servers)', () => {
  it('producer and collector ride through; states and alerts equal a clean run', async () => {
    const s = suite as FaultSuite;
    const p = producer as FaultProducer;
    const total = work.identities.size;
    const started = Date.now();
    const children: ChildCollector[] = [];
    const child = await startReadyCollector(s.env, children);
    collector = child;
    const producing = p.sendAll(work.messages, { pauseMs: 300 });
    // The clean run needs no server: it runs beside the ingest.
    const clean = cleanRun(s, work);
    clean.catch(() => undefined); // awaited by the verdict

    await waitFor(
      async () =>
        p.counts.accepted >= 0.3 * work.messages.length && (await countEvents(s.es, s.name)) > 0,
      { timeoutMs: 120_000, intervalMs: 200, description: '30 % produced, some stored' },
    );
    const acceptedBefore = p.counts.accepted;
    const storedBefore = await countEvents(s.es, s.name);
    const stopAt = Date.now();
    await stopServer('kafka');
    const stoppedAt = Date.now();
    await sleep(DOWN_MS);
    expect(child.process.exitCode, child.output.slice(-10).join('\n')).toBeNull();
    const startAt = Date.now();
    await startServer('kafka');
    const upAt = Date.now();
    const failedSendsInOutage = p.counts.failedSends;
    const storedAtUp = await countEvents(s.es, s.name);
    await waitFor(async () => (await countEvents(s.es, s.name)) > storedAtUp, {
      timeoutMs: 120_000,
      intervalMs: 250,
      description: 'ingest resumed after the restart',
    });
    const resumedAt = Date.now();
    await producing;
    const producedAt = Date.now();
    await waitUntilCaughtUp(s, work, 240_000);
    const caughtUpAt = Date.now();

    // The same collector process all along, and it still stops gracefully.
    expect(child.process.exitCode, child.output.slice(-10).join('\n')).toBeNull();
    const crashes = child.output.filter((line) => line.includes('kafka consumer crashed')).length;
    child.process.kill('SIGTERM');
    const exit = await child.exited;
    expect(exit, child.output.slice(-10).join('\n')).toEqual({ code: 0, signal: null });

    const v = await verdict(s, work, clean);
    report('fault: Kafka broker restarted', {
      'messages produced (accepted)': p.counts.accepted,
      'distinct events produced': total,
      'accepted / stored before the stop': `${acceptedBefore} / ${storedBefore}`,
      'stop (SIGTERM → gone)': seconds(stoppedAt - stopAt),
      'broker down (gone → start)': seconds(startAt - stoppedAt),
      'start → healthy': seconds(upAt - startAt),
      'failed sends (retried by the producer)': failedSendsInOutage,
      'healthy → ingest resumed': seconds(resumedAt - upAt),
      'healthy → all accepted': seconds(producedAt - upAt),
      'healthy → caught up (lag 0)': seconds(caughtUpAt - upAt),
      'consumer crashes logged (restarted by kafkajs)': crashes,
      ...verdictLines(v),
      'test time': seconds(Date.now() - started),
    });

    expect(acceptedBefore).toBeLessThan(work.messages.length);
    expect(p.counts.accepted).toBe(work.messages.length);
    expect(v.delivery).toEqual({
      documents: total,
      distinct: total,
      missing: 0,
      foreign: 0,
      duplicates: 0,
      deadLetters: 0,
      lag: 0,
    });
    expect(v.states.instances).toBe(work.byInstance.size);
    expect(v.states.vsFold.examples).toEqual([]);
    expect(v.states.vsClean.examples).toEqual([]);
    expect(v.alerts.fault.pairs).toEqual(v.alerts.clean.pairs);
    expect(v.alerts.fault.pairs).toEqual(v.alerts.expected);
  });
});
