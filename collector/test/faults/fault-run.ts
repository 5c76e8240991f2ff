/**
 * The frame every fault test (`*.fault.test.ts` beside it) puts around its fault: the
 * suite's hooks (the suite and a producer opened before, every child collector killed and
 * everything released after), the clean run, the waits on the stored count, the graceful
 * stop, the printed counts and the checks of the verdict (fault-harness.ts) after the
 * fault.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import type { ChildCollector } from '../helpers/child-collector.ts';
import { restoreServers } from '../helpers/server-faults.ts';
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
  type CleanRun,
  type FaultSuite,
  type Verdict,
  type Workload,
} from './fault-harness.ts';

/** What a fault test works with; use it in the test (the hooks open it). */
export interface FaultTest {
  readonly suite: FaultSuite;
  readonly producer: FaultProducer;
  /** Every child collector started (killed after the test if still running). */
  readonly children: ChildCollector[];
  /** Starts another child collector and waits until it consumes. */
  startCollector(): Promise<ChildCollector>;
  /** The clean run, started now (it needs no server); awaited by the verdict. */
  startCleanRun(): Promise<CleanRun>;
  /** Event documents stored so far. */
  stored(): Promise<number>;
  /** Waits until at least `count` events are stored (polling every 500 ms). */
  waitForStored(count: number, timeoutMs: number, description: string): Promise<void>;
  /** Waits (≤ 120 s) until more than `stored` events are stored: ingest resumed. */
  waitForResumed(stored: number, description: string): Promise<void>;
  /** Waits until every produced identity is stored and the group has no lag. */
  waitUntilCaughtUp(timeoutMs: number): Promise<void>;
  /** The verdict after the fault (fault-harness.ts), against the clean run `clean`. */
  verdict(clean: Promise<CleanRun>): Promise<Verdict>;
  /**
   * Prints the counts: what was produced, the test's own `lines`, the verdict's and the
   * test time (since `started`).
   */
  report(title: string, v: Verdict, started: number, lines: Record<string, unknown>): void;
  /**
   * The checks after every fault: every message accepted, every accepted event stored
   * exactly once, no dead letters, no lag, every state equal to its fold and to the clean
   * run's, the alerts equal to the clean run's and to the scenario's expected findings.
   */
  expectFaultFree(v: Verdict): void;
}

export interface FaultTestOptions {
  /** Overrides of the collectors' environment (openFaultSuite). */
  env?: Record<string, string>;
  /** Start every private server again after the test (a test that stops one). */
  restoreServers?: boolean;
}

/**
 * Registers the hooks of a fault test file: before it, the suite (named after `prefix`)
 * and a producer to its topic; after it, every child collector still running SIGKILLed,
 * the producer closed, the servers restored (`restoreServers`: whatever happened, the
 * next test finds both servers up) and the suite released.
 */
export function faultTest(
  prefix: string,
  work: Workload,
  options: FaultTestOptions = {},
): FaultTest {
  let suite: FaultSuite | undefined;
  let producer: FaultProducer | undefined;
  const children: ChildCollector[] = [];

  beforeAll(async () => {
    suite = await openFaultSuite(uniqueName(prefix), work, options.env);
    producer = new FaultProducer(brokers, suite.topic);
  });

  afterAll(async () => {
    for (const child of children) {
      if (child.process.exitCode === null) child.process.kill('SIGKILL');
    }
    await producer?.close();
    if (options.restoreServers === true) await restoreServers();
    await suite?.release();
  });

  const open = (): { suite: FaultSuite; producer: FaultProducer } => {
    if (suite === undefined || producer === undefined) {
      throw new Error('the fault suite is not open (beforeAll failed)');
    }
    return { suite, producer };
  };
  const stored = (): Promise<number> => countEvents(open().suite.es, open().suite.name);
  return {
    get suite() {
      return open().suite;
    },
    get producer() {
      return open().producer;
    },
    children,
    startCollector: () => startReadyCollector(open().suite.env, children),
    startCleanRun: () => {
      const clean = cleanRun(open().suite, work);
      clean.catch(() => undefined); // awaited by the verdict
      return clean;
    },
    stored,
    waitForStored: async (count, timeoutMs, description) => {
      await waitFor(async () => (await stored()) >= count, {
        timeoutMs,
        intervalMs: 500,
        description,
      });
    },
    waitForResumed: async (before, description) => {
      await waitFor(async () => (await stored()) > before, {
        timeoutMs: 120_000,
        intervalMs: 250,
        description,
      });
    },
    waitUntilCaughtUp: (timeoutMs) => waitUntilCaughtUp(open().suite, work, timeoutMs),
    verdict: (clean) => verdict(open().suite, work, clean),
    report: (title, v, started, lines) =>
      report(title, {
        'messages produced (accepted)': open().producer.counts.accepted,
        'distinct events produced': work.identities.size,
        ...lines,
        ...verdictLines(v),
        'test time': seconds(Date.now() - started),
      }),
    expectFaultFree: (v) => {
      const total = work.identities.size;
      expect(open().producer.counts.accepted).toBe(work.messages.length);
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
    },
  };
}

/** Checks that a child collector is still running (its last lines if not). */
export function expectRunning(child: ChildCollector): void {
  expect(child.process.exitCode, tail(child)).toBeNull();
}

/** SIGTERMs a child collector and checks that it stops gracefully (exit 0). */
export async function stopGracefully(child: ChildCollector): Promise<void> {
  child.process.kill('SIGTERM');
  const exit = await child.exited;
  expect(exit, tail(child)).toEqual({ code: 0, signal: null });
}

const tail = (child: ChildCollector): string => child.output.slice(-10).join('\n');

/** When `action` began and when it was done (ms since the epoch). */
export async function timed(action: () => Promise<void>): Promise<{ at: number; done: number }> {
  const at = Date.now();
  await action();
  return { at, done: Date.now() };
}
