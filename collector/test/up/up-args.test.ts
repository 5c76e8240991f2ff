import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseUpArgs } from '../../src/tools/cli/up-command.ts';
import { existsSync } from 'node:fs';
import {
  DEMO_DEFINITIONS_DIR,
  parseEmbeddedConfig,
} from '../../src/main/config/embedded-config.ts';
import { readDefinitionDir } from '../../src/adapters/files/read-definition-dir.ts';
import { ConfigError } from '../../src/shared/errors.ts';

describe('parseUpArgs', () => {
  it('reads the flags', () => {
    expect(parseUpArgs([])).toEqual({
      ok: true,
      args: { demo: false, dashboard: true, rate: 1, overrides: {} },
    });
    expect(
      parseUpArgs([
        '--demo',
        '--rate',
        '5',
        '--data-dir',
        'd',
        '--port',
        '0',
        '--dashboard-port',
        '3100',
      ]),
    ).toEqual({
      ok: true,
      args: {
        demo: true,
        dashboard: true,
        rate: 5,
        overrides: { demo: true, dataDir: 'd', port: 0, dashboardPort: 3100 },
      },
    });
    expect(parseUpArgs(['--no-dashboard'])).toEqual({
      ok: true,
      args: { demo: false, dashboard: false, rate: 1, overrides: {} },
    });
    expect(parseUpArgs(['--help'])).toEqual({ ok: false, help: true, problems: [] });
  });

  it('lists every bad flag', () => {
    const result = parseUpArgs(['--rate', '0', '--port', 'x', '--dashboard-port', '99999']);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems).toHaveLength(4); // rate, rate without --demo, ports
    expect(parseUpArgs(['--no-dashboard', '--dashboard-port', '3000'])).toEqual({
      ok: false,
      help: false,
      problems: ['--dashboard-port: not with --no-dashboard'],
    });
    expect(parseUpArgs(['--nope'])).toMatchObject({ ok: false, help: false });
  });
});

describe('parseEmbeddedConfig', () => {
  it('defaults the data dir under the working directory; flags win over the environment', () => {
    const config = parseEmbeddedConfig({}, '/work/x');
    expect(config).toMatchObject({
      dataDir: resolve('/work/x', '.flowtrail/data'),
      dashboardPort: 3000,
      dashboardHost: '127.0.0.1',
      logLevel: 'warn',
      maxEventBytes: 1_048_576,
      http: { host: '127.0.0.1', port: 4100 },
    });
    const overridden = parseEmbeddedConfig(
      {
        FLOWTRAIL_DATA_DIR: '/data',
        FLOWTRAIL_HTTP_PORT: '4200',
        FLOWTRAIL_DASHBOARD_PORT: '3100',
      },
      '/work/x',
      { port: 0, dashboardPort: 0 },
    );
    expect(overridden).toMatchObject({ dataDir: '/data', dashboardPort: 0, http: { port: 0 } });
  });

  it('loads definitions only when asked: the environment, or the demo with --demo', async () => {
    // Run from the checkout, where deploy/definitions exists: plain `up` still loads none.
    const checkout = resolve(import.meta.dirname, '../../..');
    expect(existsSync(resolve(checkout, 'deploy/definitions/payment.yaml'))).toBe(true);
    expect(parseEmbeddedConfig({}, checkout).detection.definitionsDir).toBeUndefined();

    const demo = parseEmbeddedConfig({}, '/elsewhere', { demo: true });
    expect(demo.detection.definitionsDir).toBe(DEMO_DEFINITIONS_DIR);
    const registry = await readDefinitionDir(DEMO_DEFINITIONS_DIR);
    expect(registry.processes()).toEqual(['order-fulfilment', 'payment', 'shipment']);

    const own = { FLOWTRAIL_DEFINITIONS_DIR: 'defs' };
    expect(parseEmbeddedConfig(own, '/srv', { demo: true }).detection.definitionsDir).toBe(
      resolve('/srv', 'defs'),
    );
    expect(parseEmbeddedConfig(own, '/srv').detection.definitionsDir).toBe(resolve('/srv', 'defs'));
  });

  it('lists every bad variable', () => {
    expect(() =>
      parseEmbeddedConfig({ FLOWTRAIL_DASHBOARD_PORT: 'x', LOG_LEVEL: 'loud' }, '/'),
    ).toThrowError(ConfigError);
  });
});
