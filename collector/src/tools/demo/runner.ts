/**
 * Executes demo plans (scenario.ts) through the SDK: one `createFlowtrail` client per
 * system (`source` = the system's name), each on its own transport. Messages between the
 * systems travel as the propagation headers `messageSent` returns — an in-process "bus"
 * standing in for the Kafka/HTTP hop — so subprocesses start from those headers with
 * their parent link, causation and trace context.
 *
 * Two ways to run (run-modes.ts): `runInstances` (history pace: every event carries its planned time,
 * executed at once) and `runContinuous` (live pace: actions wait for their instant on
 * timers, events carry the real current time).
 *
 * With a `RepairDesk` (repair-desk.ts), the held rest of an order whose message was lost
 * waits there for the resend command, and then runs in live pace from the moment it
 * arrived (whatever the pace of the order before); its resent message carries the
 * command's id (`attributes.resendFor`), so the timeline shows what answered what.
 * Without a desk the held actions never run: the fault stays, as before repairs existed.
 */
import { setTimeout as delay } from 'node:timers/promises';
import {
  createFlowtrail,
  type Flowtrail,
  type FlowtrailError,
  type ProcessHandle,
  type Transport,
} from '@flowtrail/sdk';
import {
  SYSTEMS,
  type DemoAction,
  type DemoPlan,
  type HandleName,
  type SystemName,
} from './plan.ts';
import { hashSeed } from './random.ts';
import { RecordingTransport } from './recording-transport.ts';
import type { RepairDesk } from './repair-desk.ts';
import { LIVE_SCALE, type ScenarioOptions } from './scenario.ts';
import { emptySummary, type DemoSummary } from './summary.ts';

export interface RunnerOptions {
  seed: string;
  runId: string;
  /** Shown in the summary, e.g. the collector URL or the Kafka topic. */
  target: string;
  transportFor: (system: SystemName) => Transport;
  faultRate: number;
  /** Where held orders wait for their resend command (none: they never resume). */
  desk?: RepairDesk;
  /** Stops resumed orders between their actions (they are abandoned, as on shutdown). */
  signal?: AbortSignal;
  /**
   * Real ms per planned ms of a resumed order. Default: 1 for a live order (its plan is
   * compressed already), `LIVE_SCALE` for a history one (realistic durations: hours);
   * 0 runs it at once (tests).
   */
  resumeScale?: number;
}

/** Per-plan execution state: the SDK handles and what the SDK returned. */
interface Execution {
  plan: DemoPlan;
  handles: Map<HandleName, ProcessHandle>;
  headers: Map<string, Record<string, string>>;
  expectations: Map<string, string>;
  eventIds: (string | undefined)[];
  /** Executed in live pace (its plan is compressed already). */
  live: boolean;
}

export class DemoRunner {
  readonly clients: Record<SystemName, Flowtrail>;
  readonly summary: DemoSummary;
  private readonly taps: Record<SystemName, RecordingTransport>;
  /** Held orders resumed by a command and still running. */
  private readonly resumed = new Set<Promise<void>>();

  constructor(private readonly options: RunnerOptions) {
    this.summary = emptySummary(options.seed, options.runId, options.target);
    const taps = {} as Record<SystemName, RecordingTransport>;
    const clients = {} as Record<SystemName, Flowtrail>;
    for (const system of SYSTEMS) {
      taps[system] = new RecordingTransport(options.transportFor(system));
      clients[system] = createFlowtrail({
        source: system,
        transport: taps[system],
        maxQueueSize: 20_000,
        maxBatchSize: 500,
        scheduledDelayMs: 250,
        onError: (err) => this.recordError(err),
      });
    }
    this.taps = taps;
    this.clients = clients;
  }

