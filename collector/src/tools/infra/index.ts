// `flowtrail infra up|down|status`: real Kafka + Elasticsearch on 127.0.0.1 for tests/CI.
import { chmodSync, mkdirSync } from 'node:fs';
import {
  ES_HOST,
  ES_PORT,
  ES_VERSION,
  installElasticsearch,
  probeElasticsearch,
  startElasticsearch,
  waitForElasticsearch,
} from './elasticsearch-server.ts';
import {
  KAFKA_HOST,
  KAFKA_PORT,
  KAFKA_VERSION,
  ensureTopics,
  installKafka,
  probeKafka,
  startKafka,
  waitForKafka,
} from './kafka-server.ts';
import { infraHome, infraPaths } from './paths.ts';
import type { InfraPaths } from './paths.ts';
import { livePid, stopPid, tailFile } from './process.ts';
import { isPortOpen } from './wait.ts';

export { ES_VERSION, KAFKA_VERSION };
/** Process and polling helpers the other tools share (the dashboard child process). */
export { isAlive } from './process.ts';
export { waitFor, type WaitOptions } from './wait.ts';
export type Log = (line: string) => void;

const LOCAL_KAFKA = `${KAFKA_HOST}:${KAFKA_PORT}`;
const LOCAL_ES = `http://${ES_HOST}:${ES_PORT}`;

function startTimeoutMs(env: NodeJS.ProcessEnv): number {
  const s = Number(env['FLOWTRAIL_INFRA_TIMEOUT_S'] ?? '180');
  return (Number.isFinite(s) && s > 0 ? s : 180) * 1000;
}

