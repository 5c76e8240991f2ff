/**
 * The detection sweep, run every `intervalMs` (start to start: sweep-schedule.ts) by every
 * collector: first a bounded step of re-deriving stored deadlines after definition changes
 * (deadline-rederivation.ts, so the overdue query below already sees them), then candidate
 * instances (sweep-candidates.ts) → all rules (detection/detect-all.ts, pure) → alert
 * lifecycle (AlertService.reconcile, compare-and-set, so with several collectors each alert
 * fires once) → escalation ladder (ladder-runner.ts, each rung claimed before it is acted on).
 * Resolutions are announced through the notifier; firing is announced by the ladder's
 * `notify-owner` rung (the default ladder has it at once). Sweeps are idempotent, so
 * several collectors may run them concurrently.
 */
import type { AlertService } from '../alerts/alert-service.ts';
import { isNotifiable } from '../../domain/alerts/routing.ts';
import type { DefinitionRegistry } from '../../domain/definitions/registry.ts';
import { detectAll } from '../../domain/detection/detect-all.ts';
import type { LearnedDeadlines } from '../../domain/detection/learned-deadlines.ts';
import type { Logger } from '../../shared/logger.ts';
import type { Notifier } from '../../ports/notifier.ts';
import type { DetectionReader, EventWriter } from '../../ports/event-store.ts';
import { notificationOf } from '../alerts/alert-notification.ts';
import { LadderRunner, type RungTaken } from './ladder-runner.ts';
import type { CommandPublisher } from '../../ports/command-publisher.ts';
import { sweepCandidates } from './sweep-candidates.ts';
import type { DeadlineRederiver, RederivationStep } from './deadline-rederivation.ts';
import { FixedRateSchedule } from './sweep-schedule.ts';
import { afterPage, lagMs, pageQuery, passAt, type ChangedWalk } from './changed-walk.ts';

/** The catch-up walk after a start covers every stored instance (sweep-candidates.ts). */
const CATCH_UP_SINCE = new Date(0).toISOString();

export interface SweepSettings {
  intervalMs: number;
  graceMs: number;
  /** The stuck rule's delivery grace (detection/stuck.ts); default `graceMs`. */
  stuckGraceMs?: number;
  /** Most instances per query of one sweep (also per page of the changed-since walk). */
  limit: number;
  /** Events are read (for duplicate actions and conformance) for at most this many instances. */
  eventsLimit: number;
  timelineUrl?: string;
}

export interface SweeperDeps {
  reader: DetectionReader & Pick<EventWriter, 'eventsOfInstances'>;
  alerts: AlertService;
  registry: () => DefinitionRegistry;
  learned?: () => LearnedDeadlines;
  commands?: CommandPublisher;
  notifier?: Notifier;
  /** Re-derives stored deadlines after definition changes, `settings.limit` per sweep. */
  deadlines?: Pick<DeadlineRederiver, 'step'>;
  settings: SweepSettings;
  logger: Logger;
  /** The time a sweep judges at (wall clock). */
  now?: () => Date;
  /** The schedule's monotonic clock in ms (sweep-schedule.ts; default `performance.now()`). */
  clock?: () => number;
}

export interface SweepReport {
  at: string;
  candidates: number;
  findings: number;
  fired: number;
  resolved: number;
  rungs: RungTaken[];
  /** States written with a re-derived `nextDeadline` before the sweep looked. */
  deadlinesRewritten: number;
  /** Recently changed instances this sweep re-checked (one page of the walk, ≤ limit). */
  changedExamined: number;
  /**
   * How far the changed-since walk is behind the sweep's time (changed-walk.ts `lagMs`):
   * 0 while it keeps up; growing from sweep to sweep, it cannot keep up with the changes.
   */
  changedLagMs: number;
}

export class Sweeper {
  private readonly ladder: LadderRunner;
  private readonly now: () => Date;
  private schedule: FixedRateSchedule | undefined;
  private stopped = false;
  /** The changed-since walk's pass and cursor (changed-walk.ts); undefined before the first. */
  private changedWalk: ChangedWalk | undefined;
  /** The catch-up walk's cursor: undefined = not started, null = done. */
  private catchUpAfter: string | null | undefined;

  constructor(private readonly deps: SweeperDeps) {
    this.now = deps.now ?? (() => new Date());
    this.ladder = new LadderRunner({
      alerts: deps.alerts.store,
      registry: deps.registry,
      ...(deps.commands !== undefined ? { commands: deps.commands } : {}),
      ...(deps.notifier !== undefined ? { notifier: deps.notifier } : {}),
      ...(deps.settings.timelineUrl !== undefined
        ? { timelineUrl: deps.settings.timelineUrl }
        : {}),
      logger: deps.logger,
    });
    deps.alerts.onTransitions(async (transitions) => {
      const notifier = deps.notifier;
      if (notifier === undefined) return;
      const at = this.now().toISOString();
      for (const t of transitions) {
        if (t.to !== 'resolved' || !isNotifiable(t)) continue;
        await notifier
          .send(notificationOf(t.alert, 'resolved', at, deps.settings.timelineUrl))
          .catch((err: unknown) =>
            deps.logger.warn({ err, alert: t.alert.id }, 'resolution not delivered'),
          );
      }
    });
  }

