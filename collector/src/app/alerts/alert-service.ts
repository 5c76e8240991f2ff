/**
 * The thin adapter between the pure lifecycle (reconcile.ts, actions.ts) and an alert
 * store. Every write is compare-and-set: when another collector changed an alert first,
 * the alert is read again and the lifecycle applied to the fresh copy, so a status change
 * is reported (to the listeners: notifiers) only by the writer whose write won. Two
 * collectors running the same sweep therefore fire each alert once.
 */
import { StorageError } from '../../shared/errors.ts';
import type { Finding } from '../../domain/detection/finding.ts';
import { findingId } from '../../domain/detection/finding.ts';
import type { Logger } from '../../shared/logger.ts';
import type { AlertPage, AlertQuery, AlertScope, AlertStore } from '../../ports/alert-store.ts';
import { acknowledge, silence, type ActionResult } from '../../domain/alerts/actions.ts';
import type { Alert, AlertTransition } from '../../domain/alerts/alert.ts';
import { reconcile } from '../../domain/alerts/reconcile.ts';

export type TransitionListener = (transitions: readonly AlertTransition[]) => void | Promise<void>;

export interface AlertServiceOptions {
  now?: () => Date;
  /** See `ReconcileOptions.refreshAfterMs`. */
  refreshAfterMs?: number;
  /** Rounds of read-again-and-retry after conflicts (default 5). */
  maxAttempts?: number;
  logger?: Logger;
}

/** An acknowledge or silence that does not apply to the alert's status (API: 409). */
export class AlertActionError extends Error {
  readonly retriable: boolean;

  constructor(message: string, retriable = false) {
    super(message);
    this.name = 'AlertActionError';
    this.retriable = retriable;
  }
}

function failedWrite(operation: string, status: number, error: unknown): StorageError {
  return new StorageError(
    `${operation} failed with ${status}: ${JSON.stringify(error)}`,
    status === 429 || status >= 500,
    status,
  );
}

export class AlertService {
  private readonly listeners = new Set<TransitionListener>();
  private readonly now: () => Date;
  private readonly maxAttempts: number;

  constructor(
    readonly store: AlertStore,
    private readonly options: AlertServiceOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.maxAttempts = options.maxAttempts ?? 5;
  }

  /** Registers a listener for the status changes this service won; returns its removal. */
  onTransitions(listener: TransitionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * One sweep: the findings the rules report now for `scope` (all alerts of the scope
   * without a finding resolve). Returns the status changes this writer won (listeners
   * get them too). Items the store failed to take are left for the next sweep.
   */
  async reconcile(
    findings: readonly Finding[],
    scope: AlertScope = {},
    /** The time the findings were judged at (the sweep's); default the service's clock. */
    at?: Date,
  ): Promise<AlertTransition[]> {
    const now = at ?? this.now();
    const options =
      this.options.refreshAfterMs === undefined
        ? {}
        : { refreshAfterMs: this.options.refreshAfterMs };
    const open = await this.store.openAlerts(scope);
    const known = new Set(open.map((alert) => alert.id));
    const unknown = [...new Set(findings.map(findingId))].filter((id) => !known.has(id));
    let previous = [...open, ...(await this.store.getAlerts(unknown))];
    let pending = findings;
    const won: AlertTransition[] = [];
    for (let attempt = 1; ; attempt += 1) {
      const { upserts, transitions } = reconcile(previous, pending, now, options);
      if (upserts.length === 0) break;
      const result = await this.store.upsertAlerts(upserts);
      const written = new Map(result.written.map((alert) => [alert.id, alert]));
      for (const transition of transitions) {
        const alert = written.get(transition.alert.id);
        if (alert !== undefined) won.push({ ...transition, alert });
      }
      if (result.failed.length > 0) {
        this.options.logger?.warn(
          { failed: result.failed.map((f) => ({ id: f.item.id, status: f.status })) },
          'alert writes failed; the next sweep retries them',
        );
      }
      if (result.conflicts.length === 0) break;
      const conflicted = new Set(result.conflicts.map((alert) => alert.id));
      if (attempt >= this.maxAttempts) {
        this.options.logger?.warn(
          { conflicts: [...conflicted] },
          'alerts kept changing concurrently; the next sweep retries them',
        );
        break;
      }
      previous = await this.store.getAlerts([...conflicted]);
      pending = findings.filter((finding) => conflicted.has(findingId(finding)));
    }
    await this.notify(won);
    return won;
  }

  async get(id: string): Promise<Alert | undefined> {
    return this.store.getAlert(id);
  }

  async search(query: AlertQuery): Promise<AlertPage> {
    return this.store.searchAlerts(query);
  }

  /** Acknowledges the alert; undefined when there is none with this id. */
  async acknowledge(id: string, by?: string): Promise<Alert | undefined> {
    return this.act(id, 'acknowledge alert', (alert, now) => acknowledge(alert, by, now));
  }

  /** Silences the alert until `until`; undefined when there is none with this id. */
  async silence(id: string, until: Date, by?: string): Promise<Alert | undefined> {
    return this.act(id, 'silence alert', (alert, now) => silence(alert, until, by, now));
  }

  /** Read, apply, compare-and-set; again on conflict. */
  private async act(
    id: string,
    operation: string,
    apply: (alert: Alert, now: Date) => ActionResult,
  ): Promise<Alert | undefined> {
    for (let attempt = 1; attempt <= this.maxAttempts; attempt += 1) {
      const alert = await this.store.getAlert(id);
      if (alert === undefined) return undefined;
      const result = apply(alert, this.now());
      if (!result.ok) throw new AlertActionError(result.error);
      if (!result.changed) return alert;
      const { written, failed } = await this.store.upsertAlerts([result.alert]);
      const stored = written[0];
      if (stored !== undefined) {
        if (result.transition !== undefined) {
          await this.notify([{ ...result.transition, alert: stored }]);
        }
        return stored;
      }
      const failure = failed[0];
      if (failure !== undefined) throw failedWrite(operation, failure.status, failure.error);
    }
    throw new AlertActionError(`alert "${id}" kept changing concurrently; try again`, true);
  }

  private async notify(transitions: readonly AlertTransition[]): Promise<void> {
    if (transitions.length === 0) return;
    for (const listener of this.listeners) {
      try {
        await listener(transitions);
      } catch (err) {
        this.options.logger?.warn({ err }, 'alert transition listener failed');
      }
    }
  }
}
