// Filesystem layout of the local infrastructure installed by `flowtrail infra`.
// Everything lives under one home directory so downloads are reused across runs.
import { join } from 'node:path';

export const DEFAULT_INFRA_HOME = '/var/tmp/flowtrail-infra';

export interface InfraPaths {
  home: string;
  kafkaDir: string;
  kafkaLibs: string;
  kafkaData: string;
  kafkaConfig: string;
  kafkaLog4j: string;
  kafkaLog: string;
  kafkaPid: string;
  esDir: string;
  esData: string;
  esLogs: string;
  esLog: string;
  esPid: string;
}

export function infraHome(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env['FLOWTRAIL_INFRA_HOME'];
  return fromEnv && fromEnv.trim() !== '' ? fromEnv : DEFAULT_INFRA_HOME;
}

export function infraPaths(home: string, kafkaVersion: string, esVersion: string): InfraPaths {
  const kafkaDir = join(home, `kafka-${kafkaVersion}`);
  const esDir = join(home, `elasticsearch-${esVersion}`);
  return {
    home,
    kafkaDir,
    kafkaLibs: join(kafkaDir, 'libs'),
    kafkaData: join(home, 'kafka-data'),
    kafkaConfig: join(kafkaDir, 'config', 'server.properties'),
    kafkaLog4j: join(kafkaDir, 'config', 'log4j2.properties'),
    kafkaLog: join(home, 'kafka.log'),
    kafkaPid: join(home, 'kafka.pid'),
    esDir,
    esData: join(home, 'elasticsearch-data'),
    esLogs: join(home, 'elasticsearch-logs'),
    esLog: join(home, 'elasticsearch.log'),
    esPid: join(home, 'elasticsearch.pid'),
  };
}
