/**
 * `infra` instances (collector/src/tools/infra/paths.ts): a second pair of servers beside
 * the default one, with files and ports of its own and the installs shared; without an
 * instance, the paths and ports of before.
 */
import { describe, expect, it } from 'vitest';
import { copiedConfigEntry, elasticsearchYml } from '../src/tools/infra/es-config.ts';
import { kafkaServerProperties } from '../src/tools/infra/kafka-config.ts';
import {
  DEFAULT_PORTS,
  infraInstance,
  infraPaths,
  infraPorts,
  instancePorts,
} from '../src/tools/infra/paths.ts';

const HOME = '/var/tmp/flowtrail-infra';

describe('infra paths', () => {
  it('keeps the default layout without an instance', () => {
    expect(infraPaths(HOME, '4.3.1', '8.19.21')).toEqual({
      home: HOME,
      instance: undefined,
      instanceDir: HOME,
      kafkaDir: `${HOME}/kafka-4.3.1`,
      kafkaLibs: `${HOME}/kafka-4.3.1/libs`,
      kafkaData: `${HOME}/kafka-data`,
      kafkaConfig: `${HOME}/kafka-4.3.1/config/server.properties`,
      kafkaLog4j: `${HOME}/kafka-4.3.1/config/log4j2.properties`,
      kafkaLogsDir: HOME,
      kafkaLog: `${HOME}/kafka.log`,
      kafkaPid: `${HOME}/kafka.pid`,
      esDir: `${HOME}/elasticsearch-8.19.21`,
      esConfigDir: `${HOME}/elasticsearch-8.19.21/config`,
      esData: `${HOME}/elasticsearch-data`,
      esLogs: `${HOME}/elasticsearch-logs`,
      esLog: `${HOME}/elasticsearch.log`,
      esPid: `${HOME}/elasticsearch.pid`,
    });
  });

  it('gives an instance its own files and shares only the installs', () => {
    const base = infraPaths(HOME, '4.3.1', '8.19.21');
    const faults = infraPaths(HOME, '4.3.1', '8.19.21', 'faults');
    const dir = `${HOME}/instances/faults`;
    expect(faults.instance).toBe('faults');
    expect(faults.instanceDir).toBe(dir);
    // Shared: the downloaded jars and the unpacked distribution.
    expect(faults.kafkaDir).toBe(base.kafkaDir);
    expect(faults.kafkaLibs).toBe(base.kafkaLibs);
    expect(faults.esDir).toBe(base.esDir);
    // Everything else of its own, inside the instance directory, none of it in the installs.
    const own = [
      'kafkaData',
      'kafkaConfig',
      'kafkaLog4j',
      'kafkaLog',
      'kafkaPid',
      'esConfigDir',
      'esData',
      'esLogs',
      'esLog',
      'esPid',
    ] as const;
    for (const key of own) {
      expect(faults[key], key).not.toBe(base[key]);
      expect(faults[key].startsWith(`${dir}/`), key).toBe(true);
    }
    expect(faults.kafkaLogsDir).toBe(dir);
    expect(faults.esConfigDir).toBe(`${dir}/elasticsearch-config`);
    expect(new Set(own.map((key) => faults[key])).size).toBe(own.length);
    // Two instances never share a file.
    const other = infraPaths(HOME, '4.3.1', '8.19.21', 'other');
    for (const key of own) expect(other[key]).not.toBe(faults[key]);
  });

  it('reads and checks the instance name', () => {
    expect(infraInstance({})).toBeUndefined();
    expect(infraInstance({ FLOWTRAIL_INFRA_INSTANCE: ' ' })).toBeUndefined();
    expect(infraInstance({ FLOWTRAIL_INFRA_INSTANCE: 'faults' })).toBe('faults');
    expect(infraInstance({ FLOWTRAIL_INFRA_INSTANCE: 'ci-2' })).toBe('ci-2');
    for (const bad of ['Faults', '../x', 'a/b', '-x', 'a'.repeat(33), 'x y']) {
      expect(() => infraInstance({ FLOWTRAIL_INFRA_INSTANCE: bad }), bad).toThrow(
        /FLOWTRAIL_INFRA_INSTANCE/,
      );
    }
  });
});

describe('infra ports', () => {
  it('are the defaults without an instance (the transport port left to Elasticsearch)', () => {
    expect(infraPorts({})).toEqual({
      kafka: 9092,
      kafkaController: 9093,
      esHttp: 9200,
      esTransport: undefined,
    });
    // The offset applies to instances only.
    expect(infraPorts({ FLOWTRAIL_INFRA_PORT_OFFSET: '5' })).toEqual(DEFAULT_PORTS);
  });

  it('are shifted by 10000 for an instance, or by FLOWTRAIL_INFRA_PORT_OFFSET', () => {
    expect(infraPorts({ FLOWTRAIL_INFRA_INSTANCE: 'faults' })).toEqual({
      kafka: 19092,
      kafkaController: 19093,
      esHttp: 19200,
      esTransport: 19300,
    });
    expect(
      infraPorts({ FLOWTRAIL_INFRA_INSTANCE: 'faults', FLOWTRAIL_INFRA_PORT_OFFSET: '20000' }),
    ).toEqual(instancePorts(20_000));
    expect(instancePorts(20_000).esTransport).toBe(29_300);
    for (const bad of ['0', '-1', '1.5', 'x', '56001']) {
      expect(
        () => infraPorts({ FLOWTRAIL_INFRA_INSTANCE: 'faults', FLOWTRAIL_INFRA_PORT_OFFSET: bad }),
        bad,
      ).toThrow(/FLOWTRAIL_INFRA_PORT_OFFSET/);
    }
  });
});

describe('instance configuration', () => {
  it("writes the instance's ports into server.properties", () => {
    const ports = instancePorts(10_000);
    const text = kafkaServerProperties({
      host: '127.0.0.1',
      port: ports.kafka,
      controllerPort: ports.kafkaController,
      dataDir: `${HOME}/instances/faults/kafka-data`,
    });
    expect(text).toContain('listeners=PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093');
    expect(text).toContain('controller.quorum.bootstrap.servers=127.0.0.1:19093');
    expect(text).toContain(`log.dirs=${HOME}/instances/faults/kafka-data`);
  });

  it('names the cluster after the instance and fixes its transport port', () => {
    const base = { host: '127.0.0.1', dataDir: '/d', logsDir: '/l', hasXpack: true };
    const own = elasticsearchYml({
      ...base,
      port: 19200,
      transportPort: 19300,
      instance: 'faults',
    });
    expect(own).toContain('cluster.name: flowtrail-local-faults');
    expect(own).toContain('node.name: flowtrail-node-1-faults');
    expect(own).toContain('http.port: 19200');
    expect(own).toContain('transport.port: 19300');
    // The default pair's file is what it always was.
    const shared = elasticsearchYml({ ...base, port: 9200 });
    expect(shared).toContain('cluster.name: flowtrail-local\n');
    expect(shared).toContain('node.name: flowtrail-node-1\n');
    expect(shared).not.toContain('transport.port');
  });

  it("copies the install's config directory but for the files infra writes and the keystore", () => {
    for (const kept of ['jvm.options', 'log4j2.properties', 'roles.yml', 'jvm.options.d']) {
      expect(copiedConfigEntry(kept), kept).toBe(true);
    }
    expect(copiedConfigEntry('')).toBe(true); // the directory itself
    for (const skipped of [
      'elasticsearch.yml',
      'elasticsearch.keystore',
      'jvm.options.d/flowtrail-heap.options',
    ]) {
      expect(copiedConfigEntry(skipped), skipped).toBe(false);
    }
  });
});
