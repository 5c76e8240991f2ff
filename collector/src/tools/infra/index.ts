// `flowtrail infra up|down|status`: real Kafka + Elasticsearch on 127.0.0.1 for tests/CI.
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  ES_HOST,
  ES_VERSION,
  installElasticsearch,
  probeElasticsearch,
  startElasticsearch,
  waitForElasticsearch,
} from './elasticsearch-server.ts';
import {
  KAFKA_HOST,
  KAFKA_VERSION,
  ensureTopics,
  installKafka,
  probeKafka,
  startKafka,
  waitForKafka,
} from './kafka-server.ts';
import { infraHome, infraInstance, infraPaths, infraPorts } from './paths.ts';
import type { InfraPaths, InfraPorts } from './paths.ts';
import { livePid, stopPid, tailFile } from './process.ts';
import { isPortOpen } from './wait.ts';

export { ES_VERSION, KAFKA_VERSION };
/** Process and polling helpers the other tools share (the dashboard child process). */
export { isAlive } from './process.ts';
export { waitFor, type WaitOptions } from './wait.ts';
export type Log = (line: string) => void;
export type { InfraPaths, InfraPorts };

function startTimeoutMs(env: NodeJS.ProcessEnv): number {
  const s = Number(env['FLOWTRAIL_INFRA_TIMEOUT_S'] ?? '180');
  return (Number.isFinite(s) && s > 0 ? s : 180) * 1000;
}

/**
 * The servers `infra` works on: the default pair, or the instance FLOWTRAIL_INFRA_INSTANCE
 * names (paths.ts), with their files, ports and local addresses.
 */
export interface InfraTarget {
  paths: InfraPaths;
  ports: InfraPorts;
  /** `127.0.0.1:<port>` of the broker. */
  kafkaBroker: string;
  /** `http://127.0.0.1:<port>` of the node. */
  elasticsearchUrl: string;
}

export function currentTarget(env: NodeJS.ProcessEnv = process.env): InfraTarget {
  const paths = infraPaths(infraHome(env), KAFKA_VERSION, ES_VERSION, infraInstance(env));
  const ports = infraPorts(env);
  return {
    paths,
    ports,
    kafkaBroker: `${KAFKA_HOST}:${ports.kafka}`,
    elasticsearchUrl: `http://${ES_HOST}:${ports.esHttp}`,
  };
}

export function currentPaths(env: NodeJS.ProcessEnv = process.env): InfraPaths {
  return currentTarget(env).paths;
}

