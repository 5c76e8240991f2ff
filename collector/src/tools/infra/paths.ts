// Filesystem layout and ports of the local infrastructure installed by `flowtrail infra`.
// Everything lives under one home directory so downloads are reused across runs.
//
// Instances: `FLOWTRAIL_INFRA_INSTANCE=<name>` runs a second, independent pair of servers
// beside the default one (the fault tests stop and restart theirs without touching the
// pair other tests share). An instance shares the downloaded installs (kafka-<v>/libs,
// elasticsearch-<v>) and has everything else of its own under `<home>/instances/<name>`:
// data, logs, pid files, the generated Kafka configuration and an Elasticsearch
// configuration directory (ES_PATH_CONF) copied from the install's. Its ports are the
// default ones plus `FLOWTRAIL_INFRA_PORT_OFFSET` (default 10000: Kafka 19092/19093,
// Elasticsearch 19200 and transport 19300). No instance: the paths and ports of before.
import { join } from 'node:path';

export const DEFAULT_INFRA_HOME = '/var/tmp/flowtrail-infra';

/** Added to every default port by an instance unless FLOWTRAIL_INFRA_PORT_OFFSET says otherwise. */
export const DEFAULT_INSTANCE_PORT_OFFSET = 10_000;

const INSTANCE_NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;

export interface InfraPaths {
  home: string;
  /** The instance name, or undefined for the default pair. */
  instance: string | undefined;
  /** Where the instance's own files live (the home itself for the default pair). */
  instanceDir: string;
  kafkaDir: string;
  kafkaLibs: string;
  kafkaData: string;
  kafkaConfig: string;
  kafkaLog4j: string;
  /** `kafka.logs.dir` of the broker. */
  kafkaLogsDir: string;
  kafkaLog: string;
  kafkaPid: string;
  esDir: string;
  /** ES_PATH_CONF: the install's `config` for the default pair, a copy of it for an instance. */
  esConfigDir: string;
  esData: string;
  esLogs: string;
  esLog: string;
  esPid: string;
}

export interface InfraPorts {
  kafka: number;
  kafkaController: number;
  esHttp: number;
  /** Elasticsearch's transport port; undefined: its own default (the range 9300-9400). */
  esTransport: number | undefined;
}

/** The ports of the default pair (the transport port left to Elasticsearch, as always). */
export const DEFAULT_PORTS: InfraPorts = {
  kafka: 9092,
  kafkaController: 9093,
  esHttp: 9200,
  esTransport: undefined,
};

/** The ports of an instance: every default one plus `offset`, the transport port fixed. */
export function instancePorts(offset: number): InfraPorts {
  return {
    kafka: DEFAULT_PORTS.kafka + offset,
    kafkaController: DEFAULT_PORTS.kafkaController + offset,
    esHttp: DEFAULT_PORTS.esHttp + offset,
    esTransport: 9300 + offset,
  };
}

export function infraHome(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env['FLOWTRAIL_INFRA_HOME'];
  return fromEnv && fromEnv.trim() !== '' ? fromEnv : DEFAULT_INFRA_HOME;
}

/** FLOWTRAIL_INFRA_INSTANCE, checked (lowercase letters, digits, `-`); undefined when unset. */
export function infraInstance(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const raw = env['FLOWTRAIL_INFRA_INSTANCE']?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (!INSTANCE_NAME.test(raw)) {
    throw new Error(
      `FLOWTRAIL_INFRA_INSTANCE=${raw}: an instance name is 1-32 lowercase letters, digits ` +
        'or "-", starting with a letter or digit',
    );
  }
  return raw;
}

/** The ports of the selected pair: the defaults, or an instance's (FLOWTRAIL_INFRA_PORT_OFFSET). */
export function infraPorts(env: NodeJS.ProcessEnv = process.env): InfraPorts {
  if (infraInstance(env) === undefined) return DEFAULT_PORTS;
  const raw = env['FLOWTRAIL_INFRA_PORT_OFFSET']?.trim();
  if (raw === undefined || raw === '') return instancePorts(DEFAULT_INSTANCE_PORT_OFFSET);
  const offset = Number(raw);
  // 9300 + offset must stay a port, and an offset of 0 would collide with the default pair.
  if (!Number.isInteger(offset) || offset < 1 || offset > 56_000) {
    throw new Error(`FLOWTRAIL_INFRA_PORT_OFFSET=${raw}: an integer from 1 to 56000`);
  }
  return instancePorts(offset);
}

export function infraPaths(
  home: string,
  kafkaVersion: string,
  esVersion: string,
  instance?: string,
): InfraPaths {
  const kafkaDir = join(home, `kafka-${kafkaVersion}`);
  const esDir = join(home, `elasticsearch-${esVersion}`);
  const shared = { home, kafkaDir, kafkaLibs: join(kafkaDir, 'libs'), esDir };
  if (instance === undefined) {
    return {
      ...shared,
      instance: undefined,
      instanceDir: home,
      kafkaData: join(home, 'kafka-data'),
      kafkaConfig: join(kafkaDir, 'config', 'server.properties'),
      kafkaLog4j: join(kafkaDir, 'config', 'log4j2.properties'),
      kafkaLogsDir: home,
      kafkaLog: join(home, 'kafka.log'),
      kafkaPid: join(home, 'kafka.pid'),
      esConfigDir: join(esDir, 'config'),
      esData: join(home, 'elasticsearch-data'),
      esLogs: join(home, 'elasticsearch-logs'),
      esLog: join(home, 'elasticsearch.log'),
      esPid: join(home, 'elasticsearch.pid'),
    };
  }
  const dir = join(home, 'instances', instance);
  return {
    ...shared,
    instance,
    instanceDir: dir,
    kafkaData: join(dir, 'kafka-data'),
    kafkaConfig: join(dir, 'kafka-config', 'server.properties'),
    kafkaLog4j: join(dir, 'kafka-config', 'log4j2.properties'),
    kafkaLogsDir: dir,
    kafkaLog: join(dir, 'kafka.log'),
    kafkaPid: join(dir, 'kafka.pid'),
    esConfigDir: join(dir, 'elasticsearch-config'),
    esData: join(dir, 'elasticsearch-data'),
    esLogs: join(dir, 'elasticsearch-logs'),
    esLog: join(dir, 'elasticsearch.log'),
    esPid: join(dir, 'elasticsearch.pid'),
  };
}
