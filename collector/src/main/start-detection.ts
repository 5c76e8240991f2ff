/**
 * Detection as both deployments run it (`flowtrail up` and `flowtrail collector`): the
 * detection model (definitions + learned deadlines, whose `fold` the ingest uses), the
 * sweeper over the store, alerts, commands and notifiers. Same code, different adapters.
 * The sweeper also re-derives stored deadlines (deadline-rederivation.ts): of every open
 * instance once after the start, and of a process's open instances whenever its
 * effective definition changes or its learned deadlines moved.
 */
import type { AlertService } from '../app/alerts/alert-service.ts';
import type { CommandPublisher } from '../ports/command-publisher.ts';
import type { Logger } from '../shared/logger.ts';
import type { Notifier } from '../ports/notifier.ts';
import type { EventStore } from '../ports/event-store.ts';
import type { DetectionConfig } from './config/detection-config.ts';
import type { DetectionModel } from '../app/detection/detection-model.ts';
import { DeadlineRederiver } from '../app/detection/deadline-rederivation.ts';
import { Sweeper } from '../app/detection/sweeper.ts';

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
  /** The deadline walks the sweeper advances (deadline-rederivation.ts). */
  deadlines: DeadlineRederiver;
  stop(): Promise<void>;
}

export function startDetection(deps: DetectionDeps): RunningDetection {
  const { config, model, logger } = deps;
  const deadlines = new DeadlineRederiver({
    store: deps.store,
    rederive: model.rederive,
    ready: model.learnedReady,
    logger: logger.child({ component: 'deadlines' }),
  });
  deadlines.enqueueAll();
  const unsubscribe = model.onDeadlinesChanged((processes, cause) => {
    logger.info({ processes, cause }, 'deadlines changed; re-deriving those of open instances');
    deadlines.enqueue(processes);
  });
  const sweeper = new Sweeper({
    reader: deps.store,
    alerts: deps.alerts,
    registry: model.registry,
    learned: model.learned,
    ...(deps.commands !== undefined ? { commands: deps.commands } : {}),
    ...(deps.notifier !== undefined ? { notifier: deps.notifier } : {}),
    deadlines,
    settings: config,
    logger: logger.child({ component: 'sweep' }),
  });
  if (config.enabled) {
    model.startLearning(
      deps.store,
      config.learnedRefreshMs,
      { perProcess: config.learnedMaxInstances, horizonMs: config.learnedHorizonMs },
      logger,
    );
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
    deadlines,
    stop: async () => {
      unsubscribe();
      model.stop();
      await sweeper.stop();
    },
  };
}
