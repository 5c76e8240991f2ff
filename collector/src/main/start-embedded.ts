/**
 * Embedded mode: Flowtrail without Kafka or Elasticsearch. The SQLite event store and
 * the SQLite dead-letter table live in `<dataDir>/flowtrail.db`; the HTTP API ingests
 * CloudEvents through the same `BatchIngester` as the Kafka pipeline and answers the
 * queries, and pushes changes to live clients (`GET /api/live`). `stop()` closes the API
 * (live streams end at once, requests in flight finish first), then the stores.
 */
import { readDefinitionFiles } from '../adapters/files/read-definition-dir.ts';
import { AlertService } from '../app/alerts/alert-service.ts';
import { CommandQueue } from '../app/commands/command-queue.ts';
import type { HttpConfig } from './config/config.ts';
import type { Logger } from '../shared/logger.ts';
import { Metrics } from '../shared/metrics.ts';
import { startApiServer, type RunningApiServer } from '../adapters/http/api-server.ts';
import { EventIngest } from '../app/ingest/event-ingest.ts';
import { LiveHub } from '../app/live/live-hub.ts';
import { NudgingEventWriter } from '../app/live/nudging-writer.ts';
import type { EventStore } from '../ports/event-store.ts';
import { SqliteAlertStore } from '../adapters/sqlite/sqlite-alert-store.ts';
import { SqliteDefinitionStore } from '../adapters/sqlite/sqlite-definition-store.ts';
import { SqliteDeadLetterStore } from '../adapters/sqlite/sqlite-dead-letter-store.ts';
import { SqliteEventStore } from '../adapters/sqlite/sqlite-event-store.ts';
import type { Notifier } from '../ports/notifier.ts';
import type { DetectionConfig } from './config/detection-config.ts';
import { DetectionModel } from '../app/detection/detection-model.ts';
import { startDetection, type RunningDetection } from './start-detection.ts';

export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
export const DEFAULT_MAX_EVENT_BYTES = 1_048_576;

export interface EmbeddedOptions {
  dataDir: string;
  http: Pick<HttpConfig, 'host' | 'port'> &
    Partial<Pick<HttpConfig, 'apiKey' | 'maxBodyBytes' | 'livePollMs'>>;
  logger: Logger;
  maxEventBytes?: number;
  statsIntervalMs?: number;
  /** Detection sweeps, alerts and the ladder; none when absent. */
  detection?: DetectionConfig;
  notifier?: Notifier;
}

export interface RunningEmbedded {
  api: RunningApiServer;
  store: EventStore;
  deadLetters: SqliteDeadLetterStore;
  /** Alert lifecycle over the SQLite `alerts` table (sweeps, acknowledge, silence). */
  alerts: AlertService;
  /** Commands for services on the HTTP transport (`/api/commands`). */
  commands: CommandQueue;
  /** The live channel (`GET /api/live`). */
  live: LiveHub;
  /** Definitions (files + the SQLite `definitions` table) and learned deadlines. */
  model: DetectionModel;
  detection?: RunningDetection;
  metrics: Metrics;
  dataDir: string;
  stop(): Promise<void>;
}

export async function startEmbedded(options: EmbeddedOptions): Promise<RunningEmbedded> {
  const { logger, dataDir } = options;
  const metrics = new Metrics();
  const store = new SqliteEventStore({ dataDir });
  const deadLetters = new SqliteDeadLetterStore({ dataDir });
  const alertStore = new SqliteAlertStore({ dataDir });
  const definitionStore = new SqliteDefinitionStore({ dataDir });
  const closeStores = () =>
    Promise.all([store.close(), deadLetters.close(), alertStore.close(), definitionStore.close()]);
  await store.prepare();
  let model: DetectionModel;
  try {
    await deadLetters.prepare();
    await alertStore.prepare();
    await definitionStore.prepare();
    model = await DetectionModel.load(
      await readDefinitionFiles(options.detection?.definitionsDir),
      {
        store: definitionStore,
        logger: logger.child({ component: 'definitions' }),
      },
    );
  } catch (err) {
    await closeStores();
    throw err;
  }
  model.startReloading();
  const alerts = new AlertService(alertStore, { logger: logger.child({ component: 'alerts' }) });
  const commands = new CommandQueue();
  // The live channel reads the change feed of the stores; this process's writes nudge it.
  const live = new LiveHub({
    sources: { instances: store, alerts: alertStore },
    ...(options.http.livePollMs === undefined ? {} : { pollIntervalMs: options.http.livePollMs }),
    logger: logger.child({ component: 'live' }),
  });
  alerts.onTransitions(() => live.nudge());
  const ingest = new EventIngest({
    writer: new NudgingEventWriter(store, () => live.nudge()),
    deadLetters,
    fold: model.fold,
    maxEventBytes: options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES,
    metrics,
    logger: logger.child({ component: 'pipeline' }),
  });
  let api: RunningApiServer;
  try {
    api = await startApiServer({
      host: options.http.host,
      port: options.http.port,
      ...(options.http.apiKey === undefined ? {} : { apiKey: options.http.apiKey }),
      maxBodyBytes: options.http.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      ingest,
      reader: store,
      store: 'sqlite',
      alerts,
      definitions: model.definitions,
      commands,
      live,
      logger: logger.child({ component: 'http' }),
    });
  } catch (err) {
    model.stop();
    await live.close();
    await closeStores();
    throw err;
  }
  const detection =
    options.detection === undefined
      ? undefined
      : startDetection({
          config: options.detection,
          model,
          store,
          alerts,
          commands,
          ...(options.notifier !== undefined ? { notifier: options.notifier } : {}),
          logger,
        });
  const stopStats = metrics.logEvery(options.statsIntervalMs ?? 30_000, logger);
  logger.info({ dataDir, api: api.url }, 'embedded flowtrail running');

  let stopping: Promise<void> | undefined;
  return {
    api,
    store,
    deadLetters,
    alerts,
    commands,
    live,
    model,
    ...(detection !== undefined ? { detection } : {}),
    metrics,
    dataDir,
    stop: () =>
      (stopping ??= (async () => {
        stopStats();
        try {
          await detection?.stop();
          model.stop();
          await commands.close();
          await api.close();
        } finally {
          await closeStores();
          logger.info({ counters: metrics.snapshot() }, 'embedded flowtrail stopped');
        }
      })()),
  };
}
