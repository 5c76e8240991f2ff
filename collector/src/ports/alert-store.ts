/**
 * The alert storage port: one document per alert id, written conditionally so that two
 * collectors sweeping the same instances never both fire (and notify) the same alert.
 * Elasticsearch (`elasticsearch/es-alert-store.ts`, index `<prefix>-alerts`) and the
 * embedded SQLite store (`sqlite/sqlite-alert-store.ts`, table `alerts`) implement it;
 * collector/test/storage/alert-contract.ts runs against both.
 */
import type { Alert, AlertStatus } from '../domain/alerts/alert.ts';
import type { FindingKind } from '../domain/detection/finding.ts';
import type { AlertChangeReader } from './change-feed.ts';
import type { ItemFailure, StorageLifecycle } from './event-store.ts';

/** Which alerts a sweep covers; every given filter applies (absent = any). */
export interface AlertScope {
  kinds?: readonly FindingKind[];
  processes?: readonly string[];
  /** Instance keys (`Alert.instance`). */
  instances?: readonly string[];
}

export interface AlertQuery {
  /** Any of these statuses. */
  status?: readonly AlertStatus[];
  /** Any of these kinds. */
  kind?: readonly FindingKind[];
  process?: string;
  owner?: string;
  /**
   * An instance key: the alerts about that instance (`instance`) AND those it is
   * involved in (`relatedKeys`), e.g. the parent of a stuck subprocess — its timeline.
   */
  instance?: string;
  from?: number;
  size?: number;
}

export interface AlertPage {
  total: number;
  alerts: Alert[];
}

/**
 * Outcome of `upsertAlerts`. Every alert is in exactly one list:
 * - `written`: stored, as stored (with the bumped `version`);
 * - `conflicts`: not written because the stored version is not the one the alert was
 *   read as (another writer changed it first, or created it: read again and retry);
 * - `failed`: the store refused or could not take the item now (`status` like HTTP:
 *   429/5xx retriable). A write that did not reach the store at all throws instead.
 */
export interface AlertWriteResult {
  written: Alert[];
  conflicts: Alert[];
  failed: ItemFailure<Alert>[];
}

export interface AlertStore extends StorageLifecycle, AlertChangeReader {
  /**
   * Compare-and-set per alert: an alert with `version` 0 is created only if no alert
   * with its id exists; an alert with `version` n replaces the stored one only while that
   * one still has version n. Stored alerts get version n + 1. Alerts are independent
   * (no all-or-nothing batch).
   */
  upsertAlerts(alerts: readonly Alert[]): Promise<AlertWriteResult>;
  /** Read-your-writes. */
  getAlert(id: string): Promise<Alert | undefined>;
  /** The stored alerts of these ids (any status), read-your-writes; unknown ids absent. */
  getAlerts(ids: readonly string[]): Promise<Alert[]>;
  /** Every alert with status ≠ resolved in the scope, read-your-writes, in id order. */
  openAlerts(scope?: AlertScope): Promise<Alert[]>;
  /**
   * Alerts matching every given filter, most recently seen first (`lastSeenAt` desc,
   * then `id` asc). Near-real-time on Elasticsearch (~1 s refresh).
   */
  searchAlerts(query: AlertQuery): Promise<AlertPage>;
}
