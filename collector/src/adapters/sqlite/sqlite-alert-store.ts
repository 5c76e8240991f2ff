/**
 * Embedded (SQLite) adapter of the alert store port: the `alerts` table of
 * `<dataDir>/flowtrail.db` (alert-store-schema.ts). Writes are compare-and-set on the
 * `version` column inside one IMMEDIATE transaction (the write lock is taken first), so
 * of two connections — two processes on one data directory — firing the same new alert
 * exactly one inserts it; the other sees a conflict. Every read is read-your-writes.
 * Each write takes the next `change_seq` (the change feed, change-queries.ts).
 */
import { SqliteComponent } from './sqlite-component.ts';
import type { Alert } from '../../domain/alerts/alert.ts';
import { StorageError } from '../../shared/errors.ts';
import type {
  AlertPage,
  AlertQuery,
  AlertScope,
  AlertStore,
  AlertWriteResult,
} from '../../ports/alert-store.ts';
import type { ChangePage } from '../../ports/change-feed.ts';
import {
  ALERT_STORE_COMPONENT,
  ALERT_STORE_DDL,
  ALERT_STORE_SCHEMA_VERSION,
  migrateAlertStore,
} from './alert-store-schema.ts';
import { ALERT_CHANGES, nextChangeSeq, readChanges } from './change-queries.ts';
import { type SqliteOptions } from './sqlite-database.ts';

const NEXT_CHANGE_SEQ = nextChangeSeq('alerts');

const INSERT = `
INSERT INTO alerts (id, version, kind, status, process, instance_key, owner, last_seen_ms, alert,
                    change_seq)
VALUES (@id, @version, @kind, @status, @process, @instanceKey, @owner, @lastSeenMs, @alert,
        ${NEXT_CHANGE_SEQ})
ON CONFLICT (id) DO NOTHING`;

const UPDATE = `
UPDATE alerts SET version = @version, kind = @kind, status = @status, process = @process,
  instance_key = @instanceKey, owner = @owner, last_seen_ms = @lastSeenMs, alert = @alert,
  change_seq = ${NEXT_CHANGE_SEQ}
WHERE id = @id AND version = @expected`;

const MAX_PAGE = 10_000;

interface Row {
  version: number;
  alert: string;
}

function toAlert(row: Row): Alert {
  return { ...(JSON.parse(row.alert) as Alert), version: row.version };
}

/** `col IN (…)` over a JSON array parameter (one statement shape for any list length). */
function inList(column: string): string {
  return `${column} IN (SELECT value FROM json_each(?))`;
}

export class SqliteAlertStore extends SqliteComponent implements AlertStore {
  constructor(options: SqliteOptions) {
    super(options, {
      component: ALERT_STORE_COMPONENT,
      version: ALERT_STORE_SCHEMA_VERSION,
      ddl: ALERT_STORE_DDL,
      migrate: migrateAlertStore,
    });
  }

  async alertChanges(after: number | undefined, limit: number): Promise<ChangePage> {
    return this.run('alert changes', (db) =>
      readChanges(
        (sql) => this.statement(db, sql),
        (fn) => db.transaction(fn)(),
        ALERT_CHANGES,
        after,
        limit,
      ),
    );
  }

  async upsertAlerts(alerts: readonly Alert[]): Promise<AlertWriteResult> {
    const result: AlertWriteResult = { written: [], conflicts: [], failed: [] };
    const valid: Alert[] = [];
    for (const alert of alerts) {
      if (Number.isNaN(Date.parse(alert.lastSeenAt))) {
        result.failed.push({
          item: alert,
          status: 400,
          error: { type: 'invalid_alert', reason: `invalid lastSeenAt ${alert.lastSeenAt}` },
        });
      } else valid.push(alert);
    }
    if (valid.length === 0) return result;
    this.run('write alerts', (db) => {
      const insert = this.statement(db, INSERT);
      const update = this.statement(db, UPDATE);
      db.transaction(() => {
        for (const alert of valid) {
          const stored: Alert = { ...alert, version: alert.version + 1 };
          const row = {
            id: alert.id,
            version: stored.version,
            kind: alert.kind,
            status: alert.status,
            process: alert.process,
            instanceKey: alert.instance,
            owner: alert.owner ?? null,
            lastSeenMs: Date.parse(alert.lastSeenAt),
            alert: JSON.stringify(stored),
          };
          const { changes } =
            alert.version === 0 ? insert.run(row) : update.run({ ...row, expected: alert.version });
          if (changes > 0) result.written.push(stored);
          else result.conflicts.push(alert);
        }
      }).immediate();
    });
    return result;
  }

