/**
 * The demo's self-repair without servers: held orders wait at the repair desk, a resend
 * command for the right instance resumes them (its first event the resent message, which
 * names the command), and the consistency rules that found the loss find nothing once
 * the resumed events are folded. The embedded run with real commands over HTTP is
 * self-repair.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { EventTypes, type FlowtrailCommand, type FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { detectAll } from '../../src/domain/detection/detect-all.ts';
import { emptyRegistry } from '../../src/domain/definitions/registry.ts';
import { foldInstance } from '../../src/domain/instance/fold.ts';
import type { DemoPlan } from '../../src/tools/demo/plan.ts';
import { RepairDesk } from '../../src/tools/demo/repair-desk.ts';
import { generatePlan } from '../../src/tools/demo/scenario.ts';
import { memoryRunner, NOW } from './memory-runner.ts';

function command(plan: DemoPlan, what: string, id: string): FlowtrailCommand {
  const repair = plan.repair;
  if (repair === undefined) throw new Error('not a held plan');
  const planned = plan.instances[repair.handle];
  return {
    specversion: '1.0',
    id,
    source: 'flowtrail-collector',
    type: 'flowtrail.command.resend',
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    fttarget: repair.system,
    ftprocess: planned.process,
    ftinstance: planned.instance,
    data: { reason: 'test', what, findingId: `finding-${id}`, attempt: 1 },
  } as FlowtrailCommand;
}

/** The consistency findings over the folded instances of `events`, long after them. */
function findingKinds(events: readonly FlowtrailEvent[]): string[] {
  const byInstance = new Map<string, FlowtrailEvent[]>();
  for (const e of events) {
    const key = `${e.source}/${e.ftprocess}/${e.ftinstance}`;
    byInstance.set(key, [...(byInstance.get(key) ?? []), e]);
  }
  const states = [...byInstance.values()].map((list) => foldInstance(list));
  const now = new Date(Date.now() + 7 * 24 * 3600_000).toISOString();
  return detectAll(states, { now, graceMs: 1000, registry: emptyRegistry })
    .map((f) => f.kind)
    .sort();
}

describe('repair desk', () => {
  for (const what of ['start', 'completion'] as const) {
    it(`a ${what} lost on the way is resent on the command, and the order completes`, async () => {
      let draws = [0.01, 0.99]; // the first handling fails, the redelivery succeeds
      const desk = new RepairDesk({ failureRate: 0.05, random: () => draws.shift() ?? 0.99 });
      const { runner, events } = memoryRunner(1, 'repairs', { desk, resumeScale: 0 });
      const scenario = runner.scenario('history');
      const plan = Array.from({ length: 200 }, (_, i) => generatePlan(i, NOW, scenario)).find(
        (p) => p.repair?.what === what && !p.faults.includes('failed-process'),
      );
      if (plan === undefined) throw new Error(`no plan that loses a ${what}`);
      await runner.execute(plan);
      await runner.flush();
      expect(desk.waiting).toBe(1);
      const lossKind = what === 'start' ? 'missing-subprocess' : 'lost-completion';
      expect(findingKinds(events())).toContain(lossKind);
      const order = () => events().filter((e) => e.ftinstance === plan.instances.order.instance);
      expect(order().some((e) => e.type === EventTypes.processCompleted)).toBe(false);

      const handle = desk.handlerFor(plan.repair!.system);
      await handle(command(plan, what === 'start' ? 'completion' : 'start', 'wrong-what'));
      expect(desk.counts).toMatchObject({ ignored: 1, repaired: 0 });
      await expect(handle(command(plan, what, 'cmd-1'))).rejects.toThrow(/simulated outage/);
      expect(desk.waiting).toBe(1);
      await handle(command(plan, what, 'cmd-1')); // the redelivery
      expect(desk.waiting).toBe(0);
      await runner.settled();
      await runner.flush();

      const resent = events().filter((e) => e.data.attributes?.resendFor === 'cmd-1');
      expect(resent).toHaveLength(1);
      expect(resent[0]).toMatchObject({
        type: EventTypes.messageSent,
        source: plan.repair!.system,
      });
      expect(order().some((e) => e.type === EventTypes.processCompleted)).toBe(true);
      expect(findingKinds(events())).not.toContain(lossKind);
      expect(desk.counts).toMatchObject({ ignored: 1, repaired: 1, failed: 1 });
      expect(runner.summary.repaired).toBe(1);
      draws = [];
      await handle(command(plan, what, 'cmd-2')); // repaired already: nothing to resend
      expect(desk.counts.ignored).toBe(2);
      const summary = await runner.shutdown();
      expect(summary.errors).toEqual({});
    });
  }
});
