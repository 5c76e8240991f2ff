/**
 * Where alerts go, and which changes are worth a message. Pure.
 *
 * Routes map an owner (a person or a team, as events and definitions name them) to
 * channel names (notifier configurations: `slack-payments`, `mail-oncall`…); alerts
 * without an owner, or whose owner has no route, go to the default channels.
 */
import type { Alert, AlertTransition } from './alert.ts';

export type AlertRoutes = Readonly<Record<string, readonly string[]>>;

export function routeOf(
  alert: Pick<Alert, 'owner'>,
  routes: AlertRoutes,
  fallback: readonly string[],
): string[] {
  const owned =
    alert.owner !== undefined && Object.hasOwn(routes, alert.owner)
      ? routes[alert.owner]
      : undefined;
  return [...new Set(owned ?? fallback)];
}

/**
 * Changes people are told about: an alert (re)firing, and the resolution of one they
 * were told about (a resolution while silenced stays quiet, like the silence; a pending
 * alert that cleared was never told about).
 */
export function isNotifiable(transition: Pick<AlertTransition, 'from' | 'to'>): boolean {
  if (transition.to === 'firing') return true;
  return (
    transition.to === 'resolved' && transition.from !== 'silenced' && transition.from !== 'pending'
  );
}

/** Transitions by alert group (`kind/process/owner`), groups and members in id order. */
export function groupTransitions(
  transitions: readonly AlertTransition[],
): Map<string, AlertTransition[]> {
  const groups = new Map<string, AlertTransition[]>();
  const sorted = [...transitions].sort(
    (a, b) => compare(a.alert.group, b.alert.group) || compare(a.alert.id, b.alert.id),
  );
  for (const transition of sorted) {
    const members = groups.get(transition.alert.group);
    if (members === undefined) groups.set(transition.alert.group, [transition]);
    else members.push(transition);
  }
  return groups;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
