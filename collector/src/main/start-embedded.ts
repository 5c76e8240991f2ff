/**
 * Embedded mode: Flowtrail without Kafka or Elasticsearch, assembled (assemble.ts) on the
 * SQLite stores of `<dataDir>/flowtrail.db` with the SQLite dead-letter table: the HTTP
 * API ingests CloudEvents through the same `BatchIngester` as the Kafka pipeline, answers
 * the queries and pushes changes to live clients (`GET /api/live`); resend commands wait
 * in the in-process queue `GET /api/commands` serves. At start the states of the newest
 * events' instances are checked against those events and repaired (app/ingest/state-repair.ts). `stop()` closes the API (live
 * streams end at once, requests in flight finish first), then the stores.
 */
import type { RunningApiServer } from '../adapters/http/api-server.ts';
import { DEFAULT_MAX_BODY_BYTES } from '../adapters/http/http-config.ts';
import { DEFAULT_MAX_EVENT_BYTES } from '../app/ingest/batch-ingester.ts';
import { repairStaleStates } from '../app/ingest/state-repair.ts';
import { isStateRepairer } from '../ports/atomic-batch.ts';
import { SqliteDeadLetterStore } from '../adapters/sqlite/sqlite-dead-letter-store.ts';
import type { AlertService } from '../app/alerts/alert-service.ts';
import { CommandQueue } from '../app/commands/command-queue.ts';
import type { DetectionModel } from '../app/detection/detection-model.ts';
import type { LiveHub } from '../app/live/live-hub.ts';
import type { EventStore } from '../ports/event-store.ts';
import type { Notifier } from '../ports/notifier.ts';
import type { Logger } from '../shared/logger.ts';
import { Metrics } from '../shared/metrics.ts';
import { assemble } from './assemble.ts';
import type { HttpConfig } from './config/config.ts';
import type { DetectionConfig } from './config/detection-config.ts';
import type { RunningDetection } from './start-detection.ts';
import { sqliteStores } from './store-sets.ts';

export interface EmbeddedOptions {
  dataDir: string;
  http: Pick<HttpConfig, 'host' | 'port'> &
    Partial<Pick<HttpConfig, 'apiKey' | 'maxBodyBytes' | 'livePollMs' | 'guard'>>;
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
  const deadLetters = new SqliteDeadLetterStore({ dataDir });
  await deadLetters.prepare();
  const commands = new CommandQueue();
  const assembly = await assemble({
    stores: sqliteStores(dataDir, logger),
    logger,
    metrics,
    definitionsDir: options.detection?.definitionsDir,
    ...(options.detection === undefined ? {} : { detection: options.detection }),
    ...(options.http.livePollMs === undefined ? {} : { livePollMs: options.http.livePollMs }),
    api: {
      host: options.http.host,
      port: options.http.port,
      ...(options.http.apiKey === undefined ? {} : { apiKey: options.http.apiKey }),
      maxBodyBytes: options.http.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      ...(options.http.guard === undefined ? {} : { guard: options.http.guard }),
    },
    ingest: {
      deadLetters,
      maxEventBytes: options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES,
      component: 'pipeline',
    },
    commands: { publisher: commands, inbox: commands, close: () => commands.close() },
    ...(options.notifier === undefined ? {} : { notifier: options.notifier }),
    // Stale states are repaired before the API takes requests, with the ingest's fold.
    beforeServe: async (stores, model) => {
      if (model === undefined || !isStateRepairer(stores.events)) return;
      await repairStaleStates({
        store: stores.events,
        fold: model.fold,
        logger: logger.child({ component: 'state-repair' }),
      });
    },
  }).catch(async (err: unknown) => {
    await deadLetters.close();
    throw err;
  });
  const { api, model } = assembly;
  if (api === undefined || model === undefined) throw new Error('embedded mode has an API');
  const detection = assembly.startDetection();
  const stopStats = metrics.logEvery(options.statsIntervalMs ?? 30_000, logger);
  logger.info({ dataDir, api: api.url }, 'embedded flowtrail running');

  return {
    api,
    store: assembly.stores.events,
    deadLetters,
    alerts: assembly.alerts,
    commands,
    live: assembly.live,
    model,
    ...(detection !== undefined ? { detection } : {}),
    metrics,
    dataDir,
    stop: async () => {
      stopStats();
      await assembly.stop(async () => {
        await deadLetters.close();
        logger.info({ counters: metrics.snapshot() }, 'embedded flowtrail stopped');
      });
    },
  };
}