  async getAlert(id: string): Promise<Alert | undefined> {
    const row = this.run('get alert', (db) =>
      this.statement(db, 'SELECT version, alert FROM alerts WHERE id = ?').get(id),
    ) as Row | undefined;
    return row === undefined ? undefined : toAlert(row);
  }

  async getAlerts(ids: readonly string[]): Promise<Alert[]> {
    if (ids.length === 0) return [];
    const rows = this.run('get alerts', (db) =>
      this.statement(db, `SELECT version, alert FROM alerts WHERE ${inList('id')} ORDER BY id`).all(
        JSON.stringify([...new Set(ids)]),
      ),
    ) as Row[];
    return rows.map(toAlert);
  }

  async openAlerts(scope: AlertScope = {}): Promise<Alert[]> {
    const where = ["status <> 'resolved'"];
    const params: string[] = [];
    const add = (column: string, values: readonly string[] | undefined): void => {
      if (values === undefined) return;
      where.push(inList(column));
      params.push(JSON.stringify(values));
    };
    add('kind', scope.kinds);
    add('process', scope.processes);
    add('instance_key', scope.instances);
    const rows = this.run('open alerts', (db) =>
      this.statement(
        db,
        `SELECT version, alert FROM alerts WHERE ${where.join(' AND ')} ORDER BY id`,
      ).all(...params),
    ) as Row[];
    return rows.map(toAlert);
  }

  async searchAlerts(query: AlertQuery): Promise<AlertPage> {
    const from = query.from ?? 0;
    const size = query.size ?? 20;
    if (!Number.isInteger(from) || !Number.isInteger(size) || from < 0 || size < 0) {
      throw new StorageError(
        `sqlite search alerts failed: invalid page ${from}/${size}`,
        false,
        400,
      );
    }
    const where: string[] = [];
    const params: string[] = [];
    if (query.status !== undefined) {
      where.push(inList('status'));
      params.push(JSON.stringify(query.status));
    }
    if (query.kind !== undefined) {
      where.push(inList('kind'));
      params.push(JSON.stringify(query.kind));
    }
    if (query.process !== undefined) {
      where.push('process = ?');
      params.push(query.process);
    }
    if (query.owner !== undefined) {
      where.push('owner = ?');
      params.push(query.owner);
    }
    if (query.instance !== undefined) {
      // The instance itself (indexed), or one of its related keys (in the alert JSON).
      where.push(
        "(instance_key = ? OR EXISTS (SELECT 1 FROM json_each(alert, '$.relatedKeys') WHERE value = ?))",
      );
      params.push(query.instance, query.instance);
    }
    const clause = where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`;
    return this.run('search alerts', (db) => {
      const count = this.statement(db, `SELECT count(*) AS total FROM alerts${clause}`);
      const select = this.statement(
        db,
        `SELECT version, alert FROM alerts${clause} ORDER BY last_seen_ms DESC, id LIMIT ? OFFSET ?`,
      );
      return db.transaction(() => {
        const { total } = count.get(...params) as { total: number };
        const rows =
          size === 0 ? [] : (select.all(...params, Math.min(size, MAX_PAGE), from) as Row[]);
        return { total, alerts: rows.map(toAlert) };
      })();
    });
  }
}
