// Elasticsearch for local runs and CI, from Maven Central's integ-test-zip distribution.
//
// VERSION DECISION (verified 2026-11): Elasticsearch 8.19.21.
// - Maven Central publishes org.elasticsearch.distribution.integ-test-zip:elasticsearch
//   only up to 8.x (maven-metadata <release>8.19.21; no 9.x). ES 9 exists there only as
//   library jars, not as a runnable distribution.
// - The integ-test-zip is a minimal node: modules transport-netty4, x-pack-core,
//   x-pack-security, apm. NOT included: lang-painless (no scripts: `_update` with a
//   script fails "script_lang not supported"), reindex (no _delete_by_query /
//   _update_by_query / _reindex), ingest-common, analysis-common, mapper-extras,
//   data-streams, ILM. Core mappings, index templates, bulk, search and aggregations work.
// - x-pack-security is present, so `xpack.security.enabled: false` is required.
// - Runs fine on Temurin 25 (and Java 17+). The client must be @elastic/elasticsearch 8.x:
//   client 9.x sends `compatible-with=9`, which ES 8 rejects (media_type_header_exception).
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { copiedConfigEntry, elasticsearchYml, jvmHeapOptions } from './es-config.ts';
import { resolveJdk } from './java.ts';
import type { Jdk } from './java.ts';
import { assertMaven, copyArtifact } from './maven.ts';
import type { InfraPaths, InfraPorts } from './paths.ts';
import { livePid, spawnDetached, tailFile } from './process.ts';
import { ensureServiceUser } from './service-user.ts';
import { waitFor } from './wait.ts';

export const ES_VERSION = '8.19.21';
export const ES_ARTIFACT = `org.elasticsearch.distribution.integ-test-zip:elasticsearch:${ES_VERSION}:zip`;
export const ES_MIN_JAVA = 17;
export const ES_HOST = '127.0.0.1';
export const ES_HEAP = '1g';

export function esInstalled(p: InfraPaths): boolean {
  return existsSync(join(p.esDir, 'lib', `elasticsearch-${ES_VERSION}.jar`));
}

function unzip(zip: string, dest: string): void {
  const tries: [string, string[]][] = [
    ['unzip', ['-q', '-o', zip, '-d', dest]],
    ['python3', ['-m', 'zipfile', '-e', zip, dest]],
    ['jar', ['xf', zip]],
  ];
  const failures: string[] = [];
  for (const [cmd, args] of tries) {
    const r = spawnSync(cmd, args, { cwd: dest, encoding: 'utf8' });
    if (!r.error && r.status === 0) return;
    failures.push(`${cmd}: ${r.error?.message ?? r.stderr.trim().slice(0, 200)}`);
  }
  throw new Error(`cannot unzip ${zip} (install \`unzip\`):\n${failures.join('\n')}`);
}

