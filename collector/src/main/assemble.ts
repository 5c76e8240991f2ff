/**
 * The one assembly point of Flowtrail: the parts every role shares, wired once. The three
 * roles call it with their choices — `flowtrail up` (start-embedded.ts: SQLite, HTTP
 * ingest, detection), `flowtrail collector` (start-collector.ts: Elasticsearch, the Kafka
 * pipeline beside the HTTP ingest, detection) and `flowtrail query` (start-query-node.ts:
 * Elasticsearch, reads only):
 *
 *   stores ─ prepare ─▶ definitions (files + stored) ─▶ beforeServe? ─▶ alerts ─▶ live hub (nudged by this
 *   process's writes and alert transitions) ─▶ HTTP ingest? ─▶ HTTP API? ─▶ detection?
 *
 * `stop()` takes it down in the reverse order: detection, timers, commands, the API
 * (requests in flight finish, live streams end), then — even when one of those failed —
 * the role's own parts (`onStop`) and the stores.
 */
import { readDefinitionFiles } from '../adapters/files/read-definition-dir.ts';
import type { AbsentReasons } from '../adapters/http/api-handler.ts';
import { startApiServer, type RunningApiServer } from '../adapters/http/api-server.ts';
import type { HttpGuardConfig } from '../adapters/http/http-config.ts';
import { AlertService } from '../app/alerts/alert-service.ts';
import { DefinitionCatalog } from '../app/detection/definition-catalog.ts';
import { DetectionModel } from '../app/detection/detection-model.ts';
import { EventIngest } from '../app/ingest/event-ingest.ts';
import { LiveHub } from '../app/live/live-hub.ts';
import { NudgingEventWriter } from '../app/live/nudging-writer.ts';
import type { CommandInbox } from '../ports/command-inbox.ts';
import type { CommandPublisher } from '../ports/command-publisher.ts';
import type { DeadLetterSink } from '../ports/dead-letter-sink.ts';
import type { EventWriter } from '../ports/event-store.ts';
import type { Notifier } from '../ports/notifier.ts';
import { createLogger, type LogLevel, type Logger } from '../shared/logger.ts';
import { Metrics } from '../shared/metrics.ts';
import { Retrier } from '../shared/retry/retrier.ts';
import type { RetryConfig } from '../shared/retry/retry-config.ts';
import type { DetectionConfig } from './config/detection-config.ts';
import { startDetection, type RunningDetection } from './start-detection.ts';
import type { StoreSet } from './store-sets.ts';

/** The HTTP API of a role; absent → no API (a collector with `FLOWTRAIL_HTTP_ENABLED=false`). */
export interface ApiChoice {
  host: string;
  port: number;
  apiKey?: string;
  maxBodyBytes: number;
  closeTimeoutMs?: number;
  /** Limits and browser safety (`config.http.guard`); absent ones take the API's defaults. */
  guard?: Partial<HttpGuardConfig>;
  /** Why routes this role does not serve answer 404 (the query node's). */
  absent?: AbsentReasons;
}

/** HTTP ingest (`POST /api/events`) through the same pipeline as Kafka records. */
export interface IngestChoice {
  deadLetters: DeadLetterSink;
  maxEventBytes: number;
  /** The logger component of the HTTP pipeline. */
  component: string;
}

/** Resend commands: where the ladder publishes, what `/api/commands` serves. */
export interface CommandsChoice {
  publisher: CommandPublisher;
  inbox: CommandInbox;
  close(): Promise<void>;
}

export interface AssembleChoices {
  stores: StoreSet;
  logger: Logger;
  metrics: Metrics;
  definitionsDir: string | undefined;
  /**
   * Detection (sweeps, learned deadlines, the ladder). With detection or ingest the
   * definition catalog reloads the stored definitions on a timer; with neither (the query
   * node) it re-reads the store on each definitions read, and no timer runs.
   */
  detection?: DetectionConfig;
  livePollMs?: number;
  api?: ApiChoice;
  ingest?: IngestChoice;
  commands?: CommandsChoice;
  notifier?: Notifier;
  /**
   * Runs once the stores are prepared and the definitions (and model) loaded, before the
   * API listens: embedded mode repairs stale states here (start-embedded.ts).
   */
  beforeServe?: (stores: StoreSet, model: DetectionModel | undefined) => Promise<void>;
}

