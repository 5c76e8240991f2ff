/**
 * The detection scenario (docs/detection.md): three systems — `shop` runs `order`, which
 * expects `payments` to run `payment` and `shipping` to run `shipment` — with many
 * healthy orders (finished, and in flight just inside their graces and deadlines) and
 * at least one of every fault kind: stuck wait and step, missing subprocess (with and
 * without a deadline), lost completion, orphan (ended and unknown parent), duplicate
 * subprocess, duplicate business action, divergence (both ways), nonconformance.
 *
 * The events are delivered as a collector sees them: a share re-delivered under the
 * same id, shuffled, and every system's clock skewed by a few seconds (payments writes
 * its times at +01:00). `expected` lists exactly the (kind, instance) findings at `now`
 * with the default 30 s grace; `healthyKeys` the instances that must have none. Usable
 * by pure tests and, later, against the real servers. Pure: same options, same result.
 */
import { seededRandom } from '../../../src/tools/demo/random.ts';
import { DEFAULT_GRACE_MS } from '../../../src/domain/detection/consistency-context.ts';
import { redeliver, shuffle } from './delivery.ts';
import { FAULT_STORIES } from './fault-stories.ts';
import { HEALTHY_STORIES } from './healthy-stories.ts';
import { SCENARIO_DEFINITIONS } from './scenario-definitions.ts';
import type { DetectionScenario, ExpectedFinding } from './scenario-types.ts';
import { ScenarioWriter, type SystemClock } from './scenario-writer.ts';

export type { DetectionScenario, ExpectedFinding } from './scenario-types.ts';

export interface ScenarioOptions {
  seed: string | number;
  /** Number of healthy orders (cycling through every healthy variant). Default 45. */
  healthyOrders?: number;
  /** Times each fault story is written. Default 1. */
  faultCopies?: number;
  /** Share of events delivered more than once. Default 0.3. */
  redeliveryRate?: number;
  /** The instant to detect at. Default 2026-03-02T12:00:00.000Z. */
  now?: string;
  /** Prefix of instance and event ids, so runs do not collide. Default from the seed. */
  runId?: string;
}

const DEFAULT_NOW = '2026-03-02T12:00:00.000Z';
const MAX_SKEW_MS = 4000;

function compareExpected(a: ExpectedFinding, b: ExpectedFinding): number {
  const [x, y] = [`${a.kind} ${a.instanceKey}`, `${b.kind} ${b.instanceKey}`];
  return x < y ? -1 : x > y ? 1 : 0;
}

export function generateDetectionScenario(options: ScenarioOptions): DetectionScenario {
  const rnd = seededRandom('detection-scenario', options.seed);
  const runId = options.runId ?? rnd.hex(6);
  const now = options.now ?? DEFAULT_NOW;
  const skew = (): number =>
    Math.round(rnd.between(1000, MAX_SKEW_MS)) * (rnd.chance(0.5) ? -1 : 1);
  const clocks: Record<string, SystemClock> = {
    shop: { skewMs: 0, offsetMinutes: 0 },
    payments: { skewMs: skew(), offsetMinutes: 60 },
    shipping: { skewMs: skew(), offsetMinutes: 0 },
  };
  const writer = new ScenarioWriter(Date.parse(now), clocks, `ev-${runId}`);
  const healthyKeys: string[] = [];
  const expected: ExpectedFinding[] = [];
  let order = 1000;
  const n = (): string => `${runId}-${(order += 1)}`;

  const healthyOrders = options.healthyOrders ?? 45;
  for (let i = 0; i < healthyOrders; i += 1) {
    const story = HEALTHY_STORIES[i % HEALTHY_STORIES.length];
    if (story !== undefined) healthyKeys.push(...story(writer, rnd, n()).keys);
  }
  for (let copy = 0; copy < (options.faultCopies ?? 1); copy += 1) {
    for (const [, story] of FAULT_STORIES) expected.push(...story(writer, rnd, n()).expected);
  }
  const unique = new Map(expected.map((e) => [`${e.kind} ${e.instanceKey}`, e]));
  return {
    events: shuffle(redeliver(writer.events, rnd, options.redeliveryRate ?? 0.3), rnd),
    expected: [...unique.values()].sort(compareExpected),
    healthyKeys: healthyKeys.sort(),
    now,
    graceMs: DEFAULT_GRACE_MS,
    definitions: [...SCENARIO_DEFINITIONS],
    skewMs: Object.fromEntries(Object.entries(clocks).map(([system, c]) => [system, c.skewMs])),
  };
}
