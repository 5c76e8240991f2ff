/**
 * Events for the query-node test, named under a test's unique `name`: an order with a
 * picking child in another system (a timeline with two lanes), a second, completed order
 * (a heat map with two instances), and a stuck finding on the first order.
 */
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import type { Finding } from '../../src/domain/detection/finding.ts';
import { makeFinding } from '../alerts/alert-fixtures.ts';
import { eventOfKey } from '../helpers/events.ts';

/** One event of the instance `key` (`source/process/instance`). */
export const eventOf = eventOfKey;

export function orderFamily(name: string) {
  const SHOP = `${name}-shop`;
  const WAREHOUSE = `${name}-warehouse`;
  const ORDER_PROCESS = `${name}-order`;
  const ORDER = `${SHOP}/${ORDER_PROCESS}/o-1`;
  const ORDER_2 = `${SHOP}/${ORDER_PROCESS}/o-2`;
  const PICK = `${WAREHOUSE}/${name}-picking/p-1`;
  const T = (hms: string): string => `2026-11-20T${hms}.000Z`;
  const ann = { owner: `${name}-ann` };
  const parent = { source: SHOP, process: ORDER_PROCESS, instance: 'o-1', expectationId: 'x' };
  const events: FlowtrailEvent[] = [
    eventOf(ORDER, 'process.started', T('10:00:00'), {
      data: { businessKeys: { orderId: '4711' } },
    }),
    eventOf(ORDER, 'step.started', T('10:00:00'), { step: 'pay', ...ann }),
    eventOf(ORDER, 'step.completed', T('10:01:00'), { step: 'pay', ...ann }),
    eventOf(ORDER, 'step.started', T('10:02:00'), { step: 'ship', ...ann }),
    eventOf(ORDER, 'step.waiting', T('10:02:30'), { step: 'ship', data: { for: 'picking' } }),
    eventOf(PICK, 'process.started', T('10:03:00'), { data: { parent } }),
    eventOf(PICK, 'step.started', T('10:03:10'), { step: 'pick', owner: `${name}-bob` }),
    eventOf(PICK, 'step.completed', T('10:10:00'), { step: 'pick', owner: `${name}-bob` }),
    eventOf(PICK, 'process.completed', T('10:11:00')),
    eventOf(ORDER_2, 'process.started', T('14:00:00')),
    eventOf(ORDER_2, 'step.started', T('14:00:00'), { step: 'pay', ...ann }),
    eventOf(ORDER_2, 'step.completed', T('14:30:00'), { step: 'pay', ...ann }),
    eventOf(ORDER_2, 'process.completed', T('14:31:00')),
  ];
  const finding: Finding = makeFinding({
    source: SHOP,
    process: ORDER_PROCESS,
    instance: 'o-1',
    step: 'ship',
    ...ann,
  });
  return { events, finding, keys: { ORDER, ORDER_2, PICK, SHOP, ORDER_PROCESS }, T };
}
