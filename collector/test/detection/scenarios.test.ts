import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { validateEvent } from '@flowtrail/sdk/protocol';
import { generateDetectionScenario } from '../helpers/scenarios/consistency-scenario.ts';
import { FAULT_STORIES } from '../helpers/scenarios/fault-stories.ts';
import { FINDING_KINDS } from '../../src/domain/detection/finding.ts';
import { detectAll, pairs } from './scenarios-pipeline.ts';

const SEEDS = ['alpha', 'beta', 7, 42, 'gamma'];

describe('detection scenario', () => {
  const scenario = generateDetectionScenario({ seed: 'alpha' });

  it('is deterministic for a seed', () => {
    expect(generateDetectionScenario({ seed: 'alpha' })).toEqual(scenario);
    expect(generateDetectionScenario({ seed: 'beta' }).events).not.toEqual(scenario.events);
  });

  it('writes only valid protocol v1 events, with re-deliveries of the same id', () => {
    for (const event of scenario.events) expect(validateEvent(event)).toMatchObject({ ok: true });
    const ids = scenario.events.map((event) => event.id);
    expect(new Set(ids).size).toBeLessThan(ids.length);
  });

  it('skews the systems’ clocks by a few seconds', () => {
    for (const system of ['payments', 'shipping']) {
      expect(Math.abs(scenario.skewMs[system] ?? 0)).toBeGreaterThanOrEqual(1000);
      expect(Math.abs(scenario.skewMs[system] ?? 0)).toBeLessThanOrEqual(4000);
    }
  });

  it('injects at least one fault of every kind, and many healthy instances', () => {
    const kinds = new Set(scenario.expected.map((e) => e.kind));
    expect([...kinds].sort()).toEqual([...FINDING_KINDS].sort());
    const faults = new Set(scenario.expected.map((e) => e.fault));
    expect(faults).toEqual(new Set(FAULT_STORIES.map(([name]) => name)));
    expect(scenario.healthyKeys.length).toBeGreaterThanOrEqual(100);
  });

  it.each(SEEDS)(
    'seed %s: finds exactly the injected faults, nothing on healthy instances',
    (seed) => {
      const s = generateDetectionScenario({ seed, faultCopies: 2 });
      const findings = detectAll(s.events, { now: s.now, definitions: s.definitions });
      expect(pairs(findings)).toEqual(pairs(s.expected));
      const healthy = new Set(s.healthyKeys);
      expect(findings.filter((f) => healthy.has(f.instanceKey))).toEqual([]);
    },
  );

  it('every finding begins at a fixed instant (never now) and names its related instances', () => {
    const findings = detectAll(scenario.events, {
      now: scenario.now,
      definitions: scenario.definitions,
    });
    for (const finding of findings) {
      expect(Date.parse(finding.since)).toBeLessThan(Date.parse(scenario.now));
      expect(finding.relatedKeys).not.toContain(finding.instanceKey);
    }
    const later = detectAll(scenario.events, {
      now: new Date(Date.parse(scenario.now) + 1000).toISOString(),
      definitions: scenario.definitions,
    });
    expect(later.map((f) => f.since)).toEqual(findings.map((f) => f.since));
  });

  it('any shuffle and re-delivery of the events gives the same findings', () => {
    const small = generateDetectionScenario({ seed: 'prop', healthyOrders: 12, redeliveryRate: 0 });
    const options = { now: small.now, definitions: small.definitions };
    const reference = detectAll(small.events, options);
    fc.assert(
      fc.property(
        fc.shuffledSubarray(small.events, { minLength: small.events.length }),
        fc.subarray(small.events),
        (shuffled, again) => {
          expect(detectAll([...shuffled, ...again], options)).toEqual(reference);
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('detection scenario: the graces matter', () => {
  it('without a grace, healthy in-flight orders would be flagged', () => {
    const s = generateDetectionScenario({ seed: 'alpha' });
    const findings = detectAll(s.events, { now: s.now, definitions: s.definitions, graceMs: 0 });
    const healthy = new Set(s.healthyKeys);
    const flagged = new Set(findings.filter((f) => healthy.has(f.instanceKey)).map((f) => f.kind));
    expect(flagged).toEqual(new Set(['missing-subprocess', 'lost-completion']));
  });
});