  /** One sweep at `now` (tests call it directly with a chosen time). */
  async sweepOnce(at: Date = this.now()): Promise<SweepReport> {
    const { settings, reader } = this.deps;
    const now = at.toISOString();
    const rederived = await this.rederiveDeadlines();
    // The next page of the recently changed instances: the pass goes on where the previous
    // sweep's page ended; a finished pass moves the window on (changed-walk.ts).
    const pass = passAt(this.changedWalk, at.getTime(), settings);
    const open = await this.deps.alerts.store.openAlerts({});
    const alertKeys = [...new Set(open.flatMap((a) => [a.instance, ...a.relatedKeys]))];
    const catchUp =
      this.catchUpAfter === null
        ? undefined
        : {
            since: CATCH_UP_SINCE,
            ...(this.catchUpAfter !== undefined ? { after: this.catchUpAfter } : {}),
          };
    const candidates = await sweepCandidates(reader, {
      now,
      changed: pageQuery(pass, settings.limit),
      alertKeys,
      limit: settings.limit,
      ...(catchUp !== undefined ? { catchUp } : {}),
    });
    const { states } = candidates;
    const live = states.filter((s) => !['completed', 'failed', 'cancelled'].includes(s.status));
    const events =
      states.length <= settings.eventsLimit
        ? await reader.eventsOfInstances(states.map((s) => s.key))
        : await reader.eventsOfInstances(live.slice(0, settings.eventsLimit).map((s) => s.key));
    const findings = detectAll(states, {
      now,
      graceMs: settings.graceMs,
      stuckGraceMs: settings.stuckGraceMs ?? settings.graceMs,
      registry: this.deps.registry(),
      ...(this.deps.learned !== undefined ? { learned: this.deps.learned() } : {}),
      events,
    });
    const transitions = await this.deps.alerts.reconcile(
      findings,
      { instances: states.map((s) => s.key) },
      at,
    );
    const stillOpen = await this.deps.alerts.store.openAlerts({
      instances: states.map((s) => s.key),
    });
    const rungs = await this.ladder.climb(stillOpen, at);
    if (catchUp !== undefined) this.catchUpAfter = candidates.catchUpAfter ?? null;
    // Judged: only now does the walk move on (a failed sweep re-reads the same page).
    this.changedWalk = afterPage(pass, candidates.changedNext);
    const report: SweepReport = {
      at: now,
      candidates: states.length,
      findings: findings.length,
      fired: transitions.filter((t) => t.to === 'firing').length,
      resolved: transitions.filter((t) => t.to === 'resolved').length,
      rungs,
      deadlinesRewritten: rederived?.rewritten ?? 0,
      changedExamined: candidates.changedCount,
      changedLagMs: lagMs(this.changedWalk, at.getTime()),
    };
    if (!this.changedWalk.done) {
      this.deps.logger.debug(
        {
          lagMs: report.changedLagMs,
          since: new Date(pass.since).toISOString(),
          until: new Date(pass.until).toISOString(),
          after: this.changedWalk.after,
        },
        'changed-since walk behind: more changed instances than one sweep reads',
      );
    }
    if (
      report.findings + report.fired + report.resolved + rungs.length + report.deadlinesRewritten >
      0
    ) {
      this.deps.logger.debug({ ...report, rungs: rungs.length }, 'sweep');
    }
    return report;
  }

  /** One step of the deadline walks; a failure is logged, the next sweep retries. */
  private async rederiveDeadlines(): Promise<RederivationStep | undefined> {
    const deadlines = this.deps.deadlines;
    if (deadlines === undefined) return undefined;
    try {
      return await deadlines.step(this.deps.settings.limit);
    } catch (err) {
      this.deps.logger.warn({ err }, 'stored deadlines not re-derived; retrying next sweep');
      return undefined;
    }
  }

  /**
   * Sweeps every `intervalMs`, start to start (sweep-schedule.ts): a sweep that overruns
   * the interval is followed at once by the next, never two at once.
   */
  start(): void {
    if (this.stopped) return;
    this.schedule ??= new FixedRateSchedule({
      intervalMs: this.deps.settings.intervalMs,
      run: () => this.sweepOnce(),
      onError: (err) =>
        this.deps.logger.warn({ err }, 'detection sweep failed; retrying next interval'),
      ...(this.deps.clock !== undefined ? { clock: this.deps.clock } : {}),
    });
    this.schedule.start();
  }

  /** No sweep after this; resolves once the sweep in progress has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.schedule?.stop();
  }
}
