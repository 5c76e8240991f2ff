/**
 * The human sentence of a stuck finding, e.g. "step capture of payment p-981 (billing)
 * is waiting for psp-callback since 09:15:03Z, 12 min past its deadline (owner
 * team-payments)". Times are UTC; the date is added when it is not `now`'s day.
 */
import type { InstanceState } from '../instance/instance-state.ts';
import { formatDuration } from '../definitions/format-duration.ts';
import type { EffectiveDeadline } from './stuck-deadlines.ts';

/** `09:15:03Z`, or `2026-11-21 09:15:03Z` on another day than `nowMs`. */
export function formatClock(iso: string, nowMs: number): string {
  const text = new Date(Date.parse(iso)).toISOString();
  const day = text.slice(0, 10);
  const clock = `${text.slice(11, 19)}Z`;
  return day === new Date(nowMs).toISOString().slice(0, 10) ? clock : `${day} ${clock}`;
}

function pastWhat(deadline: EffectiveDeadline, version: number | undefined): string {
  switch (deadline.source) {
    case 'event':
      return 'its deadline';
    case 'definition':
      return version === undefined
        ? 'its deadline from the definition'
        : `its deadline from definition v${version}`;
    case 'learned':
      return 'its learned deadline';
  }
}

/** What the subject is doing, and since when (ISO). */
function activity(
  deadline: EffectiveDeadline,
  state: InstanceState,
): { text: string; since?: string } {
  switch (deadline.target) {
    case 'step': {
      const { step } = deadline;
      if (deadline.phase === 'waiting') {
        const waitingFor = step.waitingFor === undefined ? '' : ` for ${step.waitingFor}`;
        return {
          text: `is waiting${waitingFor}`,
          ...(step.waitingSince ? { since: step.waitingSince } : {}),
        };
      }
      return { text: 'is running', ...(step.startedAt ? { since: step.startedAt } : {}) };
    }
    case 'instance':
      return {
        text: `is still ${state.status}`,
        ...(state.startedAt ? { since: state.startedAt } : { since: state.firstEventAt }),
      };
    case 'expectation': {
      const { expectation } = deadline;
      return {
        text: `expects ${expectation.system} to run ${expectation.process}`,
        since: expectation.registeredAt,
      };
    }
  }
}

export function stuckSummary(
  state: InstanceState,
  deadline: EffectiveDeadline,
  owner: string | undefined,
  nowMs: number,
  definitionVersion?: number,
): string {
  const subject = `${state.process} ${state.instance} (${state.source})`;
  const who = deadline.target === 'step' ? `step ${deadline.step.name} of ${subject}` : subject;
  const { text, since } = activity(deadline, state);
  const sinceText = since === undefined ? '' : ` since ${formatClock(since, nowMs)}`;
  const late = formatDuration(nowMs - deadline.deadlineMs);
  const ownerText = owner === undefined ? '' : ` (owner ${owner})`;
  return `${who} ${text}${sinceText}, ${late} past ${pastWhat(deadline, definitionVersion)}${ownerText}`;
}
