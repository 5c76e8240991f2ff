// Fetching server artifacts from Maven Central with the `mvn` client (the only route
// to Kafka and Elasticsearch binaries here: no Docker, no direct downloads).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class MissingMavenError extends Error {}

export interface MavenCoordinate {
  groupId: string;
  artifactId: string;
  version: string;
}

export function assertMaven(): void {
  const r = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new MissingMavenError(
      'Apache Maven (`mvn`) is required to fetch Kafka and Elasticsearch from Maven Central: ' +
        'install it, e.g. `apt-get install -y maven`.',
    );
  }
}

/** A throw-away pom whose only purpose is to resolve `deps` with their runtime closure. */
export function dependencyPom(deps: readonly MavenCoordinate[]): string {
  const items = deps
    .map(
      (d) =>
        `    <dependency><groupId>${d.groupId}</groupId><artifactId>${d.artifactId}</artifactId>` +
        `<version>${d.version}</version></dependency>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.flowtrail.infra</groupId>
  <artifactId>server-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
${items}
  </dependencies>
</project>
`;
}

function runMaven(args: string[], cwd: string): void {
  const r = spawnSync('mvn', ['-q', '-B', ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`mvn ${args[0] ?? ''} failed (exit ${r.status}):\n${out}`);
  }
}

/** Copies `deps` and their runtime dependencies as jars into `outDir`. */
export function copyDependencies(
  workDir: string,
  deps: readonly MavenCoordinate[],
  outDir: string,
): void {
  mkdirSync(workDir, { recursive: true });
  writeFileSync(join(workDir, 'pom.xml'), dependencyPom(deps));
  runMaven(
    ['dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${outDir}`],
    workDir,
  );
}

/** Copies one artifact (e.g. `group:artifact:version:zip`) into `outDir`. */
export function copyArtifact(artifact: string, outDir: string): void {
  mkdirSync(outDir, { recursive: true });
  runMaven(['dependency:copy', `-Dartifact=${artifact}`, `-DoutputDirectory=${outDir}`], outDir);
}
