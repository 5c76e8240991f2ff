import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseUpArgs } from '../../src/tools/cli/up-command.ts';
import { parseEmbeddedConfig } from '../../src/main/config/embedded-config.ts';
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
        overrides: { dataDir: 'd', port: 0, dashboardPort: 3100 },
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

  it('lists every bad variable', () => {
    expect(() =>
      parseEmbeddedConfig({ FLOWTRAIL_DASHBOARD_PORT: 'x', LOG_LEVEL: 'loud' }, '/'),
    ).toThrowError(ConfigError);
  });
});