export function currentPaths(env: NodeJS.ProcessEnv = process.env): InfraPaths {
  return infraPaths(infraHome(env), KAFKA_VERSION, ES_VERSION);
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)}s`;
}

type Waiter = () => Promise<void>;

/** Ensures Kafka is running; returns a function that waits for it and creates the topics. */
async function bringUpKafka(p: InfraPaths, env: NodeJS.ProcessEnv, log: Log): Promise<Waiter> {
  const timeout = startTimeoutMs(env);
  const external = env['KAFKA_BROKERS']?.trim();
  const brokers = external
    ? external
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean)
    : [LOCAL_KAFKA];
  const finish = async (what: string, waitPid?: boolean): Promise<void> => {
    const t = Date.now();
    await waitForKafka(brokers, timeout, waitPid ? p.kafkaPid : undefined, p.kafkaLog);
    const created = await ensureTopics(brokers);
    const topics = created.length > 0 ? `created topics ${created.join(', ')}` : 'topics present';
    log(`kafka: ${what}, healthy after ${seconds(t)}, ${topics} — brokers ${brokers.join(',')}`);
  };
  if (external) {
    log(`kafka: KAFKA_BROKERS is set, not starting a broker; checking ${external}`);
    return () => finish(`external (${external})`);
  }
  const ours = livePid(p.kafkaPid);
  if (ours !== null)
    return () => finish(`already running (pid ${ours}, Kafka ${KAFKA_VERSION})`, true);
  if (await isPortOpen(KAFKA_HOST, KAFKA_PORT)) {
    try {
      await probeKafka(brokers);
    } catch (err) {
      throw new Error(
        `port ${KAFKA_PORT} is in use by something that is not a healthy Kafka (${(err as Error).message}); ` +
          'stop it or set KAFKA_BROKERS to use an existing broker',
      );
    }
    return () => finish('reusing the broker already listening (not started by flowtrail)');
  }
  const t = Date.now();
  if (installKafka(p))
    log(`kafka: downloaded Kafka ${KAFKA_VERSION} jars into ${p.kafkaLibs} in ${seconds(t)}`);
  const { pid, jdk, formatted } = startKafka(p);
  log(
    `kafka: started Kafka ${KAFKA_VERSION} (pid ${pid}, Java ${jdk.version} ${jdk.home}` +
      `${formatted ? ', storage formatted' : ''}), log ${p.kafkaLog}`,
  );
  return () => finish('started', true);
}

async function bringUpElasticsearch(
  p: InfraPaths,
  env: NodeJS.ProcessEnv,
  log: Log,
): Promise<Waiter> {
  const timeout = startTimeoutMs(env);
  const external = env['ELASTICSEARCH_URL']?.trim();
  const url = external || LOCAL_ES;
  const finish = async (what: string, waitPid?: boolean): Promise<void> => {
    const t = Date.now();
    const info = await waitForElasticsearch(url, timeout, waitPid ? p.esPid : undefined, p.esLog);
    log(
      `elasticsearch: ${what}, ${info.status} after ${seconds(t)} — Elasticsearch ${info.version} at ${url}`,
    );
  };
  if (external) {
    log(`elasticsearch: ELASTICSEARCH_URL is set, not starting a node; checking ${external}`);
    return () => finish('external');
  }
  const ours = livePid(p.esPid);
  if (ours !== null) return () => finish(`already running (pid ${ours})`, true);
  if (await isPortOpen(ES_HOST, ES_PORT)) {
    try {
      await probeElasticsearch(url, 10);
    } catch (err) {
      throw new Error(
        `port ${ES_PORT} is in use by something that is not a healthy Elasticsearch (${(err as Error).message}); ` +
          'stop it or set ELASTICSEARCH_URL to use an existing cluster',
      );
    }
    return () => finish('reusing the node already listening (not started by flowtrail)');
  }
  const t = Date.now();
  if (installElasticsearch(p))
    log(`elasticsearch: downloaded and unpacked ${ES_VERSION} into ${p.esDir} in ${seconds(t)}`);
  const { pid, jdk, user } = startElasticsearch(p);
  log(
    `elasticsearch: started ${ES_VERSION} as user ${user} (pid ${pid}, Java ${jdk.version}), log ${p.esLog}`,
  );
  return () => finish('started', true);
}

export async function infraUp(log: Log, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const t = Date.now();
  const p = currentPaths(env);
  mkdirSync(p.home, { recursive: true });
  chmodSync(p.home, 0o755); // the Elasticsearch service user must traverse it
  log(`infra home: ${p.home}`);
  // Start both first, then wait for both, so their startups overlap.
  const waitKafka = await bringUpKafka(p, env, log);
  const waitEs = await bringUpElasticsearch(p, env, log);
  const results = await Promise.allSettled([waitKafka(), waitEs()]);
  const failures = results.flatMap((r) =>
    r.status === 'rejected' ? [(r.reason as Error).message] : [],
  );
  if (failures.length > 0) throw new Error(failures.join('\n\n'));
  log(
    `infra up in ${seconds(t)}: KAFKA_BROKERS=${env['KAFKA_BROKERS'] ?? LOCAL_KAFKA} ELASTICSEARCH_URL=${env['ELASTICSEARCH_URL'] ?? LOCAL_ES}`,
  );
}

export async function infraDown(log: Log, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const p = currentPaths(env);
  const [kafka, es] = await Promise.all([stopPid(p.kafkaPid, 60_000), stopPid(p.esPid, 60_000)]);
  log(`kafka: ${kafka}`);
  log(`elasticsearch: ${es}`);
}

export interface ServerStatus {
  name: string;
  state: 'running' | 'stopped' | 'unhealthy';
  pid: number | null;
  version: string | null;
  address: string;
  detail: string;
}

export async function infraStatus(env: NodeJS.ProcessEnv = process.env): Promise<ServerStatus[]> {
  const p = currentPaths(env);
  const kafkaPid = livePid(p.kafkaPid);
  const kafka: ServerStatus = {
    name: 'kafka',
    state: 'stopped',
    pid: kafkaPid,
    version: null,
    address: LOCAL_KAFKA,
    detail: '',
  };
  try {
    const topics = await probeKafka([LOCAL_KAFKA]);
    kafka.state = 'running';
    kafka.version = kafkaPid !== null ? KAFKA_VERSION : 'unknown (not started by flowtrail)';
    kafka.detail = `${topics.length} topics`;
  } catch {
    if (kafkaPid !== null) {
      kafka.state = 'unhealthy';
      kafka.detail = `process alive but not answering; see ${p.kafkaLog}`;
    }
  }
  const esPid = livePid(p.esPid);
  const es: ServerStatus = {
    name: 'elasticsearch',
    state: 'stopped',
    pid: esPid,
    version: null,
    address: LOCAL_ES,
    detail: '',
  };
  try {
    const info = await probeElasticsearch(LOCAL_ES);
    es.state = 'running';
    es.version = info.version;
    es.detail = `cluster ${info.status}${esPid === null ? ', not started by flowtrail' : ''}`;
  } catch {
    if (esPid !== null) {
      es.state = 'unhealthy';
      es.detail = `process alive but not healthy; see ${p.esLog}`;
    }
  }
  return [kafka, es];
}

export function serverLogTails(env: NodeJS.ProcessEnv = process.env): string {
  const p = currentPaths(env);
  return `--- ${p.kafkaLog} (tail) ---\n${tailFile(p.kafkaLog, 20)}\n--- ${p.esLog} (tail) ---\n${tailFile(p.esLog, 20)}`;
}
