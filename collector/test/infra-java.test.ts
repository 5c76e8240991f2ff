import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { elasticsearchYml, jvmHeapOptions } from '../src/tools/infra/es-config.ts';
import { chooseJdk, compareVersions, findJdks, parseReleaseFile } from '../src/tools/infra/java.ts';
import type { Jdk } from '../src/tools/infra/java.ts';
import { kafkaLog4j2Properties, kafkaServerProperties } from '../src/tools/infra/kafka-config.ts';
import { randomClusterId } from '../src/tools/infra/kafka-server.ts';
import { dependencyPom } from '../src/tools/infra/maven.ts';
import { infraHome, DEFAULT_INFRA_HOME } from '../src/tools/infra/paths.ts';

describe('JDK discovery', () => {
  it('parses release files, including the Java 8 form', () => {
    expect(parseReleaseFile('IMPLEMENTOR="Eclipse Adoptium"\nJAVA_VERSION="25.0.3"\n')).toEqual({
      version: '25.0.3',
      major: 25,
    });
    expect(parseReleaseFile('JAVA_VERSION="17.0.15"')?.major).toBe(17);
    expect(parseReleaseFile('JAVA_VERSION="1.8.0_402"')?.major).toBe(8);
    expect(parseReleaseFile('JAVA_VERSION="21"')).toEqual({ version: '21', major: 21 });
    expect(parseReleaseFile('OS_NAME="Linux"')).toBeNull();
  });

  it('compares versions numerically', () => {
    expect(compareVersions('17.0.15', '17.0.9')).toBeGreaterThan(0);
    expect(compareVersions('25.0.3', '25.0.3')).toBe(0);
    expect(compareVersions('21', '21.0.1')).toBeLessThan(0);
  });

  it('chooses the newest JDK meeting the minimum', () => {
    const jdks: Jdk[] = [
      { home: '/a', version: '17.0.15', major: 17 },
      { home: '/b', version: '25.0.3', major: 25 },
      { home: '/c', version: '21.0.8', major: 21 },
    ];
    expect(chooseJdk(jdks, 17)?.home).toBe('/b');
    expect(chooseJdk(jdks.slice(0, 1), 21)).toBeNull();
  });

  it('finds JDKs in a directory, skipping symlinked duplicates and non-JDKs', () => {
    const root = mkdtempSync(join(tmpdir(), 'jvm-'));
    for (const [name, version] of [
      ['jdk-17', '17.0.15'],
      ['jdk-25', '25.0.3'],
    ] as const) {
      mkdirSync(join(root, name, 'bin'), { recursive: true });
      writeFileSync(join(root, name, 'bin', 'java'), '');
      writeFileSync(join(root, name, 'release'), `JAVA_VERSION="${version}"\n`);
    }
    symlinkSync(join(root, 'jdk-17'), join(root, 'alias-17'));
    mkdirSync(join(root, 'not-a-jdk'));
    const found = findJdks(root);
    expect(found.map((j) => j.major).sort()).toEqual([17, 25]);
    expect(chooseJdk(found, 21)?.home).toBe(join(root, 'jdk-25'));
  });
});

describe('server configuration', () => {
  const kafka = kafkaServerProperties({
    host: '127.0.0.1',
    port: 9092,
    controllerPort: 9093,
    dataDir: '/d',
  });
  const props = new Map(
    kafka
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.split('=', 2) as [string, string]),
  );

  it('generates a single-node KRaft server.properties', () => {
    expect(props.get('process.roles')).toBe('broker,controller');
    expect(props.get('node.id')).toBe('1');
    expect(props.get('listeners')).toBe('PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093');
    expect(props.get('advertised.listeners')).toContain('PLAINTEXT://127.0.0.1:9092');
    expect(props.get('controller.quorum.bootstrap.servers')).toBe('127.0.0.1:9093');
    expect(props.get('offsets.topic.replication.factor')).toBe('1');
    expect(props.get('transaction.state.log.replication.factor')).toBe('1');
    expect(props.get('group.initial.rebalance.delay.ms')).toBe('0');
    expect(props.get('num.partitions')).toBe('3');
    expect(props.get('log.dirs')).toBe('/d');
  });

  it('logs Kafka to the given file', () => {
    expect(kafkaLog4j2Properties('/h/kafka.log')).toContain(
      'appender.file.fileName = /h/kafka.log',
    );
  });

  it('makes valid Kafka cluster ids (22 chars of base64url)', () => {
    expect(randomClusterId()).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('never makes a cluster id the storage tool would parse as an option (leading "-")', () => {
    // 0xf8 as the first byte encodes as "-" first (base64url index 62); the next draw is used.
    const draws = [new Uint8Array(16).fill(0xf8), new Uint8Array(16).fill(0x41)];
    let calls = 0;
    const id = randomClusterId((bytes) => {
      bytes.set(draws[calls++] as Uint8Array);
      return bytes;
    });
    expect(calls).toBe(2);
    expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    for (let i = 0; i < 2000; i++) expect(randomClusterId().startsWith('-')).toBe(false);
  });

  it('generates elasticsearch.yml, with the security switch only when x-pack exists', () => {
    const base = { host: '127.0.0.1', port: 9200, dataDir: '/data', logsDir: '/logs' };
    const withX = elasticsearchYml({ ...base, hasXpack: true });
    expect(withX).toContain('discovery.type: single-node');
    expect(withX).toContain('http.port: 9200');
    expect(withX).toContain('cluster.routing.allocation.disk.threshold_enabled: false');
    expect(withX).toContain('action.destructive_requires_name: false');
    expect(withX).toContain('xpack.security.enabled: false');
    expect(elasticsearchYml({ ...base, hasXpack: false })).not.toContain('xpack');
    expect(jvmHeapOptions('1g')).toContain('-Xms1g\n-Xmx1g');
  });

  it('generates a resolver pom listing the dependencies', () => {
    const pom = dependencyPom([
      { groupId: 'org.apache.kafka', artifactId: 'kafka_2.13', version: '4.3.1' },
    ]);
    expect(pom).toContain('<artifactId>kafka_2.13</artifactId><version>4.3.1</version>');
    expect(pom).toContain('<packaging>pom</packaging>');
  });

  it('defaults the infra home', () => {
    expect(infraHome({})).toBe(DEFAULT_INFRA_HOME);
    expect(infraHome({ FLOWTRAIL_INFRA_HOME: '/x' })).toBe('/x');
  });
});
