/**
 * globalSetup of the `faults` vitest project (vitest.config.ts): brings up the PRIVATE
 * pair of servers the fault tests stop and restart (the `infra` instance `faults`,
 * helpers/server-faults.ts), reusing it when it already runs, and provides where it
 * listens to the test workers (`inject('faultServers')`; fault-infra-env.ts turns that
 * into KAFKA_BROKERS / ELASTICSEARCH_URL there). The main process's environment is left
 * alone, so the other projects of the same run keep the shared pair.
 *
 * Teardown stops what this setup started, unless FLOWTRAIL_KEEP_INFRA=1 (as
 * scripts/test-all.sh does with the shared pair); a server that was already running is
 * left running.
 *
 * Two fault runs at once (two engineers, two terminals) would stop each other's servers:
 * a run holds `<instance dir>/fault-run.lock` (its pid) from setup to teardown, and a
 * second run waits for it (a lock whose process is gone is taken over).
 *
 * Runs in vitest's main process, where `vitest` itself must not be imported: what the
 * workers need too (the instance, its environment and addresses) is defined here.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import {
  currentTarget,
  isAlive,
  infraPid,
  infraStop,
  infraUp,
  type ServerName,
} from '../../src/tools/infra/index.ts';

/** The `infra` instance of the fault tests. */
export const FAULT_INFRA_INSTANCE = 'faults';

export interface FaultServers {
  brokers: string[];
  elasticsearchUrl: string;
}

/** The environment of every `infra` call on the private pair. */
export function faultInfraEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, FLOWTRAIL_INFRA_INSTANCE: FAULT_INFRA_INSTANCE };
}

/** Where the private pair listens (its fixed ports: paths.ts, FLOWTRAIL_INFRA_PORT_OFFSET). */
export function faultServerAddresses(): FaultServers {
  const target = currentTarget(faultInfraEnv());
  return { brokers: [target.kafkaBroker], elasticsearchUrl: target.elasticsearchUrl };
}

const log = (line: string): void => console.log(`[fault infra] ${line}`);

const LOCK_WAIT_MS = 20 * 60_000;

/** Takes the run lock of the private pair, waiting while another live run holds it. */
async function lockRuns(lockFile: string): Promise<() => void> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  let announced = false;
  for (;;) {
    try {
      writeFileSync(lockFile, `${process.pid}\n`, { flag: 'wx' });
      return () => {
        if (readFileSync(lockFile, 'utf8').trim() === String(process.pid)) rmSync(lockFile);
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = Number.parseInt(readFileSync(lockFile, 'utf8').trim(), 10);
    if (!Number.isInteger(holder) || holder <= 0 || !isAlive(holder)) {
      rmSync(lockFile, { force: true }); // its run is gone
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`another fault run (pid ${holder}) holds ${lockFile} for too long`);
    }
    if (!announced) log(`waiting for the fault run of pid ${holder} (${lockFile})`);
    announced = true;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const env = faultInfraEnv();
  const { instanceDir } = currentTarget(env).paths;
  mkdirSync(instanceDir, { recursive: true });
  const unlock = await lockRuns(join(instanceDir, 'fault-run.lock'));
  try {
    return await bringUp(project, env, unlock);
  } catch (err) {
    unlock();
    throw err;
  }
}

async function bringUp(
  project: TestProject,
  env: NodeJS.ProcessEnv,
  unlock: () => void,
): Promise<() => Promise<void>> {
  const servers: ServerName[] = ['kafka', 'elasticsearch'];
  const startedHere = servers.filter((name) => infraPid(name, env) === null);
  const since = Date.now();
  await infraUp(log, env);
  log(
    `private pair (instance ${FAULT_INFRA_INSTANCE}) up in ${((Date.now() - since) / 1000).toFixed(1)}s` +
      (startedHere.length === 0 ? ', reused' : `, started ${startedHere.join(' and ')}`),
  );
  project.provide('faultServers', faultServerAddresses());
  return async () => {
    try {
      if (startedHere.length === 0 || process.env['FLOWTRAIL_KEEP_INFRA'] === '1') {
        log('private pair left running');
      } else {
        await infraStop(startedHere, log, env);
      }
    } finally {
      unlock();
    }
  };
}
