/**
 * Detection in Kafka mode (`flowtrail collector`) against the REAL Kafka and
 * Elasticsearch: every event of a generated detection scenario (three systems, many
 * healthy orders, one of every fault; re-delivered, shuffled, clocks skewed) is produced
 * to the collector's input topic with a plain kafkajs producer (structured mode). The
 * in-process collector folds them into `<prefix>-instances`; detection is on, but with a
 * one-hour interval, so the test drives the sweeps itself at the scenario's times. Every
 * injected fault must be an open alert with the right kind and instance, and no healthy
 * instance may have an alert of any status.
 *
 * The scenario's definitions are written as YAML files for FLOWTRAIL_DEFINITIONS_DIR, so
 * nonconformance is checked too. Learned deadlines are off (FLOWTRAIL_LEARNED_MAX_INSTANCES
 * = 0): the scenario's stuck faults carry their deadlines on the events or definitions.
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
  setUpScenarioSuite,
  sweepSchedule,
  waitUntilFolded,
  type ScenarioSuite,
} from './helpers.ts';

const name = uniqueName('det-scn');
const topic = `${name}.events`;
const HOUR = 3_600_000;
const scenario = generateDetectionScenario({ seed: 'kafka-mode' });
const logger = createLogger('warn');

let suite: ScenarioSuite | undefined;
let collector: RunningCollector | undefined;

beforeAll(async () => {
  suite = await setUpScenarioSuite(name, topic, scenario, HOUR); // no timed sweep during the test
  collector = await startCollector(suite.config, { logger });
});

afterAll(async () => {
  await collector?.stop();
  await suite?.release([topic]);
});

describe('detection in Kafka mode: the generated scenario (real Kafka + Elasticsearch)', () => {
  it('finds every injected fault with the right kind and instance, nothing on healthy instances', async () => {
    const running = collector as RunningCollector;
    const { producer, servers } = suite as ScenarioSuite;
    const { es } = servers;
    expect(new Set(scenario.events.map((e) => e.id)).size).toBeLessThan(scenario.events.length);
    await produceEvents(producer, topic, scenario.events);
    await waitUntilFolded(es, name, scenario.events);
    await es.indices.refresh({ index: `${name}-instances` });

    // Sweep as a running collector would have: every hour of the scenario's history, then
    // at `now`, and once more at `now` (a repeated sweep changes nothing).
    const reports = [];
    for (const at of sweepSchedule(scenario.events, scenario.now, HOUR)) {
      reports.push(await running.detection.sweeper.sweepOnce(at));
    }
    const again = await running.detection.sweeper.sweepOnce(new Date(scenario.now));
    expect(again).toMatchObject({ fired: 0, resolved: 0, rungs: [] });

    const expected = pairsOf(scenario.expected);
    const alerts = await allAlerts(running.alerts);
    const found = pairsOf(alerts.map((a) => ({ kind: a.kind, instanceKey: a.instance })));
    expect(found).toEqual(expected);
    expect(alerts.filter((a) => a.status !== 'firing').map((a) => a.id)).toEqual([]);
    // One alert per (kind, instance) here; each fired once, never resolved in between.
    for (const alert of alerts) {
      const lifecycle = alert.history.filter((h) => h.note?.startsWith('rung ') !== true);
      expect(lifecycle.map((h) => h.status)).toEqual(['firing']);
    }
    expect(reports.reduce((n, r) => n + r.resolved, 0)).toBe(0);

    const healthy = new Set(scenario.healthyKeys);
    expect(alerts.filter((a) => healthy.has(a.instance)).map((a) => a.id)).toEqual([]);

    // The HTTP API answers the same open set.
    const api = running.api;
    expect(api).toBeDefined();
    const response = await fetch(`${api?.url}/api/alerts?status=firing&size=100`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      alerts: { kind: string; source: string; process: string; instance: string }[];
    };
    const viaApi = pairsOf(
      body.alerts.map((a) => ({
        kind: a.kind,
        instanceKey: a.instance.includes('/')
          ? a.instance
          : `${a.source}/${a.process}/${a.instance}`,
      })),
    );
    expect(viaApi).toEqual(expected);
  });
});
