/**
 * Detection as both deployments run it (`flowtrail up` and `flowtrail collector`): the
 * detection model (definitions + learned deadlines, whose `fold` the ingest uses), the
 * sweeper over the store, alerts, commands and notifiers. Same code, different adapters.
 */
import type { AlertService } from '../alerts/alert-service.ts';
import type { CommandPublisher } from '../commands/command-publisher.ts';
import type { Logger } from '../logger.ts';
import type { Notifier } from '../notify/notification.ts';
import type { EventStore } from '../storage/event-store.ts';
import type { DetectionConfig } from './detection-config.ts';
import type { DetectionModel } from './detection-model.ts';
import { Sweeper } from './sweeper.ts';

export interface DetectionDeps {
  config: DetectionConfig;
  model: DetectionModel;
  store: EventStore;
  alerts: AlertService;
  commands?: CommandPublisher;
  notifier?: Notifier;
  logger: Logger;
}

export interface RunningDetection {
  sweeper: Sweeper;
  stop(): Promise<void>;
}

export function startDetection(deps: DetectionDeps): RunningDetection {
  const { config, model, logger } = deps;
  const sweeper = new Sweeper({
    reader: deps.store,
    alerts: deps.alerts,
    registry: model.registry,
    learned: model.learned,
    ...(deps.commands !== undefined ? { commands: deps.commands } : {}),
    ...(deps.notifier !== undefined ? { notifier: deps.notifier } : {}),
    settings: config,
    logger: logger.child({ component: 'sweep' }),
  });
  if (config.enabled) {
    model.startLearning(deps.store, config.learnedRefreshMs, config.learnedMaxInstances, logger);
    sweeper.start();
    logger.info(
      {
        intervalMs: config.intervalMs,
        graceMs: config.graceMs,
        definitions: model.registry().processes(),
      },
      'detection running',
    );
  }
  return {
    sweeper,
    stop: async () => {
      model.stop();
      await sweeper.stop();
    },
  };
}
