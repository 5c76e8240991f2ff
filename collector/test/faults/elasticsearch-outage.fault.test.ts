/**
 * Fault test (issue 10, item 8): the private Elasticsearch is STOPPED (its process, by
 * SIGTERM, as an operator would) for 60 s in the middle of an ingest, then started again
 * on its data. The collector (a child process) retries with backoff, commits no offset
 * meanwhile (nothing it has not stored), and catches up once Elasticsearch is back.
 * Afterwards: every accepted event exactly once, no dead letters, no lag, states and
 * alerts equal to a clean run (fault-harness.ts). The counts are printed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin } from 'kafkajs';
import type { ChildCollector } from '../helpers/child-collector.ts';
import { restoreServers, startServer, stopServer } from '../helpers/server-faults.ts';
import { brokers, consumerLag, countEvents, uniqueName } from '../helpers/servers.ts';
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

const OUTAGE_MS = 60_000;
/** ≈ 26,000 messages. */
const work = workload({
  seed: 'es-outage',
  healthyOrders: 40,
  faultCopies: 2,
  loadInstances: 1100,
});

let suite: FaultSuite | undefined;
let producer: FaultProducer | undefined;
let collector: ChildCollector | undefined;

beforeAll(async () => {
  suite = await openFaultSuite(uniqueName('f-es'), work, {
    ELASTICSEARCH_REQUEST_TIMEOUT_MS: '5000',
    FLOWTRAIL_RETRY_MAX_MS: '5000',
  });
  producer = new FaultProducer(brokers, suite.topic);
});

afterAll(async () => {
  if (collector?.process.exitCode === null) collector.process.kill('SIGKILL');
  await producer?.close();
  await restoreServers(); // whatever happened, the next test finds both servers up
  await suite?.release();
});

/** Committed offset per partition (`-1`: none yet). */
async function committed(admin: Admin, group: string, topic: string): Promise<string[]> {
  const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  return (offsets?.partitions ?? [])
    .slice()
    .sort((a, b) => a.partition - b.partition)
    .map((p) => `${p.partition}:${p.offset}`);
}

const retryLines = (child: ChildCollector): number =>
  child.output.filter((line) => line.includes('retriable failure; backing off')).length;

describe('fault: Elasticsearch stopped for 60 s mid-ingest (private servers)', () => {
  it('retries, commits nothing it has not stored, catches up; states and alerts equal a clean run', async () => {
    const s = suite as FaultSuite;
    const p = producer as FaultProducer;
    const total = work.identities.size;
    const started = Date.now();
    const children: ChildCollector[] = [];
    const child = await startReadyCollector(s.env, children);
    collector = child;
    const producing = p.sendAll(work.messages);

    await waitFor(async () => (await countEvents(s.es, s.name)) >= 0.3 * total, {
      timeoutMs: 180_000,
      intervalMs: 500,
      description: '30 % of the events stored',
    });
    const storedBefore = await countEvents(s.es, s.name);
    const stopAt = Date.now();
    await stopServer('elasticsearch');
    const stoppedAt = Date.now();
    // A slice whose writes were acknowledged just before may still commit; after that,
    // nothing may (its writes cannot be acknowledged).
    await sleep(3000);
    const frozen = await committed(s.admin, s.name, s.topic);
    const retriesAtStop = retryLines(child);

    // The clean run needs no server: it runs while Elasticsearch is away.
    const clean = cleanRun(s, work);
    clean.catch(() => undefined); // awaited by the verdict
    const commitChecks: string[][] = [];
    while (Date.now() - stoppedAt < OUTAGE_MS) {
      await sleep(Math.min(5000, OUTAGE_MS - (Date.now() - stoppedAt)));
      commitChecks.push(await committed(s.admin, s.name, s.topic));
      expect(child.process.exitCode, child.output.slice(-10).join('\n')).toBeNull();
    }
    await producing;
    const retriesDuringOutage = retryLines(child) - retriesAtStop;
    const lagInOutage = await consumerLag(s.admin, s.name, s.topic);

    const startAt = Date.now();
    await startServer('elasticsearch');
    const upAt = Date.now();
    await waitFor(async () => (await countEvents(s.es, s.name)) > storedBefore, {
      timeoutMs: 120_000,
      intervalMs: 250,
      description: 'ingest resumed after the outage',
    });
    const resumedAt = Date.now();
    await waitUntilCaughtUp(s, work, 240_000);
    const caughtUpAt = Date.now();

    child.process.kill('SIGTERM');
    const exit = await child.exited;
    expect(exit, child.output.slice(-10).join('\n')).toEqual({ code: 0, signal: null });

    const v = await verdict(s, work, clean);
    report('fault: Elasticsearch stopped 60 s', {
      'messages produced (accepted)': p.counts.accepted,
      'distinct events produced': total,
      'stored before the stop': storedBefore,
      'stop (SIGTERM → gone)': seconds(stoppedAt - stopAt),
      'outage (gone → start)': seconds(startAt - stoppedAt),
      'start → healthy': seconds(upAt - startAt),
      'healthy → ingest resumed': seconds(resumedAt - upAt),
      'healthy → caught up (lag 0)': seconds(caughtUpAt - upAt),
      'collector retries logged in the outage': retriesDuringOutage,
      'commit checks in the outage (all unchanged)': commitChecks.length,
      'lag at the end of the outage': lagInOutage,
      ...verdictLines(v),
      'test time': seconds(Date.now() - started),
    });

    expect(retriesDuringOutage).toBeGreaterThan(0);
    expect(lagInOutage).toBeGreaterThan(0);
    for (const check of commitChecks) expect(check).toEqual(frozen);
    expect(storedBefore).toBeLessThan(total);
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
