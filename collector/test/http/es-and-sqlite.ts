/**
 * For the suites that check the Kafka-mode collector on the REAL Elasticsearch answers
 * like embedded mode (SQLite): both started side by side on the suite's servers, the
 * same request to both, and everything removed again afterwards.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCollector, type RunningCollector } from '../../src/main/start-collector.ts';
import type { CollectorConfig } from '../../src/main/config/config.ts';
import { startEmbedded, type RunningEmbedded } from '../../src/main/start-embedded.ts';
import type { Logger } from '../../src/shared/logger.ts';
import { connectSuiteServers, type SuiteServers } from '../helpers/suite-servers.ts';
import { call, type Answer } from './http-client.ts';

export interface EsAndSqlite {
  /** Base URL of the Kafka-mode collector's API (it wants `auth`). */
  esBase: string;
  /** Base URL of the embedded collector's API (no key). */
  sqliteBase: string;
  /** The same request to both collectors. */
  both(path: string): Promise<{ es: Answer; sqlite: Answer }>;
  /**
   * Stops both collectors, removes the SQLite data, then the suite's indices, topics
   * (input and dead letters) and consumer group.
   */
  stop(): Promise<void>;
}

export async function startEsAndSqlite(options: {
  /** The suite's unique name (`uniqueName`), that `config` was made with. */
  name: string;
  config: CollectorConfig;
  auth: Record<string, string>;
  logger: Logger;
  /** Prefix of the SQLite data directory in the temp directory. */
  tmpPrefix: string;
}): Promise<EsAndSqlite> {
  const { name, config, auth, logger } = options;
  let servers: SuiteServers | undefined;
  let collector: RunningCollector | undefined;
  let embedded: RunningEmbedded | undefined;
  let dir: string | undefined;
  const stop = async () => {
    await collector?.stop();
    await embedded?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    const topics = [...(config.kafka.topics ?? []), config.kafka.dlqTopic];
    await servers?.release(topics, [config.kafka.groupId]);
  };
  try {
    servers = await connectSuiteServers(name);
    collector = await startCollector(config, { logger });
    dir = await mkdtemp(join(tmpdir(), options.tmpPrefix));
    embedded = await startEmbedded({ dataDir: dir, http: { host: '127.0.0.1', port: 0 }, logger });
  } catch (error) {
    await stop();
    throw error;
  }
  const esBase = collector.api?.url ?? '';
  const sqliteBase = embedded.api.url;
  return {
    esBase,
    sqliteBase,
    both: async (path) => ({
      es: await call(`${esBase}${path}`, { headers: auth }),
      sqlite: await call(`${sqliteBase}${path}`),
    }),
    stop,
  };
}
