import { describe, expect, it } from 'vitest';
import { EventTypes, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { runContinuous, runInstances } from '../../src/tools/demo/run-modes.ts';
import { generatePlan } from '../../src/tools/demo/scenario.ts';
import { deliveredAll, formatSummary } from '../../src/tools/demo/summary.ts';
import { memoryRunner, NOW } from './memory-runner.ts';

const startedIn = (events: FlowtrailEvent[], source: string): Set<string> =>
  new Set(
    events
      .filter((e) => e.source === source && e.type === EventTypes.processStarted)
      .map((e) => e.ftinstance as string),
  );

describe('demo runner', () => {
  it('runs N healthy orders: one instance per system and order, all delivered', async () => {
    const { runner, transports, events } = memoryRunner(0);
    const summary = await runInstances(runner, 25, NOW);
    const all = events();
    expect(startedIn(all, 'shop').size).toBe(25);
    expect(startedIn(all, 'payments').size).toBe(25);
    expect(startedIn(all, 'logistics').size).toBe(25);
    expect(summary.orders).toBe(25);
    expect(summary.systems.shop.instances).toBe(25);
    expect(deliveredAll(summary)).toBe(true);
    for (const t of Object.values(transports)) expect(t.closed).toBe(true);
    const total = Object.values(summary.systems).reduce((n, s) => n + s.stats.sent, 0);
    expect(total).toBe(all.length);
    // history pace: the events carry their planned (past) instants
    expect(all.every((e) => e.time <= NOW.toISOString())).toBe(true);
  });

  it('with faults: instances per system follow the plans, duplicates share their id', async () => {
    const { runner, events } = memoryRunner(0.5, 'faulty');
    const summary = await runInstances(runner, 40, NOW);
    const scenario = runner.scenario('history');
    const plans = Array.from({ length: 40 }, (_, i) => generatePlan(i, NOW, scenario));
    // Without a repair desk the held rest of an order never runs.
    const expectedStarts = (handle: 'payment' | 'shipment'): number =>
      plans.filter((p) =>
        p.actions.some((a) => a.handle === handle && a.op === 'start' && a.held !== true),
      ).length;

    const all = events();
    expect(startedIn(all, 'shop').size).toBe(40);
    expect(startedIn(all, 'payments').size).toBe(expectedStarts('payment'));
    expect(startedIn(all, 'logistics').size).toBe(expectedStarts('shipment'));
    expect(expectedStarts('payment')).toBeLessThan(40);

    const duplicated = plans.filter((p) => p.faults.includes('duplicate-delivery'));
    expect(duplicated.length).toBeGreaterThan(0);
    expect(summary.redelivered).toBe(duplicated.length);
    expect(summary.faults['duplicate-delivery']).toEqual(duplicated.map((p) => p.orderId));
    const byId = new Map<string, FlowtrailEvent[]>();
    for (const e of all) byId.set(e.id, [...(byId.get(e.id) ?? []), e]);
    const twice = [...byId.values()].filter((list) => list.length > 1);
    expect(twice).toHaveLength(duplicated.length);
    for (const [first, second] of twice) expect(second).toEqual(first);
    expect(all.length - byId.size).toBe(duplicated.length);

    const text = formatSummary(summary);
    expect(text).toContain('40 orders');
    expect(text).toContain('duplicate-delivery');
    expect(text).toContain(duplicated[0]!.orderId);
  });

  it('continuous mode stops on abort, abandons orders in progress, flushes and closes', async () => {
    const { runner, transports } = memoryRunner(0);
    const stop = new AbortController();
    const done = runContinuous(runner, 100, stop.signal);
    stop.abort();
    const summary = await done;
    expect(summary.orders).toBe(1);
    expect(transports.shop.events.map((e) => e.type)).toEqual([EventTypes.processStarted]);
    expect(transports.shop.closed).toBe(true);
    expect(deliveredAll(summary)).toBe(true);
  });
});
