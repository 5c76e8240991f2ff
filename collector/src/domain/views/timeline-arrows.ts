/**
 * Messages between the instances in view as arrows, one per `messageId`: `from` the
 * earliest `message.sent`, `to` the earliest `message.received` (ties: the smaller
 * instance key), `toSystem` the sent `data.to`, `resendFor` the command a resent message
 * answered, `transitMs` how long it travelled. Pure.
 */
import { EventTypes } from '@flowtrail/sdk/protocol';
import { instantOf } from '../instance/event-order.ts';
import type { InstanceState } from '../instance/instance-state.ts';
import { cmp, iso } from './timeline-time.ts';
import type { ArrowEnd, TimelineArrow, TimelineInput } from './timeline-types.ts';

export function arrowsOf(
  instances: readonly InstanceState[],
  input: TimelineInput,
): TimelineArrow[] {
  const sent = new Map<string, { end: ArrowEnd; ms: number; to?: string; resendFor?: string }>();
  const received = new Map<string, { end: ArrowEnd; ms: number }>();
  const better = (ms: number, end: ArrowEnd, old?: { ms: number; end: ArrowEnd }) =>
    old === undefined ||
    ms < old.ms ||
    (ms === old.ms && cmp(end.instanceKey, old.end.instanceKey) < 0);
  for (const state of instances) {
    for (const e of input.events.get(state.key) ?? []) {
      const id = e.data.messageId;
      if (typeof id !== 'string') continue;
      const ms = instantOf(e.time);
      const end: ArrowEnd = { lane: state.source, time: iso(ms), instanceKey: state.key };
      if (e.type === EventTypes.messageSent && better(ms, end, sent.get(id))) {
        const resendFor = e.data.attributes?.resendFor;
        sent.set(id, {
          end,
          ms,
          ...(typeof e.data.to === 'string' ? { to: e.data.to } : {}),
          ...(typeof resendFor === 'string' ? { resendFor } : {}),
        });
      } else if (e.type === EventTypes.messageReceived && better(ms, end, received.get(id))) {
        received.set(id, { end, ms });
      }
    }
  }
  const ids = [...new Set([...sent.keys(), ...received.keys()])].sort(cmp);
  return ids.map((messageId) => {
    const s = sent.get(messageId);
    const r = received.get(messageId);
    return {
      messageId,
      ...(s === undefined ? {} : { from: s.end }),
      ...(r === undefined ? {} : { to: r.end }),
      ...(s?.to === undefined ? {} : { toSystem: s.to }),
      ...(s?.resendFor === undefined ? {} : { resendFor: s.resendFor }),
      ...(s === undefined || r === undefined ? {} : { transitMs: Math.max(0, r.ms - s.ms) }),
    };
  });
}
