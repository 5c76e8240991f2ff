/**
 * Ownership view: owners and teams × open, waiting and stuck instances, with the instance
 * keys of each cell for the drill-down. Pure.
 *
 * - An instance's owners: the owners of its current (running or waiting) steps; when none
 *   has one, the instance owner; else `unowned` (`UNOWNED`).
 * - `open`: non-terminal instances (running or waiting); `waiting`: status `waiting`;
 *   `stuck`: instances with an open (not resolved) `stuck` alert — counted for the alert's
 *   owner when it names one, else for the instance's owners (also when the instance's
 *   state is not given: then for the alert's owner or `unowned`).
 * - An instance owned by several owners counts once for each of them, and once per team.
 * - Team of an owner: `teams[owner]` when given, else the owner itself when it starts
 *   with `team-`, else the owner (a person is their own team unless mapped).
 * Rows are sorted by stuck, then open, descending, then by name; keys are sorted.
 */
import { isOpen, type Alert } from '../alerts/alert.ts';
import type { InstanceState } from '../instance/instance-state.ts';

export const UNOWNED = 'unowned';

export type OwnershipColumn = 'open' | 'waiting' | 'stuck';

export interface OwnershipCell {
  count: number;
  keys: string[];
}

export interface OwnershipRow {
  /** Owner name (owner rows) or team name (team rows). */
  name: string;
  open: OwnershipCell;
  waiting: OwnershipCell;
  stuck: OwnershipCell;
}

export interface TeamRow extends OwnershipRow {
  /** Owners of the team that have a row, sorted. */
  owners: string[];
}

export interface Ownership {
  owners: OwnershipRow[];
  teams: TeamRow[];
}

export interface OwnershipOptions {
  /** owner → team. */
  teams?: Readonly<Record<string, string>>;
}

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function teamOf(owner: string, teams: Readonly<Record<string, string>> = {}): string {
  return Object.hasOwn(teams, owner) ? (teams[owner] as string) : owner;
}

export function ownersOf(state: InstanceState): string[] {
  const current = new Set(state.currentSteps);
  const stepOwners = state.steps
    .filter((s) => current.has(s.name) && s.owner !== undefined)
    .map((s) => s.owner as string);
  if (stepOwners.length > 0) return [...new Set(stepOwners)].sort(cmp);
  return [state.owner ?? UNOWNED];
}

type Cells = Record<OwnershipColumn, Set<string>>;

function add(rows: Map<string, Cells>, name: string, column: OwnershipColumn, key: string) {
  const row = rows.get(name) ?? { open: new Set(), waiting: new Set(), stuck: new Set() };
  rows.set(name, row);
  row[column].add(key);
}

function toRow(name: string, cells: Cells): OwnershipRow {
  const cell = (set: Set<string>): OwnershipCell => ({
    count: set.size,
    keys: [...set].sort(cmp),
  });
  return { name, open: cell(cells.open), waiting: cell(cells.waiting), stuck: cell(cells.stuck) };
}

const rank = (a: OwnershipRow, b: OwnershipRow): number =>
  b.stuck.count - a.stuck.count || b.open.count - a.open.count || cmp(a.name, b.name);

export function ownership(
  states: readonly InstanceState[],
  alerts: readonly Alert[] = [],
  options: OwnershipOptions = {},
): Ownership {
  const rows = new Map<string, Cells>();
  const byKey = new Map(states.map((s) => [s.key, s]));
  for (const state of byKey.values()) {
    if (TERMINAL.has(state.status)) continue;
    for (const owner of ownersOf(state)) {
      add(rows, owner, 'open', state.key);
      if (state.status === 'waiting') add(rows, owner, 'waiting', state.key);
    }
  }
  for (const alert of alerts) {
    if (alert.kind !== 'stuck' || !isOpen(alert)) continue;
    const state = byKey.get(alert.instance);
    const owners =
      alert.owner !== undefined ? [alert.owner] : state !== undefined ? ownersOf(state) : [UNOWNED];
    for (const owner of owners) add(rows, owner, 'stuck', alert.instance);
  }
  const teams = new Map<string, Cells>();
  const members = new Map<string, Set<string>>();
  for (const [owner, cells] of rows) {
    const team = teamOf(owner, options.teams);
    members.set(team, (members.get(team) ?? new Set()).add(owner));
    for (const column of ['open', 'waiting', 'stuck'] as const) {
      for (const key of cells[column]) add(teams, team, column, key);
    }
  }
  return {
    owners: [...rows].map(([name, cells]) => toRow(name, cells)).sort(rank),
    teams: [...teams]
      .map(([name, cells]) => ({
        ...toRow(name, cells),
        owners: [...(members.get(name) as Set<string>)].sort(cmp),
      }))
      .sort(rank),
  };
}