export interface Assembly {
  stores: StoreSet;
  /** Definitions and learned deadlines; undefined without detection and ingest. */
  model: DetectionModel | undefined;
  definitions: DefinitionCatalog;
  alerts: AlertService;
  live: LiveHub;
  api: RunningApiServer | undefined;
  /** The event writer that tells the live hub about this process's writes. */
  liveWriter: EventWriter;
  /** Starts detection (once the role's inputs run); undefined without `detection`. */
  startDetection(): RunningDetection | undefined;
  /** Stops everything; `onStop` runs after the API closed, before the stores close. */
  stop(onStop?: () => Promise<void>): Promise<void>;
}

export async function assemble(choices: AssembleChoices): Promise<Assembly> {
  const { stores, logger, metrics } = choices;
  await stores.prepare();
  let model: DetectionModel | undefined;
  let definitions: DefinitionCatalog;
  try {
    const files = await readDefinitionFiles(choices.definitionsDir);
    const definitionOptions = {
      store: stores.definitions,
      logger: logger.child({ component: 'definitions' }),
    };
    // The fold of ingest and detection needs the learned deadlines too; a role without
    // either (the query node) needs only the definitions.
    if (choices.detection !== undefined || choices.ingest !== undefined) {
      model = await DetectionModel.load(files, definitionOptions);
      definitions = model.definitions;
      model.startReloading();
    } else {
      definitions = await DefinitionCatalog.load(files, definitionOptions);
    }
    await choices.beforeServe?.(stores, model);
  } catch (err) {
    model?.stop();
    await stores.close();
    throw err;
  }
  const alerts = new AlertService(stores.alerts, { logger: logger.child({ component: 'alerts' }) });
  // The live channel reads the change feed of the stores (so on Elasticsearch it sees every
  // collector's writes); this process's own writes and alert transitions nudge it at once.
  const live = new LiveHub({
    sources: { instances: stores.events, alerts: stores.alerts },
    ...(choices.livePollMs === undefined ? {} : { pollIntervalMs: choices.livePollMs }),
    logger: logger.child({ component: 'live' }),
  });
  const nudge = (): void => live.nudge();
  alerts.onTransitions(nudge);
  const liveWriter = new NudgingEventWriter(stores.events, nudge);

  let api: RunningApiServer | undefined;
  if (choices.api !== undefined) {
    const { ingest: ingestChoice } = choices;
    const ingest =
      ingestChoice === undefined || model === undefined
        ? undefined
        : new EventIngest({
            writer: liveWriter,
            deadLetters: ingestChoice.deadLetters,
            fold: model.fold,
            maxEventBytes: ingestChoice.maxEventBytes,
            metrics,
            logger: logger.child({ component: ingestChoice.component }),
          });
    const { absent, apiKey, closeTimeoutMs, ...listen } = choices.api;
    try {
      api = await startApiServer({
        ...listen,
        ...(apiKey === undefined ? {} : { apiKey }),
        ...(closeTimeoutMs === undefined ? {} : { closeTimeoutMs }),
        ...(absent === undefined ? {} : { absent }),
        ...(ingest === undefined ? {} : { ingest }),
        reader: stores.events,
        store: stores.kind,
        alerts,
        definitions,
        ...(choices.commands === undefined ? {} : { commands: choices.commands.inbox }),
        live,
        logger: logger.child({ component: 'http' }),
      });
    } catch (err) {
      model?.stop();
      await live.close();
      await stores.close();
      throw err;
    }
  }

  let detection: RunningDetection | undefined;
  let stopping: Promise<void> | undefined;
  return {
    stores,
    model,
    definitions,
    alerts,
    live,
    api,
    liveWriter,
    startDetection: () => {
      if (model === undefined || choices.detection === undefined) return undefined;
      detection ??= startDetection({
        config: choices.detection,
        model,
        store: stores.events,
        alerts,
        ...(choices.commands === undefined ? {} : { commands: choices.commands.publisher }),
        ...(choices.notifier === undefined ? {} : { notifier: choices.notifier }),
        logger,
      });
      return detection;
    },
    stop: (onStop) =>
      (stopping ??= (async () => {
        try {
          await detection?.stop();
          model?.stop();
          await choices.commands?.close();
          await api?.close();
          if (api === undefined) await live.close();
        } finally {
          try {
            await onStop?.();
          } finally {
            await stores.close();
          }
        }
      })()),
  };
}

/** What every long-running role starts with: its logger, its counters and a retrier. */
export function roleRuntime(
  settings: { logLevel: LogLevel; retry: RetryConfig },
  logger: Logger = createLogger(settings.logLevel),
): { logger: Logger; metrics: Metrics; retrier: Retrier } {
  const metrics = new Metrics();
  const retrier = new Retrier({
    bounds: settings.retry,
    logger: logger.child({ component: 'retrier' }),
    metrics,
  });
  return { logger, metrics, retrier };
}
