/**
 * The detection scenario through embedded mode: every event (shuffled, re-delivered,
 * clock-skewed) posted to the real HTTP API, the real SQLite stores, the real sweeper
 * (driven by hand at the scenario's `now`) → exactly the injected faults are open alerts,
 * none on a healthy instance. The definitions (steps and their order) are written as YAML
 * into the collector's definitions dir, so nonconformance is checked too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDetectionScenario } from '../helpers/scenarios/consistency-scenario.ts';
import { pairs } from '../detection/scenarios-pipeline.ts';
import {
  listAlerts,
  postEvents,
  startHarness,
  type Harness,
  type ListedAlert,
} from './embedded-harness.ts';

const LIST_FIELDS = [
  'id',
  'kind',
  'status',
  'source',
  'process',
  'instance',
  'step',
  'owner',
  'since',
  'summary',
];

async function allAlerts(base: string, status?: string): Promise<ListedAlert[]> {
  const all: ListedAlert[] = [];
  for (let from = 0; ; from += 100) {
    const query = `?size=100&from=${from}${status !== undefined ? `&status=${status}` : ''}`;
    const page = await listAlerts(base, query);
    all.push(...page);
    if (page.length < 100) return all;
  }
}

describe.each(['alpha', 'beta', 42])('scenario seed %s through embedded mode', (seed) => {
  const scenario = generateDetectionScenario({ seed });
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      definitions: scenario.definitions,
      detection: { graceMs: scenario.graceMs },
    });
    await postEvents(h.base, scenario.events);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('finds exactly the injected faults, nothing on healthy instances', async () => {
    const at = new Date(scenario.now);
    await h.sweeper.sweepOnce(at);
    // A second sweep at the same time changes nothing (and sees every family).
    const again = await h.sweeper.sweepOnce(at);
    expect(again.fired).toBe(0);
    expect(again.resolved).toBe(0);

    const expected = pairs(scenario.expected);
    const stored = await h.app.alerts.store.openAlerts({});
    expect(pairs(stored.map((a) => ({ kind: a.kind, instanceKey: a.instance })))).toEqual(expected);

    const firing = await allAlerts(h.base, 'firing');
    expect(pairs(firing.map((a) => ({ kind: a.kind, instanceKey: a.instance })))).toEqual(expected);
    expect(firing.length).toBe(stored.length);

    const healthy = new Set(scenario.healthyKeys);
    expect(stored.filter((a) => healthy.has(a.instance))).toEqual([]);
    const all = await allAlerts(h.base);
    expect(all.filter((a) => healthy.has(a.instance))).toEqual([]);
  });

  it('lists alerts with the documented fields', async () => {
    const all = await allAlerts(h.base);
    expect(all.length).toBeGreaterThan(0);
    for (const alert of all) {
      for (const field of LIST_FIELDS) expect(alert).toHaveProperty(field);
      expect(alert.instance.split('/').length).toBeGreaterThanOrEqual(3);
      expect(alert.instance.startsWith(`${alert.source}/${alert.process}/`)).toBe(true);
      expect(typeof alert.summary).toBe('string');
      expect(Number.isNaN(Date.parse(alert.since))).toBe(false);
      expect(Date.parse(alert.since)).toBeLessThan(Date.parse(scenario.now));
    }
  });
});
