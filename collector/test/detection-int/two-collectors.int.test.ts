/**
 * Two collectors in one consumer group never fire the same alert twice (alert writes are
 * compare-and-set, docs/detection-runtime.md "Alerts"),
 * in Kafka mode against the REAL Kafka and Elasticsearch. Two in-process collectors share
 * the consumer group, the index prefix, the alerts topic and the commands topic; both
 * sweep the same generated scenario at the same instants, concurrently, over several
 * rounds. Each alert has exactly one `fired` record on the alerts topic and one firing
 * entry in its history, and each ladder rung is taken once: one command per
 * (finding, attempt) on the commands topic.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type RunningCollector } from '../../src/main/start-collector.ts';
import { generateDetectionScenario } from '../helpers/scenarios/consistency-scenario.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { uniqueName } from '../helpers/servers.ts';
import {
  allAlerts,
  pairsOf,
  produceEvents,
  readTopic,
  setUpScenarioSuite,
  sweepSchedule,
  waitUntilFolded,
  type ScenarioSuite,
} from './helpers.ts';

const name = uniqueName('det-two');
const topic = `${name}.events`;
const alertsTopic = `${name}.alerts`;
const commandsTopic = `${name}.commands`;
const HOUR = 3_600_000;
const scenario = generateDetectionScenario({ seed: 'two-collectors', faultCopies: 2 });
const logger = createLogger('warn');

let suite: ScenarioSuite | undefined;
let a: RunningCollector | undefined;
let b: RunningCollector | undefined;

beforeAll(async () => {
  suite = await setUpScenarioSuite(name, topic, scenario, HOUR); // the test drives the sweeps
  a = await startCollector(suite.config, { logger: logger.child({ collector: 'a' }) });
  b = await startCollector(suite.config, { logger: logger.child({ collector: 'b' }) });
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await suite?.release([topic, alertsTopic, commandsTopic]);
});

describe('two collectors in one consumer group (real Kafka + Elasticsearch)', () => {
  it('fire each alert once and take each ladder rung once, however they race', async () => {
    const [one, two] = [a as RunningCollector, b as RunningCollector];
    const { producer, servers } = suite as ScenarioSuite;
    const { es, kafka, admin } = servers;
    await produceEvents(producer, topic, scenario.events);
    await waitUntilFolded(es, name, scenario.events);

    // Several rounds: the scenario's history hour by hour, then `now` three more times;
    // both collectors sweep each instant at once.
    const times = [
      ...sweepSchedule(scenario.events, scenario.now, HOUR),
      ...Array.from({ length: 3 }, () => new Date(scenario.now)),
    ];
    let fired = 0;
    let rungs = 0;
    for (const at of times) {
      const reports = await Promise.all([
        one.detection.sweeper.sweepOnce(at),
        two.detection.sweeper.sweepOnce(at),
      ]);
      fired += reports.reduce((n, r) => n + r.fired, 0);
      rungs += reports.reduce((n, r) => n + r.rungs.length, 0);
    }

    const alerts = await allAlerts(one.alerts);
    expect(pairsOf(alerts.map((x) => ({ kind: x.kind, instanceKey: x.instance })))).toEqual(
      pairsOf(scenario.expected),
    );
    expect(alerts.every((x) => x.status === 'firing')).toBe(true);
    expect(fired).toBe(alerts.length); // each firing transition won by exactly one collector
    for (const alert of alerts) {
      const lifecycle = alert.history.filter((h) => h.note?.startsWith('rung ') !== true);
      expect(
        lifecycle.map((h) => h.status),
        alert.id,
      ).toEqual(['firing']);
    }

    // Alerts topic: exactly one `fired` record per alert (the notify-owner rung).
    const records = await readTopic(kafka, admin, alertsTopic, `${name}-read-alerts`);
    const firedIds = records
      .filter((r) => r.headers['flowtrail-alert-transition'] === 'fired')
      .map((r) => r.key);
    expect(firedIds.length).toBe(alerts.length);
    expect([...firedIds].sort()).toEqual(alerts.map((x) => x.id).sort());
    for (const r of records) expect(r.value['alertId']).toBe(r.key);

    // Commands topic: one command per (finding, attempt), one per resendable alert.
    const commands = await readTopic(kafka, admin, commandsTopic, `${name}-read-commands`);
    const perAttempt = new Map<string, number>();
    for (const c of commands) {
      const data = c.value['data'] as { findingId: string; attempt: number };
      const id = `${data.findingId}#${data.attempt}`;
      perAttempt.set(id, (perAttempt.get(id) ?? 0) + 1);
    }
    expect([...perAttempt.values()].every((n) => n === 1)).toBe(true);
    const resendable = alerts.filter((x) =>
      ['missing-subprocess', 'lost-completion'].includes(x.kind),
    );
    expect(resendable.length).toBeGreaterThan(0);
    expect([...perAttempt.keys()].sort()).toEqual(resendable.map((x) => `${x.id}#1`).sort());

    // Each rung once: re-trigger + notify-owner for resendable kinds, notify-owner else.
    expect(rungs).toBe(resendable.length + alerts.length);
    for (const alert of alerts) {
      const taken = alert.history
        .filter((h) => h.note?.startsWith('rung ') === true)
        .map((h) => (h.note ?? '').split(' ')[1]);
      expect(new Set(taken).size, alert.id).toBe(resendable.includes(alert) ? 2 : 1);
    }
  });
});
