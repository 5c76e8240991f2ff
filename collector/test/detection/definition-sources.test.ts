/**
 * A definition that names its `sources` judges only those systems' instances (issue 12:
 * a user's own `payment` from another system got a nonconformance alert on every
 * instance from the demo's `payment`). With the demo's own definitions, as `up --demo`
 * loads them, through the pure `detectAll` and the registry's `forInstance`.
 */
import { describe, expect, it } from 'vitest';
import { readDefinitionDir } from '../../src/adapters/files/read-definition-dir.ts';
import { detectAll } from '../../src/domain/detection/detect-all.ts';
import { appliesToSource } from '../../src/domain/definitions/applies-to.ts';
import { loadDefinitions } from '../../src/domain/definitions/load-definitions.ts';
import { DEMO_DEFINITIONS_DIR } from '../../src/main/config/embedded-config.ts';
import { Inst, t } from './consistency-fixtures.ts';

/** A `payment` that charges: not the demo's steps (authorize, capture). */
const charging = (source: string): Inst =>
  new Inst(source, 'payment', 'pay-1').start(0).stepStart(1, 'charge');

const kinds = (findings: readonly { kind: string }[]) => findings.map((f) => f.kind).sort();

describe('definitions scoped to source systems', () => {
  it('the demo definitions name the demo systems', async () => {
    const registry = await readDefinitionDir(DEMO_DEFINITIONS_DIR);
    expect(registry.latest().map((d) => [d.process, d.sources])).toEqual([
      ['order-fulfilment', ['shop']],
      ['payment', ['payments']],
      ['shipment', ['logistics']],
    ]);
  });

  it('judge only the instances of the sources they name', async () => {
    const registry = await readDefinitionDir(DEMO_DEFINITIONS_DIR);
    // Long after the demo's 15 min deadline of `authorize` and the grace of every rule.
    const now = t(24 * 3600);
    const options = { now, graceMs: 30_000, registry };

    const demo = detectAll([charging('payments').state()], options);
    expect(kinds(demo)).toContain('nonconformance');

    const own = charging('acme-billing');
    const theirs = detectAll([own.state()], options);
    expect(kinds(theirs)).not.toContain('nonconformance');
    expect(registry.forInstance(own)).toBeUndefined();
    expect(registry.forInstance({ process: 'payment', source: 'payments' })?.version).toBe(1);
  });

  it('without sources, a definition applies to every system', () => {
    const text = [
      'process: payment',
      'version: 1',
      'steps:',
      '  - name: authorize',
      '    next: []',
    ].join('\n');
    const registry = loadDefinitions([{ name: 'payment.yaml', text }]);
    for (const source of ['payments', 'acme-billing']) {
      expect(registry.forInstance({ process: 'payment', source })?.origin).toBe('payment.yaml');
      const findings = detectAll([charging(source).state()], {
        now: t(3600),
        graceMs: 30_000,
        registry,
      });
      expect(kinds(findings)).toContain('nonconformance');
    }
    expect(appliesToSource({}, 'x')).toBe(true);
    expect(appliesToSource({ sources: ['a', 'b'] }, 'b')).toBe(true);
    expect(appliesToSource({ sources: ['a'] }, 'b')).toBe(false);
  });
});