/** Downloads and unpacks the distribution once; returns true if it downloaded. */
export function installElasticsearch(p: InfraPaths): boolean {
  if (esInstalled(p)) return false;
  assertMaven();
  const downloads = join(p.home, 'downloads');
  const zip = join(downloads, `elasticsearch-${ES_VERSION}.zip`);
  if (!existsSync(zip)) copyArtifact(ES_ARTIFACT, downloads);
  const staging = join(p.home, `elasticsearch-${ES_VERSION}.partial`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  unzip(zip, staging);
  const top = join(staging, `elasticsearch-${ES_VERSION}`);
  // python3/jar do not keep the executable bits.
  for (const f of readdirSync(join(top, 'bin'))) chmodSync(join(top, 'bin', f), 0o755);
  rmSync(p.esDir, { recursive: true, force: true });
  renameSync(top, p.esDir);
  rmSync(staging, { recursive: true, force: true });
  return true;
}

export function esHasXpack(p: InfraPaths): boolean {
  return existsSync(join(p.esDir, 'modules', 'x-pack-core'));
}

/**
 * An instance's ES_PATH_CONF (paths.ts): a copy of the install's `config` directory (made
 * once; `copiedConfigEntry` says what), beside which `writeEsConfig` writes its own files.
 */
function copyInstallConfig(p: InfraPaths): void {
  const installConfig = join(p.esDir, 'config');
  if (p.esConfigDir === installConfig || existsSync(join(p.esConfigDir, 'jvm.options'))) return;
  const staging = `${p.esConfigDir}.partial`;
  rmSync(staging, { recursive: true, force: true });
  cpSync(installConfig, staging, {
    recursive: true,
    filter: (source) => copiedConfigEntry(relative(installConfig, source)),
  });
  rmSync(p.esConfigDir, { recursive: true, force: true });
  renameSync(staging, p.esConfigDir);
}

function writeEsConfig(p: InfraPaths, ports: InfraPorts): void {
  copyInstallConfig(p);
  writeFileSync(
    join(p.esConfigDir, 'elasticsearch.yml'),
    elasticsearchYml({
      host: ES_HOST,
      port: ports.esHttp,
      dataDir: p.esData,
      logsDir: p.esLogs,
      hasXpack: esHasXpack(p),
      ...(ports.esTransport === undefined ? {} : { transportPort: ports.esTransport }),
      ...(p.instance === undefined ? {} : { instance: p.instance }),
    }),
  );
  mkdirSync(join(p.esConfigDir, 'jvm.options.d'), { recursive: true });
  writeFileSync(
    join(p.esConfigDir, 'jvm.options.d', 'flowtrail-heap.options'),
    jvmHeapOptions(ES_HEAP),
  );
}

export function startElasticsearch(
  p: InfraPaths,
  ports: InfraPorts,
): { pid: number; jdk: Jdk; user: string } {
  const jdk = resolveJdk(ES_MIN_JAVA);
  mkdirSync(p.esData, { recursive: true });
  mkdirSync(p.esLogs, { recursive: true });
  writeEsConfig(p, ports);
  // Elasticsearch refuses to run as root: run it as a dedicated system user, owning its
  // directories (an instance's ES_PATH_CONF too: it writes its keystore there).
  const owned = p.esConfigDir.startsWith(`${p.esDir}/`) ? [] : [p.esConfigDir];
  const user = ensureServiceUser(
    [p.esDir, ...owned, p.esData, p.esLogs],
    join(p.esDir, 'bin', 'elasticsearch'),
  );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ES_JAVA_HOME: jdk.home,
    ES_JAVA_OPTS: `-Xms${ES_HEAP} -Xmx${ES_HEAP}`,
    ES_PATH_CONF: p.esConfigDir,
  };
  delete env['JAVA_HOME'];
  if (user.uid !== undefined) {
    env['HOME'] = p.esDir;
    env['USER'] = user.name;
    env['LOGNAME'] = user.name;
  }
  const pid = spawnDetached(join(p.esDir, 'bin', 'elasticsearch'), [], {
    cwd: p.esDir,
    env,
    logFile: p.esLog,
    pidFile: p.esPid,
    ...(user.uid !== undefined ? { uid: user.uid, gid: user.gid } : {}),
  });
  return { pid, jdk, user: user.name };
}

export interface EsInfo {
  version: string;
  status: string;
}

/**
 * Version and health if an Elasticsearch answers at `url`; throws otherwise.
 * (Not `GET /`: its handler lives in the rest-root module, absent from integ-test-zip.)
 */
export async function probeElasticsearch(url: string, waitForYellowSec = 1): Promise<EsInfo> {
  const base = url.replace(/\/+$/, '');
  const res = await fetch(
    `${base}/_cluster/health?wait_for_status=yellow&timeout=${waitForYellowSec}s`,
    {
      signal: AbortSignal.timeout(waitForYellowSec * 1000 + 5000),
    },
  );
  if (res.headers.get('x-elastic-product') !== 'Elasticsearch') {
    throw new Error(
      `${base} does not look like Elasticsearch (HTTP ${res.status}, no X-Elastic-Product header)`,
    );
  }
  const health = (await res.json()) as { status?: string; timed_out?: boolean };
  if (!res.ok || health.timed_out || !health.status || health.status === 'red') {
    throw new Error(
      `Elasticsearch at ${base} is not healthy (status ${health.status ?? res.status})`,
    );
  }
  const nodesRes = await fetch(`${base}/_nodes/_local?filter_path=nodes.*.version`, {
    signal: AbortSignal.timeout(5000),
  });
  const nodes = (await nodesRes.json()) as { nodes?: Record<string, { version?: string }> };
  const version = Object.values(nodes.nodes ?? {})[0]?.version ?? 'unknown';
  return { version, status: health.status };
}

export async function waitForElasticsearch(
  url: string,
  timeoutMs: number,
  pidFile?: string,
  logFile?: string,
): Promise<EsInfo> {
  return waitFor(() => probeElasticsearch(url, 5), {
    timeoutMs,
    intervalMs: 1000,
    what: `Elasticsearch at ${url} (yellow)`,
    check: () => {
      if (pidFile && livePid(pidFile) === null) {
        throw new Error(
          `Elasticsearch exited during startup. Last log lines:\n${logFile ? tailFile(logFile, 40) : ''}`,
        );
      }
    },
  });
}