/** `kafka` / `elasticsearch`, or with the instance: `kafka[faults]`. */
function label(t: InfraTarget, server: ServerName): string {
  return t.paths.instance === undefined ? server : `${server}[${t.paths.instance}]`;
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)}s`;
}

type Waiter = () => Promise<void>;

/** Ensures Kafka is running; returns a function that waits for it and creates the topics. */
async function bringUpKafka(t: InfraTarget, env: NodeJS.ProcessEnv, log: Log): Promise<Waiter> {
  const { paths: p, ports } = t;
  const name = label(t, 'kafka');
  const timeout = startTimeoutMs(env);
  // An instance is a pair of our own by definition: the variables naming others do not apply.
  const external = p.instance === undefined ? env['KAFKA_BROKERS']?.trim() : undefined;
  const brokers = external
    ? external
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean)
    : [t.kafkaBroker];
  const finish = async (what: string, waitPid?: boolean): Promise<void> => {
    const t = Date.now();
    await waitForKafka(brokers, timeout, waitPid ? p.kafkaPid : undefined, p.kafkaLog);
    const created = await ensureTopics(brokers);
    const topics = created.length > 0 ? `created topics ${created.join(', ')}` : 'topics present';
    log(`${name}: ${what}, healthy after ${seconds(t)}, ${topics} — brokers ${brokers.join(',')}`);
  };
  if (external) {
    log(`${name}: KAFKA_BROKERS is set, not starting a broker; checking ${external}`);
    return () => finish(`external (${external})`);
  }
  const ours = livePid(p.kafkaPid);
  if (ours !== null)
    return () => finish(`already running (pid ${ours}, Kafka ${KAFKA_VERSION})`, true);
  if (await isPortOpen(KAFKA_HOST, ports.kafka)) {
    try {
      await probeKafka(brokers);
    } catch (err) {
      throw new Error(
        `port ${ports.kafka} is in use by something that is not a healthy Kafka (${(err as Error).message}); ` +
          'stop it or set KAFKA_BROKERS to use an existing broker',
      );
    }
    return () => finish('reusing the broker already listening (not started by flowtrail)');
  }
  const since = Date.now();
  if (installKafka(p))
    log(`${name}: downloaded Kafka ${KAFKA_VERSION} jars into ${p.kafkaLibs} in ${seconds(since)}`);
  const { pid, jdk, formatted } = startKafka(p, ports);
  log(
    `${name}: started Kafka ${KAFKA_VERSION} (pid ${pid}, Java ${jdk.version} ${jdk.home}` +
      `${formatted ? ', storage formatted' : ''}), log ${p.kafkaLog}`,
  );
  return () => finish('started', true);
}

async function bringUpElasticsearch(
  t: InfraTarget,
  env: NodeJS.ProcessEnv,
  log: Log,
): Promise<Waiter> {
  const { paths: p, ports } = t;
  const name = label(t, 'elasticsearch');
  const timeout = startTimeoutMs(env);
  const external = p.instance === undefined ? env['ELASTICSEARCH_URL']?.trim() : undefined;
  const url = external || t.elasticsearchUrl;
  const finish = async (what: string, waitPid?: boolean): Promise<void> => {
    const t = Date.now();
    const info = await waitForElasticsearch(url, timeout, waitPid ? p.esPid : undefined, p.esLog);
    log(
      `${name}: ${what}, ${info.status} after ${seconds(t)} — Elasticsearch ${info.version} at ${url}`,
    );
  };
  if (external) {
    log(`${name}: ELASTICSEARCH_URL is set, not starting a node; checking ${external}`);
    return () => finish('external');
  }
  const ours = livePid(p.esPid);
  if (ours !== null) return () => finish(`already running (pid ${ours})`, true);
  if (await isPortOpen(ES_HOST, ports.esHttp)) {
    try {
      await probeElasticsearch(url, 10);
    } catch (err) {
      throw new Error(
        `port ${ports.esHttp} is in use by something that is not a healthy Elasticsearch (${(err as Error).message}); ` +
          'stop it or set ELASTICSEARCH_URL to use an existing cluster',
      );
    }
    return () => finish('reusing the node already listening (not started by flowtrail)');
  }
  if (ports.esTransport !== undefined && (await isPortOpen(ES_HOST, ports.esTransport))) {
    throw new Error(
      `the transport port ${ports.esTransport} of ${name} is in use; stop what listens there ` +
        'or choose another FLOWTRAIL_INFRA_PORT_OFFSET',
    );
  }
  const since = Date.now();
  if (installElasticsearch(p))
    log(`${name}: downloaded and unpacked ${ES_VERSION} into ${p.esDir} in ${seconds(since)}`);
  const { pid, jdk, user } = startElasticsearch(p, ports);
  log(
    `${name}: started ${ES_VERSION} as user ${user} (pid ${pid}, Java ${jdk.version}), log ${p.esLog}`,
  );
  return () => finish('started', true);
}

export async function infraUp(log: Log, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const t = Date.now();
  const target = currentTarget(env);
  const p = target.paths;
  // The Elasticsearch service user must traverse every directory down to its files.
  for (const dir of [
    p.home,
    ...(p.instance === undefined ? [] : [dirname(p.instanceDir), p.instanceDir]),
  ]) {
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o755);
  }
  log(
    `infra home: ${p.home}${p.instance === undefined ? '' : `, instance ${p.instance} in ${p.instanceDir}`}`,
  );
  // Start both first, then wait for both, so their startups overlap.
  const waitKafka = await bringUpKafka(target, env, log);
  const waitEs = await bringUpElasticsearch(target, env, log);
  const results = await Promise.allSettled([waitKafka(), waitEs()]);
  const failures = results.flatMap((r) =>
    r.status === 'rejected' ? [(r.reason as Error).message] : [],
  );
  if (failures.length > 0) throw new Error(failures.join('\n\n'));
  log(
    `infra up in ${seconds(t)}: KAFKA_BROKERS=${(p.instance === undefined ? env['KAFKA_BROKERS'] : undefined) ?? target.kafkaBroker} ` +
      `ELASTICSEARCH_URL=${(p.instance === undefined ? env['ELASTICSEARCH_URL'] : undefined) ?? target.elasticsearchUrl}`,
  );
}

export type ServerName = 'kafka' | 'elasticsearch';

/**
 * Stops the named servers that `infra up` started (SIGTERM, SIGKILL after 60 s); `infraUp`
 * starts them again on the same data. The fault tests use it to take one server away
 * mid-ingest (collector/test/faults).
 */
export async function infraStop(
  names: readonly ServerName[],
  log: Log,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const target = currentTarget(env);
  const p = target.paths;
  const pidFiles: Record<ServerName, string> = { kafka: p.kafkaPid, elasticsearch: p.esPid };
  const outcomes = await Promise.all(names.map((name) => stopPid(pidFiles[name], 60_000)));
  names.forEach((name, i) => log(`${label(target, name)}: ${outcomes[i]}`));
}

/** The pid of the named server if `infra up` started it and it is alive, else null. */
export function infraPid(name: ServerName, env: NodeJS.ProcessEnv = process.env): number | null {
  const p = currentPaths(env);
  return livePid(name === 'kafka' ? p.kafkaPid : p.esPid);
}

export async function infraDown(log: Log, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await infraStop(['kafka', 'elasticsearch'], log, env);
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
  const target = currentTarget(env);
  const p = target.paths;
  const kafkaPid = livePid(p.kafkaPid);
  const kafka: ServerStatus = {
    name: label(target, 'kafka'),
    state: 'stopped',
    pid: kafkaPid,
    version: null,
    address: target.kafkaBroker,
    detail: '',
  };
  try {
    const topics = await probeKafka([target.kafkaBroker]);
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
    name: label(target, 'elasticsearch'),
    state: 'stopped',
    pid: esPid,
    version: null,
    address: target.elasticsearchUrl,
    detail: '',
  };
  try {
    const info = await probeElasticsearch(target.elasticsearchUrl);
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
