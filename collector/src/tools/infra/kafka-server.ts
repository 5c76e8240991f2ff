// Apache Kafka for local runs and CI, from Maven Central jars (no tarball, no Docker).
//
// VERSION DECISION (verified empirically, 2026-11): Kafka 4.3.1.
// - Newest 4.x on Maven Central is listed as 4.4.0, but its dependency
//   org.apache.kafka:kafka-tools-api:4.4.0 is not published there, so it cannot be
//   resolved; 4.3.1 resolves completely (45 jars, ~44 MB incl. log4j-slf4j-impl).
// - kafkajs 2.2.4 against a 4.3.1 KRaft broker (Temurin 25): admin.createTopics
//   (3 partitions, waitForLeaders) OK; listTopics OK; producer.send OK; consumer group
//   join (classic protocol) + eachMessage OK; auto offset commit OK (fetchOffsets shows
//   committed offsets); describeGroups OK. One transient "group coordinator is not
//   available" on the very first join while __consumer_offsets is created: retried by
//   kafkajs itself. So 3.9.x is not needed.
// Kafka 4 logs through log4j2; slf4j 1.7 is bound with log4j-slf4j-impl.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createMissingTopics, probeKafka } from '../../adapters/kafka/kafka-admin.ts';
import { javaBin, resolveJdk } from './java.ts';
import type { Jdk } from './java.ts';
import { kafkaLog4j2Properties, kafkaServerProperties } from './kafka-config.ts';
import { assertMaven, copyDependencies } from './maven.ts';
import type { InfraPaths, InfraPorts } from './paths.ts';
import { livePid, spawnDetached, tailFile } from './process.ts';
import { waitFor } from './wait.ts';

export const KAFKA_VERSION = '4.3.1';
export const KAFKA_SCALA = '2.13';
const LOG4J_VERSION = '2.25.4'; // the log4j2 version kafka_2.13:4.3.1 depends on
export const KAFKA_MIN_JAVA = 17;
export const KAFKA_HOST = '127.0.0.1';
export const KAFKA_HEAP = '512m';
export const FLOWTRAIL_TOPICS = [
  'flowtrail.events',
  'flowtrail.dlq',
  'flowtrail.commands',
  'flowtrail.command-acks',
  'flowtrail.alerts',
];
export const TOPIC_PARTITIONS = 3;

export function kafkaInstalled(p: InfraPaths): boolean {
  return existsSync(join(p.kafkaLibs, `kafka_${KAFKA_SCALA}-${KAFKA_VERSION}.jar`));
}

/** Downloads the broker jars once; returns true if it downloaded. */
export function installKafka(p: InfraPaths): boolean {
  if (kafkaInstalled(p)) return false;
  assertMaven();
  const staging = `${p.kafkaLibs}.partial`;
  rmSync(staging, { recursive: true, force: true });
  copyDependencies(
    join(p.kafkaDir, 'maven'),
    [
      { groupId: 'org.apache.kafka', artifactId: `kafka_${KAFKA_SCALA}`, version: KAFKA_VERSION },
      {
        groupId: 'org.apache.logging.log4j',
        artifactId: 'log4j-slf4j-impl',
        version: LOG4J_VERSION,
      },
    ],
    staging,
  );
  rmSync(p.kafkaLibs, { recursive: true, force: true });
  renameSync(staging, p.kafkaLibs);
  return true;
}

function writeKafkaConfig(p: InfraPaths, ports: InfraPorts): void {
  mkdirSync(dirname(p.kafkaConfig), { recursive: true });
  mkdirSync(dirname(p.kafkaLog4j), { recursive: true });
  writeFileSync(
    p.kafkaConfig,
    kafkaServerProperties({
      host: KAFKA_HOST,
      port: ports.kafka,
      controllerPort: ports.kafkaController,
      dataDir: p.kafkaData,
    }),
  );
  writeFileSync(p.kafkaLog4j, kafkaLog4j2Properties(p.kafkaLog));
}

function javaArgs(p: InfraPaths, mainClass: string, args: string[]): string[] {
  return [
    `-Xms${KAFKA_HEAP}`,
    `-Xmx${KAFKA_HEAP}`,
    '-XX:+UseG1GC',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${p.kafkaLog4j}`,
    `-Dkafka.logs.dir=${p.kafkaLogsDir}`,
    '-cp',
    join(p.kafkaLibs, '*'),
    mainClass,
    ...args,
  ];
}

/** Formats the KRaft storage once; returns true if it formatted. */
export function formatKafkaStorage(p: InfraPaths, jdk: Jdk): boolean {
  if (existsSync(join(p.kafkaData, 'meta.properties'))) return false;
  const clusterId = randomClusterId();
  const r = spawnSync(
    javaBin(jdk),
    javaArgs(p, 'kafka.tools.StorageTool', [
      'format',
      '-t',
      clusterId,
      '-c',
      p.kafkaConfig,
      '--standalone',
    ]),
    { encoding: 'utf8' },
  );
  if (r.status !== 0) {
    throw new Error(`Kafka storage format failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  }
  return true;
}

/**
 * A Kafka cluster id: 16 random bytes, base64url without padding (as `random-uuid`). One
 * in 64 such strings starts with `-`, which the storage tool's argument parser takes for
 * an option (`format -t -cJr…` failed "expected one argument", and `flowtrail infra up`
 * with it); Kafka's own `Uuid.randomUuid` draws again in that case, and so does this.
 */
export function randomClusterId(
  random: (bytes: Uint8Array) => Uint8Array = (bytes) => crypto.getRandomValues(bytes),
): string {
  for (;;) {
    const id = Buffer.from(random(new Uint8Array(16))).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export function startKafka(
  p: InfraPaths,
  ports: InfraPorts,
): { pid: number; jdk: Jdk; formatted: boolean } {
  const jdk = resolveJdk(KAFKA_MIN_JAVA);
  writeKafkaConfig(p, ports);
  const formatted = formatKafkaStorage(p, jdk);
  const pid = spawnDetached(javaBin(jdk), javaArgs(p, 'kafka.Kafka', [p.kafkaConfig]), {
    cwd: p.kafkaDir,
    env: { ...process.env, JAVA_HOME: jdk.home },
    logFile: p.kafkaLog,
    pidFile: p.kafkaPid,
  });
  return { pid, jdk, formatted };
}

export { probeKafka };

export async function waitForKafka(
  brokers: string[],
  timeoutMs: number,
  pidFile?: string,
  logFile?: string,
): Promise<void> {
  await waitFor(() => probeKafka(brokers), {
    timeoutMs,
    intervalMs: 1000,
    what: `Kafka at ${brokers.join(',')}`,
    check: () => {
      if (pidFile && livePid(pidFile) === null) {
        throw new Error(
          `Kafka exited during startup. Last log lines:\n${logFile ? tailFile(logFile) : ''}`,
        );
      }
    },
  });
}

/** Creates the missing flowtrail topics; returns the names created. */
export async function ensureTopics(
  brokers: string[],
  topics = FLOWTRAIL_TOPICS,
): Promise<string[]> {
  return createMissingTopics(brokers, topics, TOPIC_PARTITIONS);
}
