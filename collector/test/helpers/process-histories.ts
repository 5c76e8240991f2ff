/**
 * fast-check histories of a few instances under a process of their own — a fresh process
 * name, instance ids and event ids per generated value — so the runs of a property share
 * one store (one Elasticsearch index prefix) without seeing each other's analytics.
 */
import fc from 'fast-check';
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import { historyArb } from '../instance/history-arbitrary.ts';

export function processHistoriesArb(
  tagPrefix: string,
  maxInstances: number,
): fc.Arbitrary<FlowtrailEvent[]> {
  let run = 0;
  return fc.array(historyArb, { minLength: 1, maxLength: maxInstances }).map((histories) => {
    run += 1;
    const tag = `${tagPrefix}${run}-${Math.random().toString(36).slice(2, 8)}`;
    return histories.flatMap((events, n) =>
      events.map((event) => ({
        ...event,
        id: `${tag}-${n}-${event.id}`,
        ftinstance: `${tag}-i-${n}`,
        ftprocess: `p-${tag}`,
      })),
    );
  });
}