  /**
   * Scenario options of this run; order numbers start at a per-run offset. `runId`
   * overrides the runner's (a second batch of orders on the same clients).
   */
  scenario(
    pace: ScenarioOptions['pace'],
    historySpanMs?: number,
    runId = this.options.runId,
  ): ScenarioOptions {
    const { seed, faultRate } = this.options;
    const firstOrderNumber = 10_000 + (hashSeed(seed, runId) % 80_000);
    return {
      seed,
      runId,
      faultRate,
      pace,
      firstOrderNumber,
      ...(historySpanMs ? { historySpanMs } : {}),
    };
  }

  /**
   * Runs one plan. `live`: each action waits until its instant (stops quietly when
   * `signal` aborts) and events get the real time; otherwise all at once, events stamped
   * with the planned instants.
   */
  async execute(plan: DemoPlan, live = false, signal?: AbortSignal): Promise<void> {
    this.summary.orders += 1;
    for (const fault of plan.faults) this.summary.faults[fault].push(plan.orderId);
    const run: Execution = {
      plan,
      handles: new Map(),
      headers: new Map(),
      expectations: new Map(),
      eventIds: [],
      live,
    };
    const redelivered = new Set(plan.actions.flatMap((a) => (a.op === 'redeliver' ? [a.of] : [])));
    let holding = false;
    for (const [index, action] of plan.actions.entries()) {
      if (action.held === true) {
        if (!holding) this.hold(run);
        holding = true;
        continue;
      }
      if (live) {
        const wait = action.at.getTime() - Date.now();
        try {
          if (wait > 0) await delay(wait, undefined, { signal });
        } catch {
          return; // aborted: the order stays where it is, as on a real shutdown
        }
        if (signal?.aborted) return;
      }
      const id = await this.perform(run, action, live ? undefined : action.at);
      run.eventIds[index] = id;
      if (id !== undefined && redelivered.has(index)) this.taps[action.system].watch(id);
    }
  }

  /** Leaves the held rest of `run`'s order at the desk, under the instance that must act. */
  private hold(run: Execution): void {
    const { plan } = run;
    const desk = this.options.desk;
    if (plan.repair === undefined || desk === undefined) return;
    const planned = plan.instances[plan.repair.handle];
    const held = plan.actions.filter((a) => a.held === true);
    desk.hold(
      { system: plan.repair.system, process: planned.process, instance: planned.instance },
      {
        what: plan.repair.what,
        resume: (commandId) => {
          let resent!: () => void;
          const first = new Promise<void>((resolve) => (resent = resolve));
          const running = this.resume(run, held, commandId, resent)
            .catch(() => undefined)
            .finally(() => {
              resent();
              this.resumed.delete(running);
            });
          this.resumed.add(running);
          return first;
        },
      },
    );
  }

  /**
   * Runs held actions in live pace, shifted so the first runs now; `resent` is called
   * once it (the resend) was emitted.
   */
  private async resume(
    run: Execution,
    held: readonly DemoAction[],
    commandId: string,
    resent: () => void,
  ): Promise<void> {
    this.summary.repaired += 1;
    const scale = this.options.resumeScale ?? (run.live ? 1 : LIVE_SCALE);
    const origin = held[0]?.at.getTime() ?? 0;
    const started = Date.now();
    const moved = (d: Date): Date => new Date(started + (d.getTime() - origin) * scale);
    for (const action of held) {
      const at = moved(action.at);
      const wait = at.getTime() - Date.now();
      if (wait > 0) await delay(wait, undefined, { signal: this.options.signal });
      if (this.options.signal?.aborted === true) return;
      const shifted = { ...action, at } as DemoAction;
      if ('deadline' in shifted && shifted.deadline !== undefined) {
        shifted.deadline = moved(shifted.deadline);
      }
      await this.perform(run, shifted, undefined, commandId);
      resent();
    }
  }

  /** Resumed orders still running (they stop at `signal`). */
  async settled(): Promise<void> {
    while (this.resumed.size > 0) await Promise.allSettled([...this.resumed]);
  }

