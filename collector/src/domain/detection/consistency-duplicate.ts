/**
 * `duplicate` (a redundant message that is received must be ignored — when it is not,
 * the instance ran twice; docs/detection.md):
 * - duplicate subprocess: two or more children still alive (not failed or cancelled —
 *   a retry after a failure, or a duplicate already cancelled, is fine) run one
 *   expectation; every child after the first (by first event) is a finding, from its
 *   first event + grace;
 * - duplicate business action: one instance has two or more custom events (not
 *   `flowtrail.*`) with different ids but the same type, step and `data`; one finding
 *   per instance, from the second occurrence + grace. Needs the instance's events.
 * Re-deliveries of one event id are never duplicates: they are removed first (the fold
 * removes them likewise), so they never make a second child or a second action.
 * Pure.
 */
import { FLOWTRAIL_TYPE_PREFIX, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { canonicalJson } from '../instance/canonical-json.ts';
import { earliestTime, orderEvents } from '../instance/event-order.ts';
import type { InstanceState } from '../instance/instance-state.ts';
import { buildFinding, describeRef } from './consistency-finding.ts';
import type { RuleContext } from './consistency-context.ts';
import { isUnsuccessful, type ExpectationLink } from './consistency-links.ts';
import { isDue, latestOf, plusMs } from './consistency-time.ts';
import type { Finding, JsonValue } from './finding.ts';

/** Children after the first that run the same expectation. */
export function detectDuplicateSubprocesses(
  parent: InstanceState,
  links: readonly ExpectationLink[],
  ctx: RuleContext,
): Finding[] {
  return links.flatMap(({ expectation: e, children }) => {
    const alive = children.filter((child) => !isUnsuccessful(child));
    const [first, ...others] = alive;
    if (first === undefined) return [];
    return others.flatMap((child) => {
      const since = plusMs(latestOf(first.firstEventAt, child.firstEventAt), ctx.graceMs);
      if (!isDue(since, ctx.now)) return [];
      return [
        buildFinding({
          kind: 'duplicate',
          subject: child,
          related: [parent.key, ...alive.map((c) => c.key)],
          since,
          summary:
            `${describeRef(child)} duplicates ${describeRef(first)}: both run ${e.system}/${e.process} ` +
            `for ${describeRef(parent)} (expectation ${e.id}), which expected it once`,
          details: {
            expectationId: e.id,
            parentKey: parent.key,
            originalKey: first.key,
            duplicateKeys: alive.slice(1).map((c) => c.key),
          },
        }),
      ];
    });
  });
}

interface Action {
  type: string;
  step?: string;
  data: string;
  events: FlowtrailEvent[];
}

/** Custom events repeated with the same type, step and data under different ids. */
export function detectDuplicateActions(
  state: InstanceState,
  events: readonly FlowtrailEvent[],
  ctx: RuleContext,
): Finding[] {
  const actions = new Map<string, Action>();
  for (const event of orderEvents(events)) {
    if (event.type.startsWith(FLOWTRAIL_TYPE_PREFIX)) continue;
    const data = canonicalJson(event.data ?? {});
    const key = canonicalJson([event.type, event.ftstep ?? null, data]);
    const action = actions.get(key) ?? { type: event.type, data, events: [] };
    if (event.ftstep !== undefined) action.step = event.ftstep;
    action.events.push(event);
    actions.set(key, action);
  }
  const repeated = [...actions.values()].filter((action) => action.events.length > 1);
  const [first] = repeated;
  if (first === undefined) return [];
  const second = (action: Action): string => (action.events[1] as FlowtrailEvent).time;
  const since = plusMs(earliestTime(repeated.map(second)) as string, ctx.graceMs);
  if (!isDue(since, ctx.now)) return [];
  const more = repeated.length > 1 ? ` (and ${repeated.length - 1} more repeated actions)` : '';
  const details: { [key: string]: JsonValue } = {
    actions: repeated.map((action) => ({
      type: action.type,
      ...(action.step === undefined ? {} : { step: action.step }),
      eventIds: action.events.map((event) => event.id),
      times: action.events.map((event) => event.time),
      data: JSON.parse(action.data) as JsonValue,
    })),
  };
  return [
    buildFinding({
      kind: 'duplicate',
      subject: state,
      since,
      summary:
        `${first.type} happened ${first.events.length} times with the same data in ` +
        `${describeRef(state)}${more}`,
      details,
    }),
  ];
}
