/**
 * Fault test (issue 10, item 8): the collector (`flowtrail collector`, a child process)
 * is SIGKILLed three times while about 200,000 messages are produced and ingested, and
 * started again each time, on the private pair of servers (helpers/server-faults.ts).
 * Afterwards: every accepted event exactly once in Elasticsearch, no dead letters, no
 * lag, every state equal to the fold of its events and to a clean run's, the alerts equal
 * to the clean run's (fault-harness.ts). Bounded in time; the counts are printed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildCollector } from '../helpers/child-collector.ts';
import { brokers, countEvents, uniqueName } from '../helpers/servers.ts';
import { waitFor } from '../helpers/wait-for.ts';
import {
  cleanRun,
  FaultProducer,
  openFaultSuite,
  report,
  seconds,
  startReadyCollector,
  verdict,
  verdictLines,
  waitUntilCaughtUp,
  workload,
  type FaultSuite,
} from './fault-harness.ts';

/** ≈ 200,000 messages: the detection scenario spread through 9,600 load instances. */
const work = workload({
  seed: 'collector-sigkill',
  healthyOrders: 60,
  faultCopies: 4,
  loadInstances: 9600,
});
/** Kill when this share of the distinct events is stored: early, middle, late. */
const KILL_AT = [0.12, 0.45, 0.8];

let suite: FaultSuite | undefined;
let producer: FaultProducer | undefined;
const children: ChildCollector[] = [];

beforeAll(async () => {
  suite = await openFaultSuite(uniqueName('f-kill'), work);
  producer = new FaultProducer(brokers, suite.topic);
});

afterAll(async () => {
  for (const child of children) if (child.process.exitCode === null) child.process.kill('SIGKILL');
  await producer?.close();
  await suite?.release();
});

const startCollector = (s: FaultSuite): Promise<ChildCollector> =>
  startReadyCollector(s.env, children);

describe('fault: the collector SIGKILLed three times during 200,000 events (private servers)', () => {
  it('stores every accepted event exactly once; states and alerts equal a clean run', async () => {
    const s = suite as FaultSuite;
    const p = producer as FaultProducer;
    const total = work.identities.size;
    const started = Date.now();
    let collector = await startCollector(s);
    const producing = p.sendAll(work.messages);
    // The clean run needs no server: it runs beside the ingest.
    const clean = cleanRun(s, work);
    clean.catch(() => undefined); // awaited by the verdict
    const kills: { storedAtKill: number; recoveredMs: number; producingDone: boolean }[] = [];
    let produced = false;
    void producing.then(() => (produced = true));

    for (const share of KILL_AT) {
      await waitFor(async () => (await countEvents(s.es, s.name)) >= share * total, {
        timeoutMs: 240_000,
        intervalMs: 500,
        description: `${Math.round(share * 100)} % of the events stored`,
      });
      collector.process.kill('SIGKILL');
      expect((await collector.exited).signal).toBe('SIGKILL');
      const killedAt = Date.now();
      const storedAtKill = await countEvents(s.es, s.name);
      const producingDone = produced;
      collector = await startCollector(s);
      // Recovered: the new collector (after the dead member's session expired) stores again.
      await waitFor(async () => (await countEvents(s.es, s.name)) > storedAtKill, {
        timeoutMs: 120_000,
        intervalMs: 250,
        description: 'ingest resumed after the kill',
      });
      kills.push({ storedAtKill, recoveredMs: Date.now() - killedAt, producingDone });
    }
    await producing;
    await waitUntilCaughtUp(s, work, 300_000);
    const ingestMs = Date.now() - started;

    // A graceful stop still works after all that: exit 0, nothing left uncommitted.
    collector.process.kill('SIGTERM');
    const exit = await collector.exited;
    expect(exit, collector.output.slice(-10).join('\n')).toEqual({ code: 0, signal: null });

    const v = await verdict(s, work, clean);
    report('fault: collector SIGKILLed ×3', {
      'messages produced (accepted)': p.counts.accepted,
      'distinct events produced': total,
      'failed sends (retried)': p.counts.failedSends,
      kills: kills.length,
      'stored at each kill': kills.map((k) => k.storedAtKill),
      'kill during produce': kills.map((k) => !k.producingDone),
      'kill → ingest resumed': kills.map((k) => seconds(k.recoveredMs)).join(', '),
      'produce → caught up (lag 0)': seconds(ingestMs),
      ...verdictLines(v),
      'test time': seconds(Date.now() - started),
    });

    expect(p.counts.accepted).toBe(work.messages.length);
    expect(kills).toHaveLength(3);
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
