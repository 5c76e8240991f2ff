/**
 * Takes a real server away and brings it back, for the fault tests (collector/test/faults,
 * sdk/test/faults; the `faults` vitest project runs them one file at a time after the
 * integration tests). They work on a PRIVATE pair of servers, the `infra` instance
 * `faults` (collector/src/tools/infra/paths.ts: Kafka 127.0.0.1:19092, Elasticsearch
 * 127.0.0.1:19200, own data and pid files), which the faults project's globalSetup
 * (fault-infra-setup.ts) brings up; the pair the other tests share is never touched.
 *
 * In a fault test `KAFKA_BROKERS` / `ELASTICSEARCH_URL` already name the private pair (the
 * project's setup file sets them before the test file is imported), so helpers/servers.ts
 * (`brokers`, `elasticsearchUrl`, `collectorTestEnv`, …) work on it unchanged.
 *
 * `stopServer` stops only a server of that instance that `flowtrail infra up` started (its
 * pid file); `startServer` / `restoreServers` start whatever is down again on its data and
 * wait until it is healthy. Every fault test calls `restoreServers` in `afterAll`, so a
 * failing test never leaves the next one without servers.
 */
import { inject } from 'vitest';
import { infraPid, infraStop, infraUp, type ServerName } from '../../src/tools/infra/index.ts';
import {
  faultInfraEnv,
  faultServerAddresses,
  FAULT_INFRA_INSTANCE,
  type FaultServers,
} from './fault-infra-setup.ts';

export { FAULT_INFRA_INSTANCE, faultInfraEnv, type FaultServers };

declare module 'vitest' {
  export interface ProvidedContext {
    /** Provided by the faults project's globalSetup (fault-infra-setup.ts). */
    faultServers: FaultServers;
  }
}

/** Where the private pair listens (what the globalSetup provided, else its fixed ports). */
export function faultServers(): FaultServers {
  let provided: FaultServers | undefined;
  try {
    provided = inject('faultServers');
  } catch {
    provided = undefined; // not in a worker of the faults project
  }
  return provided ?? faultServerAddresses();
}

const quiet = (): void => {};

/** Fails fast (and says why) when the private server is not running under `flowtrail infra`. */
function requireOwnServer(name: ServerName): number {
  const pid = infraPid(name, faultInfraEnv());
  if (pid === null) {
    throw new Error(
      `${name}[${FAULT_INFRA_INSTANCE}] is not running under \`flowtrail infra\` (no live pid ` +
        'file): run the fault tests through the `faults` vitest project, whose globalSetup ' +
        'starts the private pair (FLOWTRAIL_INFRA_INSTANCE=faults flowtrail infra up)',
    );
  }
  return pid;
}

/**
 * Stops the private server (SIGTERM to its process group, as an operator or an
 * orchestrator would; SIGKILL after 60 s); resolves once it is gone.
 */
export async function stopServer(
  name: ServerName,
  log: (line: string) => void = quiet,
): Promise<void> {
  requireOwnServer(name);
  await infraStop([name], log, faultInfraEnv());
}

/**
 * Starts the private server again on its data (the other one is left running, or started
 * too if it is down) and waits until both are healthy, topics ensured.
 */
export async function startServer(
  name: ServerName,
  log: (line: string) => void = quiet,
): Promise<void> {
  void name; // `infra up` starts whatever of the pair is down
  await infraUp(log, faultInfraEnv());
}

/** Starts every stopped server of the private pair again and waits until each is healthy. */
export async function restoreServers(log: (line: string) => void = quiet): Promise<void> {
  await infraUp(log, faultInfraEnv());
}

export { requireOwnServer };
