/** Ownership counts from hand-made instance states and alerts. */
import { describe, expect, it } from 'vitest';
import { newAlert } from '../../src/domain/alerts/alert.ts';
import type { InstanceState, StepState } from '../../src/domain/instance/instance-state.ts';
import { ownership, teamOf } from '../../src/domain/views/ownership.ts';

function state(
  key: string,
  status: InstanceState['status'],
  steps: StepState[] = [],
  owner?: string,
): InstanceState {
  const current = status === 'running' || status === 'waiting';
  return {
    key,
    source: 'shop',
    process: 'order',
    instance: key,
    status,
    eventCount: 1,
    firstEventAt: '2024-03-01T10:00:00Z',
    lastEventAt: '2024-03-01T10:00:00Z',
    lastEventType: 'flowtrail.step.started',
    businessKeys: {},
    ...(owner === undefined ? {} : { owner }),
    steps,
    currentSteps: current ? steps.filter((s) => s.status !== 'completed').map((s) => s.name) : [],
    waits: [],
    expectations: [],
    systems: ['shop'],
    messages: { sent: 0, received: 0, sentIds: [], receivedIds: [] },
    traceIds: [],
    custom: {},
    searchText: key,
  };
}
const step = (name: string, status: StepState['status'], owner?: string): StepState => ({
  name,
  status,
  attempts: 1,
  ...(owner === undefined ? {} : { owner }),
});
const stuck = (instance: string, owner?: string) =>
  newAlert(
    {
      kind: 'stuck',
      instanceKey: instance,
      relatedKeys: [],
      process: 'order',
      source: 'shop',
      since: '2024-03-01T10:00:00Z',
      summary: 'stuck',
      details: {},
      ...(owner === undefined ? {} : { owner }),
    },
    '2024-03-01T11:00:00Z',
  );

const states = [
  state('a', 'running', [step('pick', 'running', 'ann')], 'team-shop'),
  state('b', 'waiting', [step('pay', 'waiting', 'bob'), step('pick', 'running', 'ann')]),
  state('c', 'waiting', [step('pay', 'completed', 'bob')], 'team-shop'),
  state('d', 'completed', [step('pick', 'completed', 'ann')]),
  state('e', 'running'),
];

describe('ownership', () => {
  const resolved = { ...stuck('c'), status: 'resolved' as const };
  const view = ownership(states, [stuck('b', 'bob'), stuck('a'), resolved, stuck('zz')], {
    teams: { ann: 'team-shop' },
  });

  it('counts open, waiting and stuck instances per owner with drill-down keys', () => {
    const rows = Object.fromEntries(view.owners.map((r) => [r.name, r]));
    expect(rows.ann).toMatchObject({
      open: { count: 2, keys: ['a', 'b'] },
      waiting: { count: 1, keys: ['b'] },
      stuck: { count: 1, keys: ['a'] },
    });
    expect(rows.bob).toMatchObject({
      open: { count: 1, keys: ['b'] },
      stuck: { count: 1, keys: ['b'] },
    });
    expect(rows['team-shop']).toMatchObject({ open: { keys: ['c'] }, waiting: { keys: ['c'] } });
    expect(rows.unowned).toMatchObject({ open: { keys: ['e'] }, stuck: { keys: ['zz'] } });
    expect(view.owners.some((r) => r.open.keys.includes('d'))).toBe(false);
    expect(view.owners.map((r) => r.name)).toEqual(['ann', 'bob', 'unowned', 'team-shop']);
  });

  it('groups owners into teams (map, else the owner itself), counting an instance once', () => {
    const team = view.teams.find((r) => r.name === 'team-shop');
    expect(team?.owners).toEqual(['ann', 'team-shop']);
    expect(team?.open).toEqual({ count: 3, keys: ['a', 'b', 'c'] });
    expect(team?.stuck).toEqual({ count: 1, keys: ['a'] });
    expect(teamOf('bob')).toBe('bob');
    expect(teamOf('constructor')).toBe('constructor');
  });

  it('is empty without instances and alerts', () => {
    expect(ownership([])).toEqual({ owners: [], teams: [] });
  });
});
