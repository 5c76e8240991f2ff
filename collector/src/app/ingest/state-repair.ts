/**
 * Start-up repair of instance states an interrupted batch left behind (embedded mode,
 * main/start-embedded.ts): a store with the `StateRepairer` capability
 * (ports/atomic-batch.ts) checks the instances of its newest events and re-folds the
 * stale ones with the ingest fold (the detection model's, as `BatchIngester` uses), in
 * one transaction. Bounded by `newestEvents`; logged with what it checked, found and
 * repaired. Since `writeBatch` commits events and states together, stale states come from
 * files written before it, or from a store replaced underneath.
 */
import type { FlowtrailEvent } from '@flowtrail/sdk/protocol';
import type { InstanceState } from '../../domain/instance/instance-state.ts';
import type { StateRepairer, StateRepairReport } from '../../ports/atomic-batch.ts';
import type { Logger } from '../../shared/logger.ts';

/** Events whose instances a start checks by default. */
export const DEFAULT_REPAIR_NEWEST_EVENTS = 50_000;

export interface StateRepairDeps {
  store: StateRepairer;
  fold: (events: readonly FlowtrailEvent[]) => InstanceState;
  logger: Logger;
  newestEvents?: number;
}

export async function repairStaleStates(deps: StateRepairDeps): Promise<StateRepairReport> {
  const { logger } = deps;
  const newestEvents = deps.newestEvents ?? DEFAULT_REPAIR_NEWEST_EVENTS;
  const report = await deps.store.repairStaleStates(newestEvents, (keys, eventsByKey) => {
    const states: InstanceState[] = [];
    for (const key of keys) {
      const events = eventsByKey.get(key);
      if (events === undefined || events.length === 0) continue;
      try {
        states.push(deps.fold(events));
      } catch (err) {
        logger.error({ err, key, events: events.length }, 'fold failed; state not repaired');
      }
    }
    return states;
  });
  const fields = { ...report, newestEvents };
  if (report.stale > 0) logger.warn(fields, 'stale instance states repaired');
  else logger.info(fields, 'instance states checked against their events');
  return report;
}
