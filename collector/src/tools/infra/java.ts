// Locating a JDK: the servers need a Java runtime but no JDK is bundled (the
// integ-test-zip of Elasticsearch and the Maven jars of Kafka come without one).
// We pick the newest JDK under /usr/lib/jvm (or FLOWTRAIL_JAVA_HOME / JAVA_HOME).
import { existsSync, readFileSync, readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';

export interface Jdk {
  home: string;
  version: string;
  major: number;
}

/** Parses a JDK `release` file (`JAVA_VERSION="25.0.3"`); returns null if absent. */
export function parseReleaseFile(text: string): { version: string; major: number } | null {
  const m = /^JAVA_VERSION="?([^"\n]+)"?\s*$/m.exec(text);
  if (!m?.[1]) return null;
  const version = m[1].trim();
  const parts = version.split(/[.+_-]/);
  // Java 8 and older report "1.8.0_x": the major is the second part.
  const first = Number(parts[0]);
  const major = first === 1 ? Number(parts[1]) : first;
  if (!Number.isInteger(major)) return null;
  return { version, major };
}

/** Compares dotted versions numerically: negative if a < b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+_-]/).map((p) => Number.parseInt(p, 10) || 0);
  const pb = b.split(/[.+_-]/).map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function readJdk(home: string): Jdk | null {
  const release = join(home, 'release');
  if (!existsSync(release) || !existsSync(join(home, 'bin', 'java'))) return null;
  const parsed = parseReleaseFile(readFileSync(release, 'utf8'));
  return parsed ? { home, ...parsed } : null;
}

/** All JDKs under `root`, de-duplicated by real path (Debian has symlinked aliases). */
export function findJdks(root = '/usr/lib/jvm'): Jdk[] {
  if (!existsSync(root)) return [];
  const seen = new Set<string>();
  const jdks: Jdk[] = [];
  for (const name of readdirSync(root).sort()) {
    const home = join(root, name);
    let real: string;
    try {
      real = realpathSync(home);
    } catch {
      continue;
    }
    if (seen.has(real)) continue;
    const jdk = readJdk(home);
    if (jdk) {
      seen.add(real);
      jdks.push(jdk);
    }
  }
  return jdks;
}

/** The newest JDK with major >= minMajor, or null. */
export function chooseJdk(jdks: readonly Jdk[], minMajor: number): Jdk | null {
  const ok = jdks.filter((j) => j.major >= minMajor);
  ok.sort((a, b) => compareVersions(b.version, a.version));
  return ok[0] ?? null;
}

export class MissingJavaError extends Error {}

/** Resolves the JDK to run a server: an explicit override wins, else the newest found. */
export function resolveJdk(minMajor: number, env: NodeJS.ProcessEnv = process.env): Jdk {
  const override = env['FLOWTRAIL_JAVA_HOME'];
  if (override) {
    const jdk = readJdk(override);
    if (!jdk)
      throw new MissingJavaError(
        `FLOWTRAIL_JAVA_HOME=${override} is not a JDK (no release file or bin/java)`,
      );
    if (jdk.major < minMajor)
      throw new MissingJavaError(`FLOWTRAIL_JAVA_HOME is Java ${jdk.major}; need ${minMajor}+`);
    return jdk;
  }
  const candidates = findJdks();
  const javaHome = env['JAVA_HOME'];
  if (javaHome) {
    const jdk = readJdk(javaHome);
    if (jdk) candidates.push(jdk);
  }
  const jdk = chooseJdk(candidates, minMajor);
  if (!jdk) {
    const found = candidates.map((j) => `${j.major} (${j.home})`).join(', ') || 'none';
    throw new MissingJavaError(
      `No Java ${minMajor}+ JDK found (found: ${found}). Install one, e.g. ` +
        `\`apt-get install -y openjdk-${Math.max(minMajor, 17)}-jdk-headless\`, or set FLOWTRAIL_JAVA_HOME.`,
    );
  }
  return jdk;
}

export function javaBin(jdk: Jdk): string {
  return join(jdk.home, 'bin', 'java');
}
