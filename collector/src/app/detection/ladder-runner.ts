/**
 * Climbs the escalation ladder of firing alerts: for each rung that is due and not yet
 * taken, first CLAIM it (write the alert with the rung noted on its history,
 * compare-and-set), then act — so with several collectors exactly one of them acts on a
 * rung. Actions: re-trigger (a resend command to the system that must act), notify the
 * owner, escalate (notify the `to` team), compensate or fail (a command to the instance's
 * own system). Each action is recorded on the alert's history: the instance's timeline.
 */
import {
  COMMAND_SOURCE,
  CommandTypes,
  parseInstanceKey,
  type ResendCommand,
} from '@flowtrail/sdk/protocol';
import type { Alert } from '../../domain/alerts/alert.ts';
import {
  buildResendCommand,
  deterministicCommandId,
} from '../../domain/commands/build-resend-command.ts';
import type { CommandPublisher } from '../../ports/command-publisher.ts';
import type { DefinitionRegistry } from '../../domain/definitions/registry.ts';
import { dueRungs, ladderOf, type DueRung } from '../../domain/escalation/ladder.ts';
import type { Logger } from '../../shared/logger.ts';
import type { Notifier } from '../../ports/notifier.ts';
import type { AlertStore } from '../../ports/alert-store.ts';
import { notificationOf } from '../alerts/alert-notification.ts';
import { takenRungs, withRungTaken } from '../../domain/escalation/rung-history.ts';

export interface LadderDeps {
  alerts: AlertStore;
  registry: () => DefinitionRegistry;
  commands?: CommandPublisher;
  notifier?: Notifier;
  timelineUrl?: string;
  logger: Logger;
}

export interface RungTaken {
  alertId: string;
  rung: string;
  outcome: string;
}

function ownCommand(
  alert: Alert,
  what: string,
  attempt: number,
  now: Date,
): ResendCommand | undefined {
  const ref = parseInstanceKey(alert.instance);
  if (ref === undefined) return undefined;
  return {
    specversion: '1.0',
    id: deterministicCommandId(`${alert.id}#${what}`, attempt),
    source: COMMAND_SOURCE,
    type: CommandTypes.resend,
    time: now.toISOString(),
    datacontenttype: 'application/json',
    fttarget: ref.source,
    ftprocess: ref.process,
    ftinstance: ref.instance,
    data: {
      reason: alert.kind,
      what,
      findingId: alert.id,
      attempt,
      ...(alert.step !== undefined ? { step: alert.step } : {}),
    },
  };
}

export class LadderRunner {
  constructor(private readonly deps: LadderDeps) {}

  /** Takes the due rungs of every firing alert; returns what was done. */
  async climb(open: readonly Alert[], now: Date): Promise<RungTaken[]> {
    const done: RungTaken[] = [];
    for (const alert of open) {
      if (alert.status !== 'firing') continue; // acknowledged or silenced: a person has it
      const escalation = this.deps.registry().forInstance(alert)?.escalation;
      const ladder = ladderOf(escalation, alert.kind);
      let current = alert;
      for (const due of dueRungs(ladder, alert.since, takenRungs(alert), now.toISOString())) {
        const claimed = await this.claim(current, due, now);
        if (claimed === undefined) break; // another collector took it (or the write failed)
        current = claimed;
        const outcome = await this.act(
          current,
          due,
          ladder.slice(0, Number(due.id.split(':')[0])),
          now,
        );
        done.push({ alertId: alert.id, rung: due.id, outcome });
        // Best effort: the outcome next to the claim on the timeline (a lost race only
        // loses this note; the rung stays taken).
        const recorded = await this.deps.alerts.upsertAlerts([
          withRungTaken(current, due.id, now.toISOString(), `→ ${outcome}`),
        ]);
        current = recorded.written[0] ?? current;
        this.deps.logger.info({ alert: alert.id, rung: due.id, outcome }, 'escalation rung taken');
      }
    }
    return done;
  }

  private async claim(alert: Alert, due: DueRung, now: Date): Promise<Alert | undefined> {
    const what = `${due.rung.action}${due.rung.to !== undefined ? ` to ${due.rung.to}` : ''}`;
    const result = await this.deps.alerts.upsertAlerts([
      withRungTaken(alert, due.id, now.toISOString(), what),
    ]);
    return result.written[0];
  }

  private async act(
    alert: Alert,
    due: DueRung,
    before: readonly { action: string }[],
    now: Date,
  ): Promise<string> {
    const at = now.toISOString();
    try {
      switch (due.rung.action) {
        case 're-trigger': {
          const attempt = before.filter((r) => r.action === 're-trigger').length + 1;
          const command = buildResendCommand(
            { ...alert, instanceKey: alert.instance, id: alert.id },
            attempt,
            now,
            () => deterministicCommandId(alert.id, attempt),
          );
          if (command === undefined) return 'nothing to resend for this kind';
          if (this.deps.commands === undefined) return 'no command channel configured';
          await this.deps.commands.publish([command]);
          return `resend ${command.data.what} asked of ${command.fttarget} (attempt ${attempt})`;
        }
        case 'notify-owner':
        case 'escalate': {
          if (this.deps.notifier === undefined) return 'no notifier configured';
          const escalated = due.rung.action === 'escalate';
          await this.deps.notifier.send(
            notificationOf(
              alert,
              escalated ? 'escalated' : 'fired',
              at,
              this.deps.timelineUrl,
              escalated ? (due.rung.to ?? alert.owner) : alert.owner,
            ),
          );
          return escalated
            ? `escalated to ${due.rung.to ?? alert.owner ?? 'everyone'}`
            : 'owner notified';
        }
        case 'compensate':
        case 'fail': {
          const command = ownCommand(alert, due.rung.action, 1, now);
          if (command === undefined || this.deps.commands === undefined) {
            return 'no command channel configured';
          }
          await this.deps.commands.publish([command]);
          return `${due.rung.action} asked of ${command.fttarget}`;
        }
      }
    } catch (err) {
      this.deps.logger.warn({ err, alert: alert.id, rung: due.id }, 'escalation action failed');
      return `failed: ${(err as Error).message}`;
    }
  }
}