  /** Flushes every client (waits until their queues are sent or given up). */
  async flush(): Promise<void> {
    await Promise.all(SYSTEMS.map((s) => this.clients[s].flush()));
  }

  /** Flushes and closes every client; returns the final summary. */
  async shutdown(): Promise<DemoSummary> {
    await this.settled();
    await Promise.all(SYSTEMS.map((s) => this.clients[s].shutdown()));
    for (const system of SYSTEMS) this.summary.systems[system].stats = this.clients[system].stats();
    return this.summary;
  }

  /** Pending events over all clients. */
  get pending(): number {
    return SYSTEMS.reduce((sum, s) => sum + this.clients[s].stats().pending, 0);
  }

  private async perform(
    run: Execution,
    action: DemoAction,
    time: Date | undefined,
    commandId?: string,
  ): Promise<string | undefined> {
    const t = time === undefined ? {} : { time };
    if (action.op === 'redeliver') {
      const id = run.eventIds[action.of];
      if (id === undefined) return undefined;
      await this.clients[action.system].flush();
      const event = this.taps[action.system].take(id);
      if (event !== undefined && this.clients[action.system].emitEvent(event)) {
        this.summary.redelivered += 1;
      }
      return undefined;
    }
    const h = this.handle(run, action.handle);
    switch (action.op) {
      case 'start':
        this.summary.systems[action.system].instances += 1;
        return h.start({ ...t, ...(action.deadline ? { deadline: action.deadline } : {}) });
      case 'complete':
        return h.complete(t);
      case 'fail':
        return h.fail(action.error, t);
      case 'cancel':
        return h.cancel({ ...t, reason: action.reason });
      case 'step-start': {
        const step = h.step(action.step, action.owner ? { owner: action.owner } : {});
        return step.start({ ...t, ...(action.deadline ? { deadline: action.deadline } : {}) });
      }
      case 'step-complete':
        return h.step(action.step).complete(t);
      case 'step-fail':
        return h.step(action.step).fail(action.error, t);
      case 'step-waiting':
        return h.step(action.step).waiting({ ...t, for: action.for, deadline: action.deadline });
      case 'expect': {
        const { peer: system, process, deadline } = action;
        run.expectations.set(action.expectation, h.expect({ ...t, system, process, deadline }));
        return undefined;
      }
      case 'fulfil': {
        const expectationId = run.expectations.get(action.expectation);
        return expectationId === undefined ? undefined : h.fulfil(expectationId, t);
      }
      case 'send': {
        const expectationId =
          action.expectation === undefined ? undefined : run.expectations.get(action.expectation);
        const resendFor =
          action.resend === true && commandId !== undefined ? { resendFor: commandId } : {};
        const sent = h.messageSent({
          ...t,
          to: action.to,
          attributes: { messageType: action.name, ...resendFor },
          ...(expectationId === undefined ? {} : { expectationId }),
        });
        run.headers.set(action.message, sent.headers);
        return sent.eventId;
      }
      case 'receive':
        return h.messageReceived({ ...t, headers: run.headers.get(action.message) ?? {} });
    }
  }

  private handle(run: Execution, name: HandleName): ProcessHandle {
    let handle = run.handles.get(name);
    if (handle !== undefined) return handle;
    const { plan } = run;
    const planned = plan.instances[name];
    const parentFrom =
      planned.parentFrom === undefined ? undefined : run.headers.get(planned.parentFrom);
    handle = this.clients[planned.system].process(planned.process, {
      instance: planned.instance,
      owner: planned.owner,
      businessKeys: { orderId: plan.orderId, customerId: plan.customerId },
      // a subprocess inherits the trace context from the headers it was started by
      ...(parentFrom === undefined ? { trace: { traceparent: plan.traceparent } } : { parentFrom }),
    });
    run.handles.set(name, handle);
    return handle;
  }

  private recordError(err: FlowtrailError): void {
    const entry = (this.summary.errors[err.code] ??= { count: 0, first: err.message });
    entry.count += 1;
  }
}
