/**
 * Configuration of embedded mode (`flowtrail up`): the data directory, the HTTP API and
 * the dashboard (Next.js, `next start` beside the API), from the environment, overridable by command-line flags. Like
 * `parseConfig`, it lists every problem at once (`ConfigError`).
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  EnvReader,
  readHttpConfig,
  readLogLevel,
  readMaxEventBytes,
  readNotifyConfig,
  type Env,
  type HttpConfig,
  type LogLevel,
} from './config.ts';
import { ConfigError } from '../../shared/errors.ts';
import type { NotifyConfig } from './notify-config.ts';
import { readDetectionConfig, type DetectionConfig } from './detection-config.ts';

/**
 * The definitions of the demo's processes (order-fulfilment, payment, shipment), in this
 * checkout. They belong to the demo: `up --demo` loads them, plain `up` does not — a
 * user's own `payment` would otherwise be judged by the demo's (issue 12). Found from
 * this file, not the working directory, so `--demo` works from anywhere.
 */
export const DEMO_DEFINITIONS_DIR = fileURLToPath(
  new URL('../../../../deploy/definitions', import.meta.url),
);

export const DEFAULT_DATA_DIR = '.flowtrail/data';
export const DEFAULT_DASHBOARD_PORT = 3000;
/** The dashboard has no login of its own: it listens on loopback unless told otherwise. */
export const DEFAULT_DASHBOARD_HOST = '127.0.0.1';

export interface EmbeddedConfig {
  /** Absolute directory of the SQLite database. */
  dataDir: string;
  http: HttpConfig;
  /** Where the dashboard listens (FLOWTRAIL_DASHBOARD_HOST / _PORT, `--dashboard-port`). */
  dashboardHost: string;
  dashboardPort: number;
  maxEventBytes: number;
  logLevel: LogLevel;
  detection: DetectionConfig;
  notify: NotifyConfig;
}

export interface EmbeddedOverrides {
  /** `--demo`: also load the demo's definitions (`DEMO_DEFINITIONS_DIR`) unless the env names a directory. */
  demo?: boolean;
  dataDir?: string;
  port?: number;
  dashboardPort?: number;
}

/**
 * The dashboard this process starts may post to the API from the browser: its origin
 * joins the allowed ones (docs/security.md), whatever port it was given. Port 0 (any
 * free port) cannot be named in advance; the dashboard's own calls are server-side anyway.
 */
function withDashboardOrigin(http: HttpConfig, host: string, port: number): HttpConfig {
  if (port === 0) return http;
  const name = host.includes(':') ? `[${host}]` : host;
  const loopback = ['127.0.0.1', 'localhost'].includes(host);
  const extra = (loopback ? ['127.0.0.1', 'localhost'] : [name]).map((h) => `http://${h}:${port}`);
  const allowedOrigins = [...new Set([...http.guard.allowedOrigins, ...extra])];
  return { ...http, guard: { ...http.guard, allowedOrigins } };
}

/** Reads the environment (`cwd` anchors a relative data dir); flags override it. */
export function parseEmbeddedConfig(
  env: Env,
  cwd: string,
  overrides: EmbeddedOverrides = {},
): EmbeddedConfig {
  const r = new EnvReader(env);
  const http = readHttpConfig(r);
  const detection = readDetectionConfig(r);
  // Definitions are opt-in: the environment's directory, or the demo's with --demo.
  const definitionsDir =
    detection.definitionsDir !== undefined
      ? resolve(cwd, detection.definitionsDir)
      : overrides.demo === true
        ? DEMO_DEFINITIONS_DIR
        : undefined;
  const notify = readNotifyConfig(env, r);
  const dashboardPort =
    overrides.dashboardPort ?? r.int('FLOWTRAIL_DASHBOARD_PORT', DEFAULT_DASHBOARD_PORT, 0, 65_535);
  const dashboardHost = r.string('FLOWTRAIL_DASHBOARD_HOST', DEFAULT_DASHBOARD_HOST);
  const config: EmbeddedConfig = {
    dataDir: resolve(cwd, overrides.dataDir ?? r.string('FLOWTRAIL_DATA_DIR', DEFAULT_DATA_DIR)),
    http: withDashboardOrigin(
      overrides.port === undefined ? http : { ...http, port: overrides.port },
      dashboardHost,
      dashboardPort,
    ),
    dashboardPort,
    dashboardHost,
    maxEventBytes: readMaxEventBytes(r),
    // `up` talks to a person on stdout; the JSON logs only say what went wrong
    logLevel: readLogLevel(r, 'warn'),
    detection: { ...detection, ...(definitionsDir !== undefined ? { definitionsDir } : {}) },
    notify,
  };
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}
